"""Cancellation and after-sales requests: filing, the merchant's answer, defaults when it does not come."""
from __future__ import annotations

import datetime as dt
import json

from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit.services import record_event
from arbitration.auth.models import User
from arbitration.db import db
from arbitration.deadlines import services as deadlines
from arbitration.errors import Conflict, InvalidInput
from arbitration.orders import rules
from arbitration.orders.escalations import escalate
from arbitration.orders.models import Order, OrderRequest
from arbitration.orders.news import announce
from arbitration.orders.refunds import check_amount, issue_refund, refunded_so_far
from arbitration.web_format import format_local
from arbitration.orders.rules import Action, OrderState
from arbitration.merchants.services import current_fee_schedule
from arbitration.orders.services import (SUBJECT, _hours, apply_action, cancel_unpaid, ensure_allowed,
                                         open_request, schedule_auto_confirm)

MERCHANT_FAULT_REASONS = ("not_as_described", "late_delivery")   # never a fee for these


def cancellation_fee_for(order: Order, reason: str) -> tuple[int, bool]:
    """(fee charged, whether the merchant's schedule asks for more than was disclosed at purchase)."""
    if reason in MERCHANT_FAULT_REASONS:
        return 0, False
    field = "paid_rate_bp" if order.state == OrderState.paid else "delivered_rate_bp"
    disclosed = (order.fee_snapshot or {}).get(field, 0)
    current = current_fee_schedule(order.merchant_id)
    asked = getattr(current, field) if current else 0
    return rules.cancellation_fee(order.amount_fen, disclosed), asked > disclosed


def _remind(start: dt.datetime, window_hours: int) -> dt.datetime:
    return deadlines.reminder_before(start + dt.timedelta(hours=window_hours), window_hours)


def fee_preview(order: Order) -> tuple[int, bool]:
    """What cancelling now would cost for a reason of the buyer's own (the cancellation page shows it)."""
    if order.state == OrderState.pending_payment:
        return 0, False
    return cancellation_fee_for(order, "not_needed")


def _refund(order: Order, amount_fen: int, **kwargs) -> None:
    """Pay back `amount_fen`; nothing to pay when a disclosed fee takes it all (the request still succeeds)."""
    if amount_fen > 0:
        issue_refund(order, amount_fen, **kwargs)


def _target_after_payment(order: Order, response: str, amount_fen: int | None) -> OrderState | None:
    """A full refund, or a partial one (or compensation) that pays back all that is left, refunds the order."""
    left = rules.refundable(order.amount_fen, refunded_so_far(order))
    if response == "full_refund" or (response in ("partial_refund", "compensation") and amount_fen
                                     and amount_fen >= left):
        return OrderState.refunded
    return None


def _before_due(req: OrderRequest, now: dt.datetime, due: dt.datetime | None = None) -> None:
    """An answer after its deadline is refused: the published default applies instead."""
    due = due or req.due_at
    if due is not None and now > due:
        raise Conflict(_l("The deadline for this answer passed at %(time)s; the published default applies.",
                          time=format_local(due)))


def _description(text: str, field: str = "description") -> str:
    text = (text or "").strip()
    if len(text) < rules.MIN_DESCRIPTION_CHARS:
        raise InvalidInput(_l("Describe what happened (at least %(n)d characters).", n=rules.MIN_DESCRIPTION_CHARS),
                           field=field)
    return text


def _new_request(order: Order, buyer_id: int, kind: str, reason: str, now: dt.datetime, **fields) -> OrderRequest:
    req = OrderRequest(order_id=order.id, merchant_id=order.merchant_id, buyer_id=buyer_id, kind=kind,
                       state=rules.REQUEST_FLOW.check_start("pending"), order_state=order.state.value, reason=reason,
                       created_at=now, **fields)
    db.session.add(req)
    db.session.flush()
    return req


