"""The OpenAPI 3.1 description of /api/v1, served as JSON and shown as a page. Nothing in it is written twice: the
paths and path parameters are the app's routes, each operation is the declaration on its view (`operations`), the
schemas are the declared shapes (`shapes`), the error codes `errors.CODES` and the webhooks `webhooks.EVENT_TYPES`."""
from __future__ import annotations

import functools
import re

from flask import Flask, current_app, has_app_context, jsonify, render_template
from flask_babel import force_locale

from arbitration.api import intake_views  # noqa: F401  (its routes are part of the document)
from arbitration.api.errors import CODES
from arbitration.api.operations import Binary, Operation, about_the_api, declared
from arbitration.api.services import SCOPES
from arbitration.api.shapes import components
from arbitration.api.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from arbitration.api.views import bp
from arbitration.api.webhooks import EVENT_TYPES

SERVER = bp.url_prefix
DESCRIPTION = """For the commerce platform (the 卡盟 site). Authenticate with `Authorization: Bearer <token>`;
tokens are issued by the arbitration platform's admins, with scopes. Amounts are integers in fen; times are UTC
(ISO 8601).

**Errors** are JSON: `{"error": {"code", "message": {"zh", "en"}, "fields": [{"field", "message"}]}}`; the code
is stable: {codes}. Bad input names each bad field.

**Idempotency**: every POST accepts an `Idempotency-Key` header (1–200 visible ASCII characters). A repeat with
the same key and the same request gets the first response again (with `Idempotent-Replayed: true`); the same key
with another request is refused (409 `idempotency_key_reused`). Keys are kept 24 hours. Only successful
responses are kept: a request that failed changed nothing and may simply be sent again.

**Rate limits** per client (default 600 requests a minute): over it, 429 with `Retry-After` (seconds).
`X-RateLimit-Limit` and `X-RateLimit-Remaining` come with every answer.

**Webhooks to you**, to the address the admins set for your client, for the events you subscribed to
({events}): a POST with the JSON body of the `Webhook` schema and the headers `X-KM-Event`, `X-KM-Delivery`
(the event id), `X-KM-Timestamp` (Unix seconds) and `X-KM-Signature: v1=<hex>`, the HMAC-SHA256 of
`<timestamp>.<body>` with your client's signing secret. Refuse a timestamp more than 5 minutes from your clock;
drop an event id you have seen. Answer 2xx within 10 s; otherwise the delivery is retried after 1, 5, 15, 60,
180, 360, 720 minutes, then given up (the admins can replay it).

**The regulators' open feed** (`/oversight/figures`, `/oversight/cases`; scope `oversight:read`) is for
market-supervision systems: times there are China time (+08:00). The case list is masked (no names, phone
numbers or free texts) and pulled by changes: pass the answer's `next` back as `since` (the next page now, or
what changed by tomorrow); a change is listed once it is 5 minutes old.

**Webhooks to us** (`POST /webhooks/platform`) are signed the same way with the same secret, and carry the
bearer token too; an event id is accepted once.
"""

DESCRIPTIONS = {400: "Unreadable body or bad Idempotency-Key", 401: "No valid token (or bad webhook signature)",
                403: "Not allowed (scope, or the action's rules)", 404: "Not found",
                405: "Method not allowed", 409: "Conflicts with the current state, idempotency key reused, or not "
                "ready yet", 410: "Gone", 413: "Too large", 415: "Wrong content type",
                422: "Invalid fields (each named)", 429: "Rate limited (see Retry-After)",
                503: "The evidence store is unavailable"}
IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
               "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,200}$"}}
