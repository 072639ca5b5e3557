"""Refunds to the original payment channel, never more than was paid, with the expected arrival."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit.services import record_event
from arbitration.calendar.rules import BusinessCalendar
from arbitration.calendar.services import load_calendar
from arbitration.db import db
from arbitration.errors import Conflict, InvalidInput
from arbitration.money import yuan
from arbitration.orders import rules
from arbitration.orders.messages import REFUND_STATE_LABELS
from arbitration.orders.models import Order, Refund
from arbitration.orders.news import announce

SUBJECT = "order"


def refunded_so_far(order: Order) -> int:
    """Money already sent back or on its way (failed refunds do not count)."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_fen + Refund.fee_fen), 0)).where(
        Refund.order_id == order.id, Refund.state != "failed")) or 0


def check_amount(order: Order, amount_fen, fee_fen: int = 0) -> int:
    """A refund amount: a positive whole number of fen within what is still refundable."""
    if amount_fen is None:
        raise InvalidInput(_l("Enter the amount in yuan, e.g. 12.50."), field="amount")
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        raise InvalidInput(_l("Amounts are whole numbers of fen."), field="amount")
    if amount_fen <= 0:
        raise InvalidInput(_l("The amount must be more than zero."), field="amount")
    left = rules.refundable(order.amount_fen, refunded_so_far(order))
    if amount_fen + fee_fen > left:
        raise InvalidInput(_l("At most %(left)s can still be refunded on this order (paid: %(paid)s).",
                              left=yuan(left), paid=yuan(order.amount_fen)), field="amount")
    return amount_fen


def expected_arrival(channel: rules.Channel, now: dt.datetime,
                     calendar: BusinessCalendar | None = None) -> tuple[dt.date, bool]:
    """(date by which the money should arrive, whether the calendar fell back to weekends only)."""
    days = current_app.config.get("REFUND_ARRIVAL_WORKING_DAYS", {}).get(
        channel.value, rules.ARRIVAL_WORKING_DAYS[channel])
    if days == 0:
        return now.astimezone(clock.CHINA).date(), False
    due = (calendar or load_calendar()).add_working_days(now, days)
    return due.at.astimezone(clock.CHINA).date(), due.fell_back


def issue_refund(order: Order, amount_fen: int, *, fee_fen: int = 0, kind: str = "refund", request_id=None,
                 actor=None, now: dt.datetime | None = None, capped: bool = True) -> Refund:
    """`capped=False` only for compensation a ruling ordered (its amount was checked against the law cited)."""
    now = now or clock.now_utc()
    if capped or kind != "compensation":
        check_amount(order, amount_fen, fee_fen)
    expected, fell_back = expected_arrival(order.channel, now)
    instant = order.channel == rules.Channel.balance
    refund = Refund(order_id=order.id, request_id=request_id, kind=kind, amount_fen=amount_fen, fee_fen=fee_fen,
                    channel=order.channel, state=rules.REFUND_FLOW.check_start("done" if instant else "pending"),
                    expected_by=expected,
                    expected_fallback=fell_back, expected_from=now,
                    created_at=now, completed_at=now if instant else None, attempts=1)
    db.session.add(refund)
    db.session.flush()
    record_event(SUBJECT, order.id, actor, "order.refund_issued",
                 {"refund_id": refund.id, "kind": kind, "amount_fen": amount_fen, "fee_fen": fee_fen,
                  "channel": order.channel.value, "expected_by": expected.isoformat(), "state": refund.state}, now=now)
    announce("refund_sent", order, now, refund=refund)
    return refund


def _get(order: Order, refund_id: int) -> Refund:
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.order_id != order.id:
        raise InvalidInput(_l("No such refund on this order."))
    return refund


# what the payment channel may report -> the state it moves the refund to (rules.REFUND_FLOW says from where)
OUTCOMES = rules.REFUND_OUTCOMES


def outcomes_for(refund: Refund) -> list[str]:
    return [outcome for outcome, to in OUTCOMES.items() if rules.REFUND_FLOW.allows(refund.state, to)]


def mark_refund(order: Order, refund_id: int, outcome: str, actor, *, reason: str = "",
                now: dt.datetime | None = None) -> Refund:
    """The payment channel reports back: done, failed (with a reason), or a failed refund is retried."""
    now = now or clock.now_utc()
    refund = _get(order, refund_id)
    if outcome not in OUTCOMES:
        raise InvalidInput(_l("Unknown refund outcome."))
    if not rules.REFUND_FLOW.allows(refund.state, OUTCOMES[outcome]):
        raise Conflict(_l("This refund was already recorded as %(state)s.", state=REFUND_STATE_LABELS[refund.state]))
    if outcome == "failed" and not reason.strip():
        raise InvalidInput(_l("Say why the refund failed."), field="reason")
    if outcome == "retry":
        check_amount(order, refund.amount_fen, refund.fee_fen)  # still within what was paid
    rules.REFUND_FLOW.move(refund, OUTCOMES[outcome])     # the one place a refund's state changes
    if outcome == "done":
        refund.completed_at = now
    elif outcome == "failed":
        refund.failure_reason = reason.strip()[:200]
    else:
        refund.attempts, refund.failure_reason = refund.attempts + 1, None
        refund.expected_by, refund.expected_fallback = expected_arrival(order.channel, now)
        refund.expected_from = now
    db.session.flush()
    record_event(SUBJECT, order.id, actor, f"order.refund_{outcome}",
                 {"refund_id": refund.id, "reason": reason.strip()}, now=now)
    announce("refund_sent" if outcome == "retry" else f"refund_{outcome}", order, now, refund=refund)
    return refund


def refunds_of(order: Order) -> list[Refund]:
    return list(db.session.scalars(sa.select(Refund).where(Refund.order_id == order.id).order_by(Refund.id)))