def request_cancellation(order: Order, buyer: User, *, reason: str = "", reason_text: str = "", ground: str = "",
                         description: str = "", now: dt.datetime | None = None) -> OrderRequest | None:
    """Unpaid: cancelled at once (returns None). Paid: to the merchant's review. Delivered: only on a ground."""
    now = now or clock.now_utc()
    if order.state == OrderState.pending_payment:
        cancel_unpaid(order, buyer, now)
        return None
    ensure_allowed(order, Action.request_cancellation, buyer)
    policy = order.merchant.policy()
    if order.state == OrderState.delivered:
        if ground not in rules.DELIVERED_GROUNDS:
            raise InvalidInput(_l("A delivered order can be cancelled only on a stated ground: not as described, "
                                  "delivered later than promised, or a security risk."), field="ground")
        reason, text = ground, _description(description)
    else:
        problem = rules.reason_problem(reason, reason_text)
        if problem == "unknown":
            raise InvalidInput(_l("Choose a reason from the list."), field="reason")
        if problem == "vague":
            raise InvalidInput(_l("“%(text)s” does not say why. Choose the reason from the list (ordered the wrong "
                                  "item, no longer needed, duplicate order, not as described, delivery overdue), or "
                                  "describe the specific reason.", text=(reason_text or "").strip()),
                               field="reason_text")
        text = (description or "").strip()
    apply_action(order, Action.request_cancellation, buyer, data={"reason": reason}, now=now)
    fee, hidden = cancellation_fee_for(order, reason)
    if order.state == OrderState.paid:
        req = _new_request(order, buyer.id, "cancellation", reason, now, reason_text=(reason_text or "").strip(),
                           description=text, fee_fen=fee, hidden_fee=hidden,
                           target_at=now + dt.timedelta(minutes=policy.review_target_minutes),
                           due_at=now + dt.timedelta(minutes=policy.review_limit_minutes))
        review = deadlines.schedule("order_request", req.id, "cancellation_review",
                                    "order.approve_cancellation_by_default",
                                    _hours(now, policy.review_limit_minutes / 60), started_at=now,
                                    remind_at=req.target_at, actor_merchant_id=order.merchant_id)
    else:
        req = _new_request(order, buyer.id, "cancellation", reason, now, description=text, fee_fen=fee,
                           hidden_fee=hidden, due_at=now + dt.timedelta(hours=policy.after_sales_response_hours))
        deadlines.cancel(SUBJECT, order.id, "auto_confirm", now=now)
        review = deadlines.schedule("order_request", req.id, "cancellation_response", "order.merchant_missed_request",
                                    _hours(now, policy.after_sales_response_hours), started_at=now,
                                    remind_at=_remind(now, policy.after_sales_response_hours),
                                    actor_merchant_id=order.merchant_id)
    record_event(SUBJECT, order.id, buyer, "order.request_filed",
                 {"request_id": req.id, "kind": "cancellation", "reason": reason, "fee_fen": fee,
                  "hidden_fee": hidden}, now=now)
    announce("request_filed", order, now, request=req, deadline=review)
    return req


def _answer(req: OrderRequest, actor: User | None, response: str, state: str, now: dt.datetime,
            amount: int | None = None, text: str = "") -> None:
    req.response, req.response_amount_fen, req.response_text = response, amount, text
    req.responded_at, req.responded_by_id = now, getattr(actor, "id", None)
    _set_request_state(req, state, now)


def _set_request_state(req: OrderRequest, state: str, now: dt.datetime) -> None:
    """The one place a request's state changes (its table: rules.REQUEST_FLOW); a request that ends meets its
    deadlines, and the delivered order's automatic confirmation starts again."""
    rules.REQUEST_FLOW.move(req, state)
    if state not in rules.OPEN_REQUEST_STATES:
        req.closed_at = now
        deadlines.meet("order_request", req.id, now=now)
        db.session.flush()
        if req.order.state == OrderState.delivered and not req.order.locked:
            schedule_auto_confirm(req.order, now)  # the window held by the request starts again
    db.session.flush()


def _reasoned(text: str) -> str:
    text = (text or "").strip()
    if len(text) < 5:
        raise InvalidInput(_l("A refusal needs a reason the buyer can understand (at least 5 characters)."),
                           field="text")
    return text


def _require_open(order: Order, req: OrderRequest, kind: tuple[str, ...]) -> None:
    if req.order_id != order.id or req.kind not in kind:
        raise InvalidInput(_l("No such request on this order."))
    if open_request(order) is None or open_request(order).id != req.id:
        raise Conflict(_l("This request has been answered already."))


def review_cancellation(order: Order, req: OrderRequest, merchant: User, *, approve: bool, text: str = "",
                        now: dt.datetime | None = None) -> OrderRequest:
    """Paid, undelivered: the merchant approves (refund to the original channel) or rejects with a reason."""
    now = now or clock.now_utc()
    ensure_allowed(order, Action.review_cancellation, merchant)
    _require_open(order, req, ("cancellation",))
    _before_due(req, now)
    if not approve:
        text = _reasoned(text)
    apply_action(order, Action.review_cancellation, merchant, to_state=OrderState.refunded if approve else None,
                 data={"request_id": req.id, "approve": approve}, now=now)
    if approve:
        _answer(req, merchant, "approve", "approved", now, text=(text or "").strip())
        _refund(order, rules.refundable(order.amount_fen, refunded_so_far(order)) - req.fee_fen,
                fee_fen=req.fee_fen, request_id=req.id, actor=merchant, now=now)
    else:
        _answer(req, merchant, "reject", "rejected", now, text=text)
        escalate(order, req, "cancellation_rejected", now)
    return req


