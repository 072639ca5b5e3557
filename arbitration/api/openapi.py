"""The OpenAPI 3 description of /api/v1, served as JSON and shown as a page. Written by hand next to the views
it describes; a test checks that every API route is in it and that responses match its schemas."""
from __future__ import annotations

from arbitration.api.services import SCOPES

CODES = "stable: unauthorized, forbidden, not_found, not_ready, method_not_allowed"
MESSAGE = {"type": "object", "required": ["zh", "en"],
           "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string", "description": CODES}, "message": MESSAGE}}}}
TIME = {"type": ["string", "null"], "format": "date-time"}
ORDER = {"type": "object", "required": ["number", "state", "amount_fen"], "properties": {
    "number": {"type": "string"}, "state": {"type": "string"}, "merchant_id": {"type": "integer"},
    "amount_fen": {"type": "integer", "description": "in fen (1/100 yuan)"}, "channel": {"type": "string"},
    "created_at": TIME, "paid_at": TIME, "delivered_at": TIME, "locked": {"type": "boolean"}}}
RULING = {"type": "object", "required": ["number", "round", "kind", "decision", "pdf"], "properties": {
    "number": {"type": "string"}, "round": {"type": "integer"}, "kind": {"enum": ["reasoned", "default"]},
    "decision": {"enum": ["upheld", "partly_upheld", "dismissed"]}, "issued_at": TIME,
    "remedies": {"type": "array", "items": {"type": "object", "properties": {
        "remedy": {"type": "string"}, "amount_fen": {"type": "integer"}}}},
    "citations": {"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "string"}, "version": {"type": "integer"}}}},
    "pdf": {"type": "object", "properties": {"state": {"enum": ["pending", "ready", "failed"]},
                                             "sha256": {"type": ["string", "null"]}}},
    "supersedes": {"type": ["string", "null"]}}}
CASE = {"type": "object", "required": ["number", "order", "state", "deadlines", "events", "rulings"], "properties": {
    "number": {"type": "string", "example": "ARB-2026-000123"}, "order": {"type": "string"},
    "state": {"type": "string"}, "origin": {"type": "string"}, "category": {"type": "string"},
    "outcome": {"type": ["string", "null"]},
    "claim": {"type": "object", "properties": {"remedy": {"type": "string"}, "amount_fen": {"type": "integer"}}},
    "opened_at": TIME, "closed_at": TIME,
    "deadlines": {"type": "array", "items": {"type": "object", "properties": {
        "stage": {"type": "string"}, "state": {"enum": ["pending", "applied", "met", "cancelled", "failed"]},
        "started_at": TIME, "due_at": TIME}}},
    "events": {"type": "array", "items": {"type": "object", "properties": {
        "seq": {"type": "integer"}, "at": TIME, "actor_role": {"type": "string"}, "action": {"type": "string"},
        "label_zh": {"type": "string"}}}},
    "rulings": {"type": "array", "items": {"$ref": "#/components/schemas/Ruling"}}}}


def _errors(*codes: int) -> dict:
    names = {401: "No valid token", 403: "The token lacks the scope", 404: "Not found",
             409: "Not ready yet"}
    return {str(c): {"description": names[c], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for c in codes}


def _ok(schema_ref: str) -> dict:
    return {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": schema_ref}}}}}


def document() -> dict:
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "卡盟争议仲裁 platform API", "version": "1",
                 "description": "For the commerce platform. Authenticate with `Authorization: Bearer <token>`; "
                                "tokens are issued by the arbitration platform's admins with scopes. Amounts are "
                                "in fen; times are UTC (ISO 8601). Errors carry a stable code and the message in "
                                "Chinese and English."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "scopes: " + ", ".join(SCOPES)}},
            "schemas": {"Error": ERROR, "Order": ORDER, "Case": CASE, "Ruling": RULING},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/orders/{number}": {"get": {
                "summary": "An order", "x-scope": "orders:read", "parameters": [number],
                "responses": {**_ok("#/components/schemas/Order"), **_errors(401, 403, 404)}}},
            "/cases/{number}": {"get": {
                "summary": "A case: its state, deadlines, events (no message bodies) and rulings",
                "x-scope": "cases:read", "parameters": [number],
                "responses": {**_ok("#/components/schemas/Case"), **_errors(401, 403, 404)}}},
            "/cases/{number}/rulings/{ruling_number}/pdf": {"get": {
                "summary": "A ruling's PDF (争议处理决定书)", "x-scope": "rulings:read",
                "parameters": [number, {"name": "ruling_number", "in": "path", "required": True,
                                        "schema": {"type": "string", "example": "ARB-2026-000123-1"}}],
                "responses": {"200": {"description": "The PDF/A document",
                                      "content": {"application/pdf": {"schema": {"type": "string",
                                                                                 "format": "binary"}}}},
                              **_errors(401, 403, 404, 409)}}},
        },
    }
