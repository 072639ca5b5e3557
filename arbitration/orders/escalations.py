"""When a request fails, the order becomes eligible for a case for 7 days, with its facts gathered: a deadline
waiting for the buyer, who is told at once."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from arbitration import clock
from arbitration.audit.services import events_of, record_event
from arbitration.calendar.rules import Due
from arbitration.db import db
from arbitration.deadlines import services as deadlines
from arbitration.orders import messages as labels  # noqa: F401  (declares the event types recorded here)
from arbitration.orders.models import Escalation, Order, OrderRequest
from arbitration.orders.news import announce

SUBJECT = "order"
CASE_WINDOW = "case_window"       # the deadline kind: the buyer's days to open a case


def gather_facts(order: Order, request: OrderRequest | None) -> dict:
    """What a case needs to know about the order, as it stood at the escalation."""
    snapshot = order.fee_snapshot
    facts = {
        "order": {"number": order.number, "state": order.state.value, "product_type": order.product_type.value,
                  "product_name": order.product_name, "face_value_fen": order.face_value_fen,
                  "amount_fen": order.amount_fen, "quantity": order.quantity, "channel": order.channel.value,
                  "created_at": order.created_at.isoformat(),
                  "paid_at": order.paid_at.isoformat() if order.paid_at else None,
                  "delivery_due_at": order.delivery_due_at.isoformat() if order.delivery_due_at else None,
                  "delivered_at": order.delivered_at.isoformat() if order.delivered_at else None,
                  "locked": order.locked, "lock_reason": order.lock_reason},
        "fee_disclosure": {"disclosed": snapshot is not None, "schedule": snapshot},
        "timeline": [{"at": e.created_at.isoformat(), "action": e.action, "actor_role": e.actor_role}
                     for e in events_of(SUBJECT, order.id)],
    }
    if request is not None:
        facts["request"] = {
            "id": request.id, "kind": request.kind, "reason": request.reason, "reason_text": request.reason_text,
            "description": request.description, "fee_fen": request.fee_fen, "hidden_fee": request.hidden_fee,
            "response": request.response, "response_amount_fen": request.response_amount_fen,
            "response_text": request.response_text, "state": request.state,
            "created_at": request.created_at.isoformat(),
            "due_at": request.due_at.isoformat() if request.due_at else None,
            "responded_at": request.responded_at.isoformat() if request.responded_at else None,
        }
    facts["tags"] = fact_tags(order, request)
    return facts


def fact_tags(order: Order, request: OrderRequest | None) -> list[str]:
    tags = set()
    if request is not None and request.hidden_fee:
        tags.add("hidden_fee")
    late = order.delivery_due_at and (order.delivered_at or clock.now_utc()) > order.delivery_due_at \
        and order.state.value in ("paid", "delivered", "completed")
    if late or (request is not None and request.reason == "late_delivery"):
        tags.add("delivery_delay")
    if order.locked or order.lock_reason:
        tags.add("risk_lock")
    if request is not None and request.reason in ("invalid_code", "face_value_short", "not_as_described"):
        tags.add("invalid_code" if request.reason == "invalid_code" else "not_as_described")
    if request is not None and request.state == "timed_out":
        tags.add("merchant_timeout")
    return sorted(tags)


def escalate(order: Order, request: OrderRequest | None, origin: str, now: dt.datetime | None = None) -> Escalation:
    now = now or clock.now_utc()
    days = order.merchant.policy().case_window_days
    row = Escalation(order_id=order.id, request_id=request.id if request else None, origin=origin, created_at=now,
                     eligible_until=now + dt.timedelta(days=days), facts_json="{}")
    db.session.add(row)
    db.session.flush()
    record_event(SUBJECT, order.id, None, "order.case_eligible",
                 {"origin": origin, "request_id": row.request_id, "eligible_until": row.eligible_until.isoformat()},
                 now=now)
    row.facts_json = json.dumps(gather_facts(order, request), ensure_ascii=False, sort_keys=True)
    db.session.flush()
    # one window runs at a time: a later escalation's window ends later and replaces an earlier one's
    deadlines.cancel(SUBJECT, order.id, CASE_WINDOW, now=now)
    window = deadlines.schedule(SUBJECT, order.id, CASE_WINDOW, "order.case_window_closed",
                                Due(row.eligible_until, False), started_at=now,
                                remind_at=deadlines.reminder_before(row.eligible_until, days * 24),
                                actor_user_id=order.buyer_id, data={"escalation_id": row.id})
    announce("case_window", order, now, request=request, deadline=window, data={"origin": origin})
    return row


def case_opened(escalation: Escalation, now: dt.datetime) -> None:
    """The buyer opened a case from this escalation: the window has done its work."""
    escalation.case_opened_at = now
    deadlines.meet(SUBJECT, escalation.order_id, CASE_WINDOW, now=now)
    db.session.flush()


def open_escalation(order: Order, now: dt.datetime | None = None) -> Escalation | None:
    """The escalation a case could be opened from now (the latest one still in its window)."""
    now = now or clock.now_utc()
    return db.session.scalar(sa.select(Escalation).where(
        Escalation.order_id == order.id, Escalation.eligible_until > now, Escalation.case_opened_at.is_(None))
        .order_by(Escalation.id.desc()).limit(1))
