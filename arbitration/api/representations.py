"""What the API returns (orders, requests, refunds, cases, rulings, evidence), declared once: each shape's fields
say where their values come from, and the same declaration is the schema in the OpenAPI document. Every field is
always present; objects stay open to fields added later."""
from __future__ import annotations

from flask_babel import force_locale

from arbitration.api.shapes import Field, Shape, date, enum_value, field, many, one, time
from arbitration.audit.services import events_of
from arbitration.audit import events as event_types
from arbitration.cases.timeline import INTERNAL
from arbitration.db import db
from arbitration.deadlines.services import all_for
from arbitration.orders.queries import requests_of
from arbitration.orders.refunds import refunds_of
from arbitration.rulings import services as rulings

STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
NULLABLE_STRING, NULLABLE_INTEGER = {"type": ["string", "null"]}, {"type": ["integer", "null"]}
OBJECT = {"type": "object"}


def returned(name: str | None, fields: dict[str, Field], closed: bool = False) -> Shape:
    return Shape(name, fields, required=list(fields), closed=closed)


def _in_chinese(message) -> str:
    with force_locale("zh"):
        return str(message)


REQUEST = returned("Request", {
    "id": field(INTEGER), "kind": field(STRING), "state": field(STRING), "reason": field(STRING),
    "fee_fen": field(INTEGER), "hidden_fee": field(BOOLEAN), "created_at": time(), "due_at": time(),
    "response": field(NULLABLE_STRING), "response_amount_fen": field(NULLABLE_INTEGER)})
REFUND = returned("Refund", {
    "id": field(INTEGER), "kind": field(STRING), "amount_fen": field(INTEGER), "fee_fen": field(INTEGER),
    "state": field({"enum": ["pending", "done", "failed"]}), "channel": enum_value(STRING),
    "expected_by": date(), "attempts": field(INTEGER)})
ORDER = returned("Order", {
    "number": field(STRING), "state": enum_value(STRING), "merchant_id": field(INTEGER),
    "buyer_external_id": field(NULLABLE_STRING, "buyer.external_id"), "product_type": enum_value(STRING),
    "product_name": field(STRING), "quantity": field(INTEGER), "face_value_fen": field(INTEGER),
    "amount_fen": field(INTEGER), "channel": enum_value(STRING),
    "fee_disclosed": field(BOOLEAN, lambda o: o.fee_snapshot_json is not None),
    "created_at": time(), "paid_at": time(), "delivered_at": time(), "locked": field(BOOLEAN),
    "requests": many(REQUEST, requests_of), "refunds": many(REFUND, refunds_of)})
ORDER_WITH_REQUEST = returned("OrderWithRequest", {"order": one(ORDER), "request": one(REQUEST, nullable=True)},
                              closed=True)

RULING = returned("Ruling", {
    "number": field(STRING), "round": field(INTEGER), "kind": field({"enum": ["reasoned", "default"]}),
    "decision": field({"enum": ["upheld", "partly_upheld", "dismissed"]}), "issued_at": time(),
    "remedies": field({"type": "array", "items": {"type": "object", "properties": {
        "remedy": STRING, "amount_fen": INTEGER}}}),
    "citations": many(returned(None, {"code": field(STRING, "provision.code"),
                                      "version": field(INTEGER, "provision.version")})),
    "pdf": one(returned(None, {"state": field({"enum": ["pending", "ready", "failed"]}, "pdf_state"),
                               "sha256": field(NULLABLE_STRING, "pdf_sha256")}), lambda r: r),
    "supersedes": field(NULLABLE_STRING, lambda r: r.supersedes_id and db.session.get(type(r), r.supersedes_id).number),
})
DEADLINE = returned(None, {
    "stage": field(STRING, "kind"), "state": field({"enum": ["pending", "applied", "met", "cancelled", "failed"]}),
    "started_at": time(), "due_at": time()})
EVENT = returned(None, {
    "seq": field(INTEGER), "at": time("created_at"), "actor_role": field(STRING), "action": field(STRING),
    "label_zh": field(STRING, lambda e: _in_chinese(event_types.label(e.action)))})
CASE = returned("Case", {
    "number": field({**STRING, "examples": ["ARB-2026-000123"]}),
    "order": field(STRING, "order.number"), "state": enum_value(STRING), "origin": field(STRING),
    "category": field(STRING), "outcome": field(NULLABLE_STRING),
    "claim": one(returned(None, {"remedy": field(STRING, "claim_remedy"),
                                 "amount_fen": field(INTEGER, "claim_amount_fen")}), lambda c: c),
    "opened_at": time(), "closed_at": time(),
    "deadlines": many(DEADLINE, lambda c: all_for("case", c.id)),
    # message bodies and audiences stay on the site; that staff wrote an internal note is not the parties' to know
    "events": many(EVENT, lambda c: [e for e in events_of("case", c.id)
                                     if e.action != "case.message" and e.action not in INTERNAL]),
    "rulings": many(RULING, rulings.rulings_of)})

EVIDENCE = returned("Evidence", {
    "id": field(INTEGER), "party": field(STRING), "kind": field(STRING), "name": field(STRING, "display_name"),
    "mime": field(STRING), "size": field(INTEGER), "sha256": field(STRING), "late": field(BOOLEAN),
    "created_at": time()})
EVIDENCE_ADDED = returned("EvidenceAdded", {"case": field(STRING, "case.number"), "evidence": many(EVIDENCE)},
                          closed=True)
INBOUND_RESULT = returned("InboundResult", {"received": field(STRING), "type": field(STRING),
                                            "status": field(INTEGER), "result": field(OBJECT)}, closed=True)

# the actions (`intake`) make their answers with these
order, request, refund, case, ruling, evidence = (ORDER.dump, REQUEST.dump, REFUND.dump, CASE.dump, RULING.dump,
                                                  EVIDENCE.dump)