def approve_by_default(req: OrderRequest, now: dt.datetime) -> None:
    """The review limit passed without a decision: approved by default (DESIGN §2)."""
    order = req.order
    apply_action(order, Action.approve_cancellation_by_default, None, data={"request_id": req.id}, now=now)
    _answer(req, None, "approve", "auto_approved", now)
    announce("auto_approved", order, now, request=req)
    _refund(order, rules.refundable(order.amount_fen, refunded_so_far(order)) - req.fee_fen,
            fee_fen=req.fee_fen, request_id=req.id, now=now)


def respond_cancellation(order: Order, req: OrderRequest, merchant: User, *, response: str,
                         amount_fen: int | None = None, text: str = "", now: dt.datetime | None = None) -> OrderRequest:
    """Delivered: full refund, partial refund, compensation and continue, or a reasoned refusal."""
    now = now or clock.now_utc()
    ensure_allowed(order, Action.respond_cancellation, merchant)
    _require_open(order, req, ("cancellation",))
    _before_due(req, now)
    if response not in rules.DELIVERED_RESPONSES:
        raise InvalidInput(_l("Choose an answer."), field="response")
    if response == "refuse":
        text = _reasoned(text)
    if response in ("partial_refund", "compensation"):
        check_amount(order, amount_fen)
    to_state = _target_after_payment(order, response, amount_fen)
    apply_action(order, Action.respond_cancellation, merchant, to_state=to_state,
                 data={"request_id": req.id, "response": response, "amount_fen": amount_fen}, now=now)
    if response == "refuse":
        _answer(req, merchant, response, "rejected", now, text=text)
        escalate(order, req, "cancellation_rejected", now)
        return req
    left = rules.refundable(order.amount_fen, refunded_so_far(order))
    refund = left - req.fee_fen if response == "full_refund" else amount_fen
    _answer(req, merchant, response, "resolved", now, amount=refund, text=(text or "").strip())
    _refund(order, refund, fee_fen=req.fee_fen if response == "full_refund" else 0,
            kind="compensation" if response == "compensation" else "refund", request_id=req.id, actor=merchant,
            now=now)
    return req


def merchant_missed(req: OrderRequest, now: dt.datetime) -> None:
    """A delivered cancellation or an after-sales request got no answer in time: to the platform."""
    _set_request_state(req, "timed_out", now)
    record_event(SUBJECT, req.order_id, None, "order.merchant_missed_deadline",
                 {"request_id": req.id, "kind": req.kind}, now=now)
    escalate(req.order, req, "merchant_timeout", now)


# ---- after-sales ----

def request_after_sales(order: Order, buyer: User, *, problem: str, description: str,
                        now: dt.datetime | None = None) -> OrderRequest:
    now = now or clock.now_utc()
    ensure_allowed(order, Action.request_after_sales, buyer)
    if problem not in rules.AFTER_SALES_PROBLEMS:
        raise InvalidInput(_l("Choose the problem from the list."), field="problem")
    text = _description(description)
    apply_action(order, Action.request_after_sales, buyer, data={"problem": problem}, now=now)
    policy = order.merchant.policy()
    req = _new_request(order, buyer.id, "after_sales", problem, now, description=text,
                       due_at=now + dt.timedelta(hours=policy.after_sales_response_hours))
    deadlines.cancel(SUBJECT, order.id, "auto_confirm", now=now)
    response = deadlines.schedule("order_request", req.id, "after_sales_response", "order.merchant_missed_request",
                                  _hours(now, policy.after_sales_response_hours), started_at=now,
                                  remind_at=_remind(now, policy.after_sales_response_hours),
                                  actor_merchant_id=order.merchant_id)
    record_event(SUBJECT, order.id, buyer, "order.request_filed",
                 {"request_id": req.id, "kind": "after_sales", "reason": problem}, now=now)
    announce("request_filed", order, now, request=req, deadline=response)
    return req


