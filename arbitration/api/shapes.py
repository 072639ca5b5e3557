"""Declared JSON shapes: each body the API takes or returns is a `Shape`, declared once. Its JSON Schema goes into
the OpenAPI document and checks what comes in; a shape the API returns also says, field by field, where each value
comes from, so the JSON it makes and the schema it documents are one list of fields (pure: no Flask)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator

REF = "#/components/schemas/"
SHAPES: dict[str, Shape] = {}        # every named shape, by name: the document's components

TIME = {"type": ["string", "null"], "format": "date-time"}
DATE = {"type": ["string", "null"], "format": "date"}


def text(max_length: int, min_length: int = 0) -> dict:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


def obj(properties: dict, required: Iterable[str] = (), closed: bool = True) -> dict:
    """The schema of an object nested inside a shape that comes in (it has no name of its own)."""
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


def iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _read(source: Any, path: str) -> Any:
    for part in path.split("."):
        if source is None:
            return None
        source = source[part] if isinstance(source, Mapping) else getattr(source, part)
    return source


class Field:
    """A field of a returned shape: its schema, and its value read from the object (an attribute or key, by
    default the field's own name; a dotted path gives None when a step on the way is None; or a function of the
    object), then converted."""

    def __init__(self, schema: dict, source: str | Callable | None = None, convert: Callable | None = None) -> None:
        self.schema, self.source, self.convert = schema, source, convert

    def value(self, name: str, of: Any) -> Any:
        source = self.source or name
        raw = source(of) if callable(source) else _read(of, source)
        return self.convert(raw) if self.convert else raw


def field(schema: dict, source: str | Callable | None = None, convert: Callable | None = None) -> Field:
    return Field(schema, source, convert)


def time(source: str | Callable | None = None) -> Field:
    """A moment, in ISO 8601 (UTC), or null."""
    return Field(TIME, source, iso)


def date(source: str | Callable | None = None) -> Field:
    return Field(DATE, source, iso)


def enum_value(schema: dict, source: str | Callable | None = None) -> Field:
    """An Enum member, returned as its value."""
    return Field(schema, source, lambda member: member.value)


def one(shape: Shape, source: str | Callable | None = None, nullable: bool = False) -> Field:
    """A nested shape (null when the object is None and `nullable`)."""
    schema = {"anyOf": [shape.ref, {"type": "null"}]} if nullable else shape.ref
    return Field(schema, source, lambda found: None if found is None and nullable else shape.dump(found))


def many(shape: Shape, source: str | Callable | None = None) -> Field:
    """A list of a nested shape."""
    return Field({"type": "array", "items": shape.ref}, source, lambda items: [shape.dump(i) for i in items])


class Shape:
    """A JSON object: named ones are components of the document (referred to by `$ref`), unnamed ones are written
    out where they are used. Properties are plain schemas (shapes that come in, or that others build) or `Field`s
    (shapes that `dump` makes from an object)."""

    def __init__(self, name: str | None, properties: Mapping[str, dict | Field], *, required: Iterable[str] = (),
                 closed: bool = True, description: str | None = None) -> None:
        self.name, self.properties = name, dict(properties)
        self.schema = obj({k: p.schema if isinstance(p, Field) else p for k, p in self.properties.items()},
                          required, closed)
        if description:
            self.schema["description"] = description
        unknown = set(self.schema.get("required", ())) - set(self.properties)
        if unknown:
            raise ValueError(f"{name}: required fields {sorted(unknown)} are not declared")
        self._validator: tuple[int, Draft202012Validator] | None = None
        if name is not None:
            if name in SHAPES:
                raise ValueError(f"shape {name} is declared twice")
            SHAPES[name] = self

    def __repr__(self) -> str:
        return f"<Shape {self.name or '(inline)'}>"

    @property
    def ref(self) -> dict:
        return {"$ref": REF + self.name} if self.name else self.schema

    def extended(self, name: str, properties: Mapping[str, dict | Field], *, required: Iterable[str],
                 closed: bool = True) -> Shape:
        """Another shape with this one's properties and more."""
        return Shape(name, {**self.properties, **properties}, required=required, closed=closed)

    def dump(self, of: Any) -> dict:
        """The JSON of an object (or a mapping) in this shape: exactly the declared fields."""
        missing = [k for k, p in self.properties.items() if not isinstance(p, Field)]
        if missing:
            raise TypeError(f"{self!r} is not made by the API: {missing} have no source")
        return {name: prop.value(name, of) for name, prop in self.properties.items()}

    def validator(self) -> Draft202012Validator:
        """A validator of this shape's schema, its `$ref`s resolved among the declared shapes."""
        if self._validator is None or self._validator[0] != len(SHAPES):
            self._validator = (len(SHAPES), Draft202012Validator({**self.schema, "components": components()}))
        return self._validator[1]

    def check(self, value: Any) -> Any:
        """`value` itself, when it matches the schema; else `jsonschema.ValidationError`."""
        self.validator().validate(value)
        return value


def components() -> dict:
    return {"schemas": {name: shape.schema for name, shape in SHAPES.items()}}


def named(name: str) -> Shape:
    return SHAPES[name]
