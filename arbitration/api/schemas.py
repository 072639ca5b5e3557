"""The shapes that come in (request bodies, checked against them by `validation` before any action; the platform's
signed events), and those the API documents but builds elsewhere: errors (`errors`) and our webhooks
(`webhooks`). What the API returns is declared in `representations`."""
from __future__ import annotations

from arbitration.api.shapes import Shape, obj, text
from arbitration.cases.models import CATEGORIES, REMEDIES
from arbitration.evidence.models import KINDS
from arbitration.orders.refunds import OUTCOMES
from arbitration.orders.rules import AFTER_SALES_PROBLEMS, CANCEL_REASONS, DELIVERED_GROUNDS, Channel, ProductType

FEN = {"type": "integer", "minimum": 0, "maximum": 1_000_000_000, "description": "in fen (1/100 yuan)"}
POSITIVE_FEN = {**FEN, "minimum": 1}
NUMBER = {"type": "string", "pattern": "^[A-Za-z0-9_-]{4,40}$"}
ID = {"type": "integer", "minimum": 1, "maximum": 2_147_483_647}

MESSAGE = Shape("Message", {"zh": {"type": "string"}, "en": {"type": "string"}}, required=["zh", "en"])
ERROR = Shape("Error", {"error": obj({
    "code": {"type": "string", "description": "stable; see the list in the description of the API"},
    "message": MESSAGE.ref,
    "fields": {"type": "array", "items": obj({"field": {"type": "string"}, "message": MESSAGE.ref},
                                             ["field", "message"])},
}, ["code", "message"])}, required=["error"])

# ---- requests ----
ORDER_CREATE = Shape("OrderCreate", {
    "number": {**NUMBER, "description": "the platform's order number; made up by us when left out"},
    "buyer": obj({"external_id": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,64}$",
                                  "description": "the platform's id of the buyer"},
                  "display_name": text(80, 1)}, ["external_id", "display_name"]),
    "merchant_id": ID,
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
}, required=["buyer", "merchant_id", "product_type", "product_name", "face_value_fen", "amount_fen", "channel"])
EMPTY = Shape("Empty", {})
DELIVERY = Shape("Delivery", {"card_codes": {"type": "array", "maxItems": 100, "items": text(200, 1)},
                              "topup_account": text(100)})
CONFIRMATION = Shape("Confirmation", {"goods_checked": {
    "type": "boolean", "description": "the buyer checked that the goods work"}}, required=["goods_checked"])
REFUND_OUTCOME = Shape("RefundOutcome", {"outcome": {"enum": list(OUTCOMES)}, "reason": text(200)},
                       required=["outcome"])
CANCELLATION = Shape("CancellationRequest", {
    "reason": {"enum": list(CANCEL_REASONS), "description": "paid orders: the preset reason"},
    "reason_text": text(500), "ground": {"enum": list(DELIVERED_GROUNDS),
                                         "description": "delivered orders: the ground"},
    "description": text(5000)})
AFTER_SALES = Shape("AfterSalesRequest", {"problem": {"enum": list(AFTER_SALES_PROBLEMS)},
                                          "description": text(5000)}, required=["problem", "description"])
REISSUE_VERIFICATION = Shape("ReissueVerification", {
    "works": {"type": "boolean", "description": "whether the reissued goods work"},
    "note": {**text(5000), "description": "when they fail: what happened"}}, required=["works"])
CASE_CREATE = Shape("CaseCreate", {
    "order": NUMBER, "category": {"enum": list(CATEGORIES)}, "remedy": {"enum": list(REMEDIES)},
    "amount_fen": {**POSITIVE_FEN, "description": "for a partial refund or a compensation"},
    "statement": text(10000, 1)}, required=["order", "category", "remedy", "statement"])
EVIDENCE_FORM = Shape("EvidenceForm", {
    "party": {"enum": ["buyer", "merchant"]},
    "staff_username": {"type": "string", "maxLength": 40,
                       "description": "for the merchant's evidence: the staff account it comes from"},
    "kind": {"enum": list(KINDS)}, "description": {"type": "string", "maxLength": 2000},
    "file": {"type": "string", "contentMediaType": "application/octet-stream",
             "description": "images, PDF, plain text/CSV chat logs, MP4/WebM video; checked by content"}},
    required=["party", "kind", "file"], closed=False)

# ---- the platform's signed events: `data` is the body of the endpoint the event stands for, with the order ----
INBOUND_EVENT = Shape("InboundEvent", {
    "id": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,100}$"},
    "type": {"enum": ["order.created", "order.paid", "order.delivered", "order.confirmed", "refund.updated"]},
    "created_at": {"type": "string"}, "data": {"type": "object"}}, required=["id", "type", "data"])
ORDER_REF = Shape("OrderRef", {"number": NUMBER}, required=["number"])
DELIVERY_EVENT = DELIVERY.extended("DeliveryEvent", {"number": NUMBER}, required=["number"])
CONFIRMATION_EVENT = CONFIRMATION.extended("ConfirmationEvent", {"number": NUMBER},
                                           required=["number", "goods_checked"])
REFUND_EVENT = REFUND_OUTCOME.extended("RefundEvent", {"number": NUMBER, "refund_id": ID},
                                       required=["number", "refund_id", "outcome"])

# ---- our webhooks to the platform (made by `webhooks` from the event log) ----
WEBHOOK = Shape("Webhook", {
    "id": {"type": "string", "description": "evt_…; the same on every retry: drop repeats by it"},
    "type": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
    "data": {"type": "object", "properties": {"case": {"type": "string"}, "order": {"type": "string"},
                                              "state": {"type": "string"}}}},
    required=["id", "type", "created_at", "data"], closed=False)