def respond_after_sales(order: Order, req: OrderRequest, merchant: User, *, response: str,
                        amount_fen: int | None = None, codes: list[str] | None = None, text: str = "",
                        now: dt.datetime | None = None) -> OrderRequest:
    """Within 48 h: reissue a card code, replace, refund (full or partial), or refuse with a reason."""
    now = now or clock.now_utc()
    ensure_allowed(order, Action.respond_after_sales, merchant)
    _require_open(order, req, ("after_sales",))
    _before_due(req, now)
    if response not in rules.AFTER_SALES_RESPONSES:
        raise InvalidInput(_l("Choose an answer."), field="response")
    codes = [c.strip() for c in (codes or []) if c and c.strip()]
    if response == "reissue" and not codes:
        raise InvalidInput(_l("Enter the new card codes."), field="codes")
    if response == "refuse":
        text = _reasoned(text)
    if response == "partial_refund":
        check_amount(order, amount_fen)
    to_state = _target_after_payment(order, response, amount_fen)
    apply_action(order, Action.respond_after_sales, merchant, to_state=to_state,
                 data={"request_id": req.id, "response": response, "amount_fen": amount_fen}, now=now)
    if response in ("reissue", "replace"):
        hours = order.merchant.reissue_verify_hours
        req.replacement_codes_json = json.dumps(codes, ensure_ascii=False) if codes else None
        req.verify_due_at = now + dt.timedelta(hours=hours)
        _answer(req, merchant, response, "reissued", now, text=(text or "").strip())
        deadlines.meet("order_request", req.id, "after_sales_response", now=now)
        check = deadlines.schedule("order_request", req.id, "reissue_verification", "order.reissue_accepted",
                                   _hours(now, hours), started_at=now, actor_user_id=order.buyer_id)
        announce("reissued", order, now, request=req, deadline=check)
        return req
    if response == "refuse":
        _answer(req, merchant, response, "rejected", now, text=text)
        escalate(order, req, "after_sales_failed", now)
        return req
    refund = rules.refundable(order.amount_fen, refunded_so_far(order)) if response == "full_refund" else amount_fen
    _answer(req, merchant, response, "resolved", now, amount=refund, text=(text or "").strip())
    _refund(order, refund, request_id=req.id, actor=merchant, now=now)
    return req


def verify_reissue(order: Order, req: OrderRequest, actor: User | None, *, works: bool, note: str = "",
                   now: dt.datetime | None = None) -> OrderRequest:
    """The buyer reports within 72 h whether the reissued goods work; silence counts as accepted."""
    now = now or clock.now_utc()
    ensure_allowed(order, Action.verify_reissue, actor)
    _require_open(order, req, ("after_sales",))
    if req.state != "reissued":
        raise Conflict(_l("This request is not waiting for your check."))
    if actor is not None:
        _before_due(req, now, req.verify_due_at)
    if not works:
        note = _description(note, field="note")
    apply_action(order, Action.verify_reissue, actor, data={"request_id": req.id, "works": works}, now=now)
    if works:
        _set_request_state(req, "accepted", now)
    else:
        req.response_text = (req.response_text + "\n" if req.response_text else "") + note
        _set_request_state(req, "failed", now)
        escalate(order, req, "after_sales_failed", now)
    return req


def report_platform_fault(order: Order, actor: User, *, fault: str, description: str,
                          now: dt.datetime | None = None) -> OrderRequest:
    """Duplicate payment, a wrong automatic cancellation: against the platform itself, straight to a case."""
    now = now or clock.now_utc()
    ensure_allowed(order, Action.report_platform_fault, actor)
    if fault not in rules.PLATFORM_FAULTS:
        raise InvalidInput(_l("Choose the fault from the list."), field="fault")
    text = _description(description)
    apply_action(order, Action.report_platform_fault, actor, data={"fault": fault}, now=now)
    req = _new_request(order, order.buyer_id, "platform_fault", fault, now, description=text)
    _set_request_state(req, "escalated", now)
    escalate(order, req, "platform_fault", now)
    return req


def withdraw_request(order: Order, req: OrderRequest, buyer: User, now: dt.datetime | None = None) -> OrderRequest:
    """The buyer takes back a cancellation or after-sales request the merchant has not answered yet."""
    now = now or clock.now_utc()
    ensure_allowed(order, Action.withdraw_request, buyer)
    _require_open(order, req, ("cancellation", "after_sales"))
    if req.state != "pending":
        raise Conflict(_l("This request was answered already."))
    apply_action(order, Action.withdraw_request, buyer, data={"request_id": req.id}, now=now)
    _set_request_state(req, "withdrawn", now)
    return req