SIGNED = [{"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
          for name in (TIMESTAMP_HEADER, SIGNATURE_HEADER)]
RATE_HEADERS = {"X-RateLimit-Limit": {"description": "requests a minute allowed to this client",
                                      "schema": {"type": "integer"}, "required": True},
                "X-RateLimit-Remaining": {"description": "requests left in this minute",
                                          "schema": {"type": "integer"}, "required": True}}
REPLAYED = {"Idempotent-Replayed": {"description": "present (true) when this is the recorded first response",
                                    "schema": {"const": "true"}}}
# what a route's converter accepts: the path parameter's schema (ints: the ids a column holds, see views)
CONVERTERS = {"int": {"type": "integer", "minimum": 1, "maximum": 2_147_483_647}}
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


@bp.route("/openapi.json")
@about_the_api
def openapi_document():
    """This document, as JSON."""
    return jsonify(document())


@bp.route("/docs")
@about_the_api
def docs():
    """This document, as a page."""
    return render_template("api/docs.html", spec=document())


def document(app: Flask | None = None) -> dict:
    """The document of `app` (the current app; outside one, an app holding only the API's blueprint)."""
    if app is None:
        app = current_app._get_current_object() if has_app_context() else _blueprint_only()
    if "api_openapi" not in app.extensions:
        app.extensions["api_openapi"] = _document(app)
    return app.extensions["api_openapi"]


@functools.lru_cache(maxsize=1)
def _blueprint_only() -> Flask:
    app = Flask(__name__)
    app.register_blueprint(bp)
    return app


def routes(app: Flask) -> list[tuple[str, str, list[tuple[str, str]], Operation | None]]:
    """Every route under the API's prefix: (path, method, [(converter, argument)], its declaration or None)."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.rule != SERVER and not rule.rule.startswith(SERVER + "/"):
            continue
        op = declared(app.view_functions[rule.endpoint])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.rule, method.lower(), ARGUMENT.findall(rule.rule), op))
    return out


def _document(app: Flask) -> dict:
    with force_locale("en"):
        labels = {kind: str(label) for kind, label in EVENT_TYPES.items()}
    description = DESCRIPTION.replace("{codes}", ", ".join(f"`{c}`" for c in CODES)).replace(
        "{events}", ", ".join(f"`{e}`" for e in EVENT_TYPES))
    paths: dict[str, dict] = {}
    for rule, method, arguments, op in sorted(routes(app), key=lambda found: found[:2]):
        if op is None:
            raise LookupError(f"{method.upper()} {rule} declares no operation (see arbitration.api.operations)")
        if op.listed:
            path = ARGUMENT.sub(r"{\2}", rule)[len(SERVER):]
            paths.setdefault(path, {})[method] = _operation(op, arguments)
    return {
        "openapi": "3.1.0",
        "info": {"title": "卡盟争议仲裁 platform API", "version": "1", "description": description},
        "servers": [{"url": SERVER}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "scopes: " + ", ".join(SCOPES)}},
            **components(),
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "webhooks": {kind: {"post": {"summary": label, "requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Webhook"}}}}, "responses": {"200": {"description": "OK"}}}}
            for kind, label in labels.items()},
    }


def _operation(op: Operation, arguments: list[tuple[str, str]]) -> dict:
    parameters = [_path_parameter(op, converter, name) for converter, name in arguments] + list(op.query)
    parameters += [IDEMPOTENCY] if op.idempotent else []
    parameters += SIGNED if op.signed else []
    out = {"summary": op.summary, "x-scope": op.scope}
    if parameters:
        out["parameters"] = parameters
    body = op.body or op.form
    if body is not None:
        media = "multipart/form-data" if op.form is not None else "application/json"
        out["requestBody"] = {"required": True, "content": {media: {"schema": body.ref}}}
    out["responses"] = {**{str(status): _answer(op, shape) for status, shape in op.responses.items()},
                        **{str(status): _error(status) for status in op.errors}}
    return out


def _path_parameter(op: Operation, converter: str, name: str) -> dict:
    out = {"name": name, "in": "path", "required": True, "schema": CONVERTERS.get(converter, {"type": "string"})}
    if name in op.examples:
        out["example"] = op.examples[name]
    return out


def _answer(op: Operation, shape) -> dict:
    if isinstance(shape, Binary):
        return {"description": shape.description, "headers": RATE_HEADERS,
                "content": {shape.media_type: {"schema": {"type": "string", "format": "binary"}}}}
    return {"description": "OK", "headers": {**RATE_HEADERS, **(REPLAYED if op.idempotent else {})},
            "content": {"application/json": {"schema": shape.ref}}}


def _error(status: int) -> dict:
    out = {"description": DESCRIPTIONS[status], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}
    if status == 429:
        out["headers"] = {"Retry-After": {"description": "seconds until the client may send again",
                                          "schema": {"type": "integer", "minimum": 1}, "required": True}}
    return out
