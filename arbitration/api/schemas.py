"""The JSON schemas of the API (requests and responses), part of the OpenAPI document. Request bodies are checked
against these very schemas (`validation`), so the document and the checks cannot drift apart."""
from __future__ import annotations

from arbitration.cases.models import CATEGORIES, REMEDIES
from arbitration.evidence.models import KINDS
from arbitration.orders.refunds import OUTCOMES
from arbitration.orders.rules import AFTER_SALES_PROBLEMS, CANCEL_REASONS, DELIVERED_GROUNDS, Channel, ProductType

FEN = {"type": "integer", "minimum": 0, "maximum": 1_000_000_000, "description": "in fen (1/100 yuan)"}
POSITIVE_FEN = {**FEN, "minimum": 1}
TIME = {"type": ["string", "null"], "format": "date-time"}
NUMBER = {"type": "string", "pattern": "^[A-Za-z0-9_-]{4,40}$"}


def text(max_length: int, min_length: int = 0) -> dict:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


def obj(properties: dict, required: list[str] | tuple = (), closed: bool = True) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


MESSAGE = obj({"zh": {"type": "string"}, "en": {"type": "string"}}, ["zh", "en"])
ERROR = obj({"error": obj({
    "code": {"type": "string", "description": "stable; see the list in the description of the API"},
    "message": {"$ref": "#/components/schemas/Message"},
    "fields": {"type": "array", "items": obj(
        {"field": {"type": "string"}, "message": {"$ref": "#/components/schemas/Message"}}, ["field", "message"])},
}, ["code", "message"])}, ["error"])

# ---- requests ----
ORDER_CREATE = obj({
    "number": {**NUMBER, "description": "the platform's order number; made up by us when left out"},
    "buyer": obj({"external_id": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,64}$",
                                  "description": "the platform's id of the buyer"},
                  "display_name": text(80, 1)}, ["external_id", "display_name"]),
    "merchant_id": {"type": "integer", "minimum": 1, "maximum": 2_147_483_647},
    "product_type": {"enum": [p.value for p in ProductType]},
    "product_name": text(200, 1),
    "face_value_fen": FEN,
    "amount_fen": POSITIVE_FEN,
    "quantity": {"type": "integer", "minimum": 1, "maximum": 10_000},
    "channel": {"enum": [c.value for c in Channel]},
    "listing_description": text(5000),
    "fee_schedule_shown": {"type": "boolean",
                           "description": "whether the merchant's fee schedule was shown before payment"},
    "account_switches_today": {"type": "integer", "minimum": 0, "maximum": 1000},
}, ["buyer", "merchant_id", "product_type", "product_name", "face_value_fen", "amount_fen", "channel"])
EMPTY = obj({})
DELIVERY = obj({"card_codes": {"type": "array", "maxItems": 100, "items": text(200, 1)},
                "topup_account": text(100)})
CONFIRMATION = obj({"goods_checked": {"type": "boolean", "description": "the buyer checked that the goods work"}},
                   ["goods_checked"])
REFUND_OUTCOME = obj({"outcome": {"enum": list(OUTCOMES)}, "reason": text(200)}, ["outcome"])
CANCELLATION = obj({
    "reason": {"enum": list(CANCEL_REASONS), "description": "paid orders: the preset reason"},
    "reason_text": text(500), "ground": {"enum": list(DELIVERED_GROUNDS),
                                         "description": "delivered orders: the ground"},
    "description": text(5000)})
AFTER_SALES = obj({"problem": {"enum": list(AFTER_SALES_PROBLEMS)}, "description": text(5000)},
                  ["problem", "description"])
REISSUE_VERIFICATION = obj({"works": {"type": "boolean", "description": "whether the reissued goods work"},
                           "note": {**text(5000), "description": "when they fail: what happened"}}, ["works"])
CASE_CREATE = obj({"order": NUMBER, "category": {"enum": list(CATEGORIES)}, "remedy": {"enum": list(REMEDIES)},
                   "amount_fen": {**POSITIVE_FEN, "description": "for a partial refund or a compensation"},
                   "statement": text(10000, 1)}, ["order", "category", "remedy", "statement"])
EVIDENCE_FORM = {"type": "object", "required": ["party", "kind", "file"], "properties": {
    "party": {"enum": ["buyer", "merchant"]},
    "staff_username": {"type": "string", "maxLength": 40,
                       "description": "for the merchant's evidence: the staff account it comes from"},
    "kind": {"enum": list(KINDS)}, "description": {"type": "string", "maxLength": 2000},
    "file": {"type": "string", "contentMediaType": "application/octet-stream",
             "description": "images, PDF, plain text/CSV chat logs, MP4/WebM video; checked by content"}}}
INBOUND_EVENT = obj({"id": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,100}$"},
                     "type": {"enum": ["order.created", "order.paid", "order.delivered", "order.confirmed",
                                       "refund.updated"]},
                     "created_at": {"type": "string"}, "data": {"type": "object"}}, ["id", "type", "data"])
ORDER_REF = obj({"number": NUMBER}, ["number"])
DELIVERY_EVENT = obj({**DELIVERY["properties"], "number": NUMBER}, ["number"])
CONFIRMATION_EVENT = obj({**CONFIRMATION["properties"], "number": NUMBER}, ["number", "goods_checked"])
REFUND_EVENT = obj({**REFUND_OUTCOME["properties"], "number": NUMBER,
                    "refund_id": {"type": "integer", "minimum": 1, "maximum": 2_147_483_647}},
                   ["number", "refund_id", "outcome"])

