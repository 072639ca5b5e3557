"""What the API returns for orders, requests, refunds, cases, rulings and evidence (the OpenAPI document's schemas
describe exactly these)."""
from __future__ import annotations

from flask_babel import force_locale

from arbitration.audit.services import events_of
from arbitration.cases.timeline import EVENT_LABELS
from arbitration.db import db
from arbitration.deadlines.services import all_for
from arbitration.orders.queries import requests_of
from arbitration.orders.refunds import refunds_of
from arbitration.rulings import services as rulings


def iso(value):
    return value.isoformat() if value else None


def order(o) -> dict:
    return {"number": o.number, "state": o.state.value, "merchant_id": o.merchant_id,
            "buyer_external_id": o.buyer.external_id if o.buyer else None,
            "product_type": o.product_type.value, "product_name": o.product_name, "quantity": o.quantity,
            "face_value_fen": o.face_value_fen, "amount_fen": o.amount_fen, "channel": o.channel.value,
            "fee_disclosed": o.fee_snapshot_json is not None,
            "created_at": iso(o.created_at), "paid_at": iso(o.paid_at), "delivered_at": iso(o.delivered_at),
            "locked": o.locked,
            "requests": [request(r) for r in requests_of(o)], "refunds": [refund(r) for r in refunds_of(o)]}


def request(r) -> dict:
    return {"id": r.id, "kind": r.kind, "state": r.state, "reason": r.reason, "fee_fen": r.fee_fen,
            "hidden_fee": r.hidden_fee, "created_at": iso(r.created_at), "due_at": iso(r.due_at),
            "response": r.response, "response_amount_fen": r.response_amount_fen}


def refund(r) -> dict:
    return {"id": r.id, "kind": r.kind, "amount_fen": r.amount_fen, "fee_fen": r.fee_fen, "state": r.state,
            "channel": r.channel.value, "expected_by": r.expected_by.isoformat() if r.expected_by else None,
            "attempts": r.attempts}


def case(c) -> dict:
    deadlines = all_for("case", c.id)
    with force_locale("zh"):
        events = [{"seq": e.seq, "at": iso(e.created_at), "actor_role": e.actor_role, "action": e.action,
                   "label_zh": str(EVENT_LABELS.get(e.action, e.action))} for e in events_of("case", c.id)
                  if e.action != "case.message"]          # message bodies and audiences stay on the site
    return {
        "number": c.number, "order": c.order.number, "state": c.state.value,
        "origin": c.origin, "category": c.category, "outcome": c.outcome,
        "claim": {"remedy": c.claim_remedy, "amount_fen": c.claim_amount_fen},
        "opened_at": iso(c.opened_at), "closed_at": iso(c.closed_at),
        "deadlines": [{"stage": d.kind, "state": d.state, "started_at": iso(d.started_at), "due_at": iso(d.due_at)}
                      for d in deadlines],
        "events": events,
        "rulings": [ruling(r) for r in rulings.rulings_of(c)],
    }


def ruling(r) -> dict:
    return {"number": r.number, "round": r.round, "kind": r.kind, "decision": r.decision,
            "issued_at": iso(r.issued_at), "remedies": r.remedies,
            "citations": [{"code": c.provision.code, "version": c.provision.version} for c in r.citations],
            "pdf": {"state": r.pdf_state, "sha256": r.pdf_sha256},
            "supersedes": r.supersedes_id and db.session.get(type(r), r.supersedes_id).number}


def evidence(e) -> dict:
    return {"id": e.id, "party": e.party, "kind": e.kind, "name": e.display_name, "mime": e.mime, "size": e.size,
            "sha256": e.sha256, "late": e.late, "created_at": iso(e.created_at)}
