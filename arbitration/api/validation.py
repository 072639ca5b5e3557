"""Request bodies checked against their declared shapes (the same schemas the OpenAPI document shows), each bad
field named with its own message in Chinese and English."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from arbitration.api.errors import ApiError, field_error
from arbitration.api.shapes import Shape, named


def validate(body, shape: Shape | str) -> dict:
    """`body` itself when it has the shape (or the shape of that name); else 422 with each bad field."""
    if isinstance(shape, str):
        shape = named(shape)
    bad_text = list(_unstorable(body, ""))
    if bad_text:
        raise ApiError("validation_failed", fields=[
            field_error(path or "(body)", _l("Contains characters that cannot be stored (NUL or an unpaired "
                                             "surrogate).")) for path in bad_text])
    errors = sorted(shape.validator().iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        fields, seen = [], set()
        for err in errors:
            for item in _describe(err):
                if item["field"] not in seen:
                    seen.add(item["field"])
                    fields.append(item)
        raise ApiError("validation_failed", fields=fields)
    return body


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unstorable(value, path: str):
    """Strings no database column can hold (PostgreSQL refuses NUL; UTF-8 refuses lone surrogates)."""
    if isinstance(value, str):
        if not storable(value):
            yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            if isinstance(k, str) and not storable(k):
                yield path or "(body)"
            else:
                yield from _unstorable(v, sub)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _unstorable(v, f"{path}.{i}" if path else str(i))


def _path(err, extra: str | None = None) -> str:
    parts = [str(p) for p in err.absolute_path] + ([extra] if extra else [])
    return ".".join(parts) or "(body)"


def _describe(err) -> list[dict]:
    kind, value = err.validator, err.validator_value
    if kind == "required":
        name = re.match(r"'(.+)' is a required property", err.message)
        return [field_error(_path(err, name.group(1) if name else None), _l("This field is required."))]
    if kind == "additionalProperties":
        known = set(err.schema.get("properties", {}))
        extra = sorted(k for k in err.instance if k not in known) if isinstance(err.instance, dict) else []
        return [field_error(_path(err, k), _l("This field is not known.")) for k in extra]
    if kind == "type":
        names = value if isinstance(value, list) else [value]
        return [field_error(_path(err), _l("Must be of JSON type %(type)s.", type=" / ".join(names)))]
    if kind == "enum":
        return [field_error(_path(err), _l("Must be one of: %(values)s.",
                                           values=", ".join(str(v) for v in value)))]
    messages = {
        "minimum": _l("Must be at least %(n)s.", n=value),
        "exclusiveMinimum": _l("Must be more than %(n)s.", n=value),
        "maximum": _l("Must be at most %(n)s.", n=value),
        "minLength": _l("Must be at least %(n)s characters.", n=value),
        "maxLength": _l("Must be at most %(n)s characters.", n=value),
        "minItems": _l("Give at least %(n)s items.", n=value),
        "maxItems": _l("Give at most %(n)s items.", n=value),
        "pattern": _l("Has the wrong form."),
        "minProperties": _l("Give at least %(n)s fields.", n=value),
    }
    return [field_error(_path(err), messages.get(kind, _l("Has a wrong value.")))]