# ---- responses ----
REQUEST = obj({"id": {"type": "integer"}, "kind": {"type": "string"}, "state": {"type": "string"},
               "reason": {"type": "string"}, "fee_fen": {"type": "integer"}, "hidden_fee": {"type": "boolean"},
               "created_at": TIME, "due_at": TIME, "response": {"type": ["string", "null"]},
               "response_amount_fen": {"type": ["integer", "null"]}}, closed=False)
REFUND = obj({"id": {"type": "integer"}, "kind": {"type": "string"}, "amount_fen": {"type": "integer"},
              "fee_fen": {"type": "integer"}, "state": {"enum": ["pending", "done", "failed"]},
              "channel": {"type": "string"}, "expected_by": {"type": ["string", "null"], "format": "date"},
              "attempts": {"type": "integer"}}, closed=False)
ORDER = obj({
    "number": {"type": "string"}, "state": {"type": "string"}, "merchant_id": {"type": "integer"},
    "buyer_external_id": {"type": ["string", "null"]}, "product_type": {"type": "string"},
    "product_name": {"type": "string"}, "quantity": {"type": "integer"}, "face_value_fen": {"type": "integer"},
    "amount_fen": {"type": "integer"}, "channel": {"type": "string"}, "fee_disclosed": {"type": "boolean"},
    "created_at": TIME, "paid_at": TIME, "delivered_at": TIME, "locked": {"type": "boolean"},
    "requests": {"type": "array", "items": {"$ref": "#/components/schemas/Request"}},
    "refunds": {"type": "array", "items": {"$ref": "#/components/schemas/Refund"}},
}, ["number", "state", "amount_fen", "requests", "refunds"], closed=False)
ORDER_WITH_REQUEST = obj({"order": {"$ref": "#/components/schemas/Order"},
                          "request": {"anyOf": [{"$ref": "#/components/schemas/Request"}, {"type": "null"}]}},
                         ["order", "request"])
RULING = obj({
    "number": {"type": "string"}, "round": {"type": "integer"}, "kind": {"enum": ["reasoned", "default"]},
    "decision": {"enum": ["upheld", "partly_upheld", "dismissed"]}, "issued_at": TIME,
    "remedies": {"type": "array", "items": {"type": "object", "properties": {
        "remedy": {"type": "string"}, "amount_fen": {"type": "integer"}}}},
    "citations": {"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "string"}, "version": {"type": "integer"}}}},
    "pdf": {"type": "object", "properties": {"state": {"enum": ["pending", "ready", "failed"]},
                                             "sha256": {"type": ["string", "null"]}}},
    "supersedes": {"type": ["string", "null"]}}, ["number", "round", "kind", "decision", "pdf"], closed=False)
CASE = obj({
    "number": {"type": "string", "examples": ["ARB-2026-000123"]}, "order": {"type": "string"},
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
    "rulings": {"type": "array", "items": {"$ref": "#/components/schemas/Ruling"}}},
    ["number", "order", "state", "deadlines", "events", "rulings"], closed=False)
EVIDENCE = obj({"id": {"type": "integer"}, "party": {"type": "string"}, "kind": {"type": "string"},
                "name": {"type": "string"}, "mime": {"type": "string"}, "size": {"type": "integer"},
                "sha256": {"type": "string"}, "late": {"type": "boolean"}, "created_at": TIME}, closed=False)
EVIDENCE_ADDED = obj({"case": {"type": "string"},
                      "evidence": {"type": "array", "items": {"$ref": "#/components/schemas/Evidence"}}},
                     ["case", "evidence"])
INBOUND_RESULT = obj({"received": {"type": "string"}, "type": {"type": "string"}, "status": {"type": "integer"},
                      "result": {"type": "object"}}, ["received", "type", "status", "result"])
WEBHOOK = obj({"id": {"type": "string", "description": "evt_…; the same on every retry: drop repeats by it"},
               "type": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
               "data": {"type": "object", "properties": {"case": {"type": "string"}, "order": {"type": "string"},
                                                         "state": {"type": "string"}}}},
              ["id", "type", "created_at", "data"], closed=False)

SCHEMAS = {
    "Message": MESSAGE, "Error": ERROR,
    "OrderCreate": ORDER_CREATE, "Empty": EMPTY, "Delivery": DELIVERY, "Confirmation": CONFIRMATION,
    "RefundOutcome": REFUND_OUTCOME, "CancellationRequest": CANCELLATION, "AfterSalesRequest": AFTER_SALES,
    "ReissueVerification": REISSUE_VERIFICATION,
    "CaseCreate": CASE_CREATE, "EvidenceForm": EVIDENCE_FORM, "InboundEvent": INBOUND_EVENT,
    "OrderRef": ORDER_REF, "DeliveryEvent": DELIVERY_EVENT, "ConfirmationEvent": CONFIRMATION_EVENT,
    "RefundEvent": REFUND_EVENT,
    "Order": ORDER, "Request": REQUEST, "Refund": REFUND, "OrderWithRequest": ORDER_WITH_REQUEST,
    "Case": CASE, "Ruling": RULING, "Evidence": EVIDENCE, "EvidenceAdded": EVIDENCE_ADDED,
    "InboundResult": INBOUND_RESULT, "Webhook": WEBHOOK,
}
