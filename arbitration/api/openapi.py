"""The OpenAPI 3.1 description of /api/v1, served as JSON and shown as a page. Written by hand next to the views
it describes; tests check that every API route is in it, that responses match its schemas, and a fuzzer
(schemathesis) drives every operation from it."""
from __future__ import annotations

import functools

from arbitration.api.errors import CODES
from arbitration.api.schemas import SCHEMAS
from arbitration.api.services import SCOPES

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

**Webhooks to us** (`POST /webhooks/platform`) are signed the same way with the same secret, and carry the
bearer token too; an event id is accepted once.
"""

POST_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422, 429)
READ_ERRORS = (401, 403, 404, 429)
DESCRIPTIONS = {400: "Unreadable body or bad Idempotency-Key", 401: "No valid token (or bad webhook signature)",
                403: "Not allowed (scope, or the action's rules)", 404: "Not found",
                405: "Method not allowed", 409: "Conflicts with the current state, idempotency key reused, or not "
                "ready yet", 410: "Gone", 413: "Too large", 415: "Wrong content type",
                422: "Invalid fields (each named)", 429: "Rate limited (see Retry-After)",
                503: "The evidence store is unavailable"}
IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
               "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,200}$"}}


RATE_HEADERS = {"X-RateLimit-Limit": {"description": "requests a minute allowed to this client",
                                      "schema": {"type": "integer"}, "required": True},
                "X-RateLimit-Remaining": {"description": "requests left in this minute",
                                          "schema": {"type": "integer"}, "required": True}}
REPLAYED = {"Idempotent-Replayed": {"description": "present (true) when this is the recorded first response",
                                    "schema": {"const": "true"}}}


def _errors(*codes: int) -> dict:
    out = {str(c): {"description": DESCRIPTIONS[c], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for c in codes}
    if "429" in out:
        out["429"]["headers"] = {"Retry-After": {"description": "seconds until the client may send again",
                                                 "schema": {"type": "integer", "minimum": 1}, "required": True}}
    return out


def _ok(schema: str, status: int = 200) -> dict:
    return {str(status): {"description": "OK", "headers": {**RATE_HEADERS, **REPLAYED}, "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}}


def _path_param(name: str, example: str | None = None, schema: dict | None = None) -> dict:
    out = {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string"}}
    if example:
        out["example"] = example
    return out


def _post(summary: str, scope: str | None, request_schema: str, ok: dict, params=(), errors=POST_ERRORS) -> dict:
    return {"post": {"summary": summary, "x-scope": scope, "parameters": [*params, IDEMPOTENCY],
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": {"$ref": f"#/components/schemas/{request_schema}"}}}},
                     "responses": {**ok, **_errors(*errors)}}}


@functools.lru_cache(maxsize=1)
def document() -> dict:
    from flask_babel import force_locale

    from arbitration.api.webhooks import EVENT_TYPES

    with force_locale("en"):
        labels = {kind: str(label) for kind, label in EVENT_TYPES.items()}
    number = _path_param("number", "KM202609300200000001")
    case_number = _path_param("number", "ARB-2026-000123")
    description = DESCRIPTION.replace("{codes}", ", ".join(f"`{c}`" for c in CODES)).replace(
        "{events}", ", ".join(f"`{e}`" for e in EVENT_TYPES))
    return {
        "openapi": "3.1.0",
        "info": {"title": "卡盟争议仲裁 platform API", "version": "1", "description": description},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "scopes: " + ", ".join(SCOPES)}},
            "schemas": SCHEMAS,
        },
        "security": [{"bearer": []}],
        "paths": {
            "/orders": _post("Create an order (and register its buyer on first sight)", "orders:write",
                             "OrderCreate", _ok("Order", 201)),
            "/orders/{number}": {"get": {
                "summary": "An order, with its requests and refunds", "x-scope": "orders:read",
                "parameters": [number], "responses": {**_ok("Order"), **_errors(*READ_ERRORS)}}},
            "/orders/{number}/payment": _post("The buyer paid", "orders:write", "Empty", _ok("Order"), [number]),
            "/orders/{number}/delivery": _post("The merchant delivered (card codes, or the account topped up)",
                                               "orders:write", "Delivery", _ok("Order"), [number]),
            "/orders/{number}/confirmation": _post("The buyer confirmed receipt, having checked the goods",
                                                   "orders:write", "Confirmation", _ok("Order"), [number]),
            "/orders/{number}/refunds/{refund_id}": _post(
                "The payment channel's answer about a refund: done, failed (with the reason), or retried",
                "orders:write", "RefundOutcome", _ok("Refund"),
                [number, _path_param("refund_id", schema={"type": "integer", "minimum": 1,
                                                          "maximum": 2_147_483_647})]),
            "/orders/{number}/cancellation": _post(
                "The buyer asks to cancel: unpaid orders are cancelled at once (200), paid ones go to the "
                "merchant's review, delivered ones need a ground (201)", "orders:write", "CancellationRequest",
                {**_ok("OrderWithRequest"), **_ok("OrderWithRequest", 201)}, [number]),
            "/orders/{number}/after-sales": _post("The buyer reports a quality problem", "orders:write",
                                                  "AfterSalesRequest", _ok("OrderWithRequest", 201), [number]),
            "/orders/{number}/after-sales/{request_id}/verification": _post(
                "The buyer's check of reissued goods (within 72 h; silence counts as accepted): they work, or they "
                "fail too, and the request goes on to a case", "orders:write", "ReissueVerification",
                _ok("OrderWithRequest"),
                [number, _path_param("request_id", schema={"type": "integer", "minimum": 1,
                                                           "maximum": 2_147_483_647})]),
            "/cases": _post("The buyer opens a case on a refused or unanswered request (within 7 days)",
                            "cases:write", "CaseCreate", _ok("Case", 201)),
            "/cases/{number}": {"get": {
                "summary": "A case: its state, deadlines, events (no message bodies) and rulings",
                "x-scope": "cases:read", "parameters": [case_number],
                "responses": {**_ok("Case"), **_errors(*READ_ERRORS)}}},
            "/cases/{number}/evidence": {"post": {
                "summary": "Add evidence for a party (multipart; checked by content like the web form)",
                "x-scope": "evidence:write", "parameters": [case_number, IDEMPOTENCY],
                "requestBody": {"required": True, "content": {"multipart/form-data": {
                    "schema": {"$ref": "#/components/schemas/EvidenceForm"}}}},
                "responses": {**_ok("EvidenceAdded", 201), **_errors(*POST_ERRORS, 503)}}},
            "/cases/{number}/rulings/{ruling_number}/pdf": {"get": {
                "summary": "A ruling's PDF (争议处理决定书)", "x-scope": "rulings:read",
                "parameters": [case_number, _path_param("ruling_number", "ARB-2026-000123-1")],
                "responses": {"200": {"description": "The PDF/A document", "headers": RATE_HEADERS,
                                      "content": {"application/pdf": {"schema": {"type": "string",
                                                                                 "format": "binary"}}}},
                              **_errors(*READ_ERRORS, 409)}}},
            "/webhooks/platform": {"post": {
                "summary": "The platform's signed events (order.created, order.paid, order.delivered, "
                           "order.confirmed, refund.updated); `data` is the body of the matching endpoint "
                           "with the order's `number`", "x-scope": "orders:write",
                "parameters": [{"name": "X-KM-Timestamp", "in": "header", "required": True,
                                "schema": {"type": "string"}},
                               {"name": "X-KM-Signature", "in": "header", "required": True,
                                "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/InboundEvent"}}}},
                "responses": {**_ok("InboundResult"), **_errors(*POST_ERRORS)}}},
        },
        "webhooks": {kind: {"post": {"summary": label, "requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Webhook"}}}}, "responses": {"200": {"description": "OK"}}}}
            for kind, label in labels.items()},
    }
