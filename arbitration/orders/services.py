"""Order actions. `apply_action` is the one place that checks the rules table and changes an order's state."""
from __future__ import annotations

import datetime as dt
import json
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit.services import record_event
from arbitration.auth.models import Role, User
from arbitration.calendar.rules import Due
from arbitration.db import db
from arbitration.deadlines import services as deadlines
from arbitration.errors import Conflict, InvalidInput, NotAllowed
from arbitration.hooks import Provider
from arbitration.merchants.models import Merchant
from arbitration.merchants.services import current_fee_schedule
from arbitration.orders import rules
from arbitration.orders.messages import UNLOCK_METHODS, refusal
from arbitration.orders.models import Order, OrderRequest
from arbitration.orders.news import announce
from arbitration.orders.permissions import order_role
from arbitration.orders.rules import Action, Channel, OrderFacts, OrderRole, OrderState, ProductType

SUBJECT = "order"
TIMESTAMPS = {OrderState.paid: "paid_at", OrderState.delivered: "delivered_at", OrderState.completed: "completed_at",
              OrderState.closed: "ended_at", OrderState.cancelled: "ended_at", OrderState.refunded: "ended_at"}


def open_request(order: Order) -> OrderRequest | None:
    return db.session.scalar(sa.select(OrderRequest).where(
        OrderRequest.order_id == order.id, OrderRequest.state.in_(("pending", "reissued"))))


# the case open on an order, if any: provided by the cases feature (cases build on orders)
open_case_on = Provider("orders.open_case_on")
# latest_cases_on(order_ids) -> {order id: its newest case}: the dispute column of the buyer's orders (cases provide)
latest_cases_on = Provider("orders.latest_cases_on")
# open_cases_among(order_ids) -> the ids of those orders with a case open on them (cases provide; one query)
open_cases_among = Provider("orders.open_cases_among")


def facts_of(order: Order) -> OrderFacts:
    req = open_request(order)
    return OrderFacts(state=order.state, locked=order.locked,
                      open_request=("after_sales" if req and req.kind != "cancellation" else req.kind) if req else None,
                      open_case=open_case_on(order.id) is not None,
                      reissue_awaiting_verification=bool(req and req.state == "reissued"))


def facts_of_many(order_ids) -> dict[int, tuple[Order, OrderFacts]]:
    """`facts_of` for many orders at once (the sweep's batches): the orders and their open requests in one query
    each, their open cases in one more. {order id: (order, its facts)}."""
    ids = sorted({int(i) for i in order_ids})
    orders = {o.id: o for o in db.session.scalars(
        sa.select(Order).where(Order.id.in_(ids)).execution_options(populate_existing=True))}
    requests = {}
    for req in db.session.scalars(sa.select(OrderRequest).where(
            OrderRequest.order_id.in_(ids), OrderRequest.state.in_(("pending", "reissued")))
            .order_by(OrderRequest.id)):
        requests.setdefault(req.order_id, req)
    with_case = open_cases_among(ids)
    found = {}
    for order_id, order in orders.items():
        req = requests.get(order_id)
        found[order_id] = (order, OrderFacts(
            state=order.state, locked=order.locked,
            open_request=("after_sales" if req.kind != "cancellation" else req.kind) if req else None,
            open_case=order_id in with_case, reissue_awaiting_verification=bool(req and req.state == "reissued")))
    return found


def lock_orders(order_ids) -> None:
    """`lock_order_row` for many orders at once, never waiting (the sweep's batches: deadlines.hold_many)."""
    requests = sa.select(sa.cast(OrderRequest.id, sa.String)).where(
        OrderRequest.order_id.in_([int(i) for i in order_ids]), OrderRequest.state.in_(("pending", "reissued")))
    deadlines.hold_many(SUBJECT, Order.__table__, order_ids, with_subjects=(("order_request", requests),))


def apply_action_many(order_ids, action: Action, now: dt.datetime) -> tuple[list[int], list[tuple]]:
    """`apply_action` by the system on many locked orders at once: the same table (rules.check on each order's
    facts), the allowed ones moved with one UPDATE per target state. The orders left alone (the table refuses) are
    skipped, not refused. Returns the ids whose state changed and their events for audit.record_events (the caller
    records them, in order with its own)."""
    facts = facts_of_many(order_ids)
    moved: dict[OrderState, list[int]] = {}
    events = []
    for order_id in sorted(facts):
        order, f = facts[order_id]
        if rules.check(action, OrderRole.system, f):
            continue
        old = f.state
        new = rules.target_state(action, old, None)
        if new != old:
            moved.setdefault(new, []).append(order_id)
        events.append((SUBJECT, order_id, None, f"order.{action.value}",
                       {"number": order.number, "from": old.value, "to": new.value}))
    for new, ids in moved.items():
        db.session.execute(sa.update(Order).where(Order.id.in_(ids)).values({"state": new, TIMESTAMPS[new]: now})
                           .execution_options(synchronize_session=False))
    return [i for ids in moved.values() for i in ids], events


def allowed_actions(user: User | None, order: Order) -> list[Action]:
    role = order_role(user, order)
    return rules.allowed_actions(role, facts_of(order)) if role else []


def ensure_allowed(order: Order, action: Action, actor: User | None) -> None:
    """Refuse (NotAllowed / Conflict with a message) unless the table lets `actor` do `action` now.
    Services call it before validating input: a stranger learns nothing from validation messages."""
    role = order_role(actor, order)
    if role is None:
        raise NotAllowed(_l("You may not do this on this order."))
    lock_order_row(order)
    problem = rules.check(action, role, facts_of(order))
    if problem:
        raise (NotAllowed if problem == "role" else Conflict)(refusal(problem, action, order.state))


def lock_order_row(order: Order) -> Order:
    """One actor at a time on an order: the running deadlines of the order and of its open requests, then the
    order row, read afresh (deadlines.hold: the deadline sweep's order, so a buyer confirming receipt just as the
    automatic confirmation is due never deadlocks with the sweep)."""
    requests = db.session.scalars(sa.select(OrderRequest.id).where(
        OrderRequest.order_id == order.id, OrderRequest.state.in_(("pending", "reissued"))))
    deadlines.hold(SUBJECT, order.id, order, with_subjects=tuple(("order_request", r) for r in requests))
    return order


def apply_action(order: Order, action: Action, actor: User | None, *, to_state: OrderState | None = None,
                 data: dict | None = None, now: dt.datetime | None = None) -> Order:
    """Check the table (role, state, guards), change the state if the action leads elsewhere, log it."""
    now = now or clock.now_utc()
    ensure_allowed(order, action, actor)
    old = order.state
    new = rules.target_state(action, old, to_state)
    if new != old:
        order.state = new
        setattr(order, TIMESTAMPS[new], now)
    record_event(SUBJECT, order.id, actor, f"order.{action.value}",
                 {"number": order.number, "from": old.value, "to": new.value, **(data or {})}, now=now)
    db.session.flush()
    return order


def _hours(start: dt.datetime, hours: float) -> Due:
    return Due((start + dt.timedelta(hours=hours)).astimezone(dt.timezone.utc), False)


def _new_number(now: dt.datetime) -> str:
    return f"KM{now:%Y%m%d%H%M}{secrets.randbelow(10**6):06d}"


def create_order(*, buyer: User, merchant: Merchant, product_type: ProductType, product_name: str,
                 face_value_fen: int, amount_fen: int, channel: Channel, quantity: int = 1,
                 listing_description: str = "", fee_schedule_shown: bool = True, number: str | None = None,
                 account_switches_today: int = 0, now: dt.datetime | None = None) -> Order:
    """An order enters from the platform (its API, or seed-demo), awaiting payment."""
    now = now or clock.now_utc()
    if buyer.role != Role.buyer:
        raise InvalidInput(_l("Orders belong to buyers."))
    for value in (face_value_fen, amount_fen, quantity):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidInput(_l("Amounts are whole numbers of fen."))
    if amount_fen <= 0 or quantity <= 0 or face_value_fen < 0:
        raise InvalidInput(_l("The amount and the quantity must be positive."))
    number = number or _new_number(now)
    if db.session.scalar(sa.select(Order.id).where(Order.number == number)) is not None:
        raise Conflict(_l("Order %(number)s exists already.", number=number))
    schedule = current_fee_schedule(merchant.id)
    order = Order(number=number, buyer_id=buyer.id, merchant_id=merchant.id, product_type=product_type,
                  product_name=product_name.strip(), face_value_fen=face_value_fen,
                  listing_description=listing_description, quantity=quantity, amount_fen=amount_fen,
                  channel=channel, state=OrderState.pending_payment, created_at=now, locked=False,
                  fee_snapshot_json=json.dumps(schedule.snapshot()) if (schedule and fee_schedule_shown) else None)
    db.session.add(order)
    db.session.flush()
    deadlines.mark_held(SUBJECT, order.id)            # new in this transaction: no one else can see it yet
    record_event(SUBJECT, order.id, None, "order.created",
                 {"number": number, "amount_fen": amount_fen, "fee_disclosed": order.fee_snapshot_json is not None},
                 now=now)
    policy = merchant.policy()
    window = deadlines.schedule(SUBJECT, order.id, "payment_window", "order.close_unpaid",
                                _hours(now, policy.payment_window_minutes / 60), started_at=now,
                                actor_user_id=buyer.id)
    announce("order_placed", order, now, deadline=window)
    _evaluate_risk(order, account_switches_today, now)
    return order


def _evaluate_risk(order: Order, account_switches_today: int, now: dt.datetime) -> None:
    cfg = current_app.config
    thresholds = rules.RiskThresholds(cfg["RISK_ORDERS"], cfg["RISK_WITHIN_MINUTES"], cfg["RISK_ACCOUNT_SWITCHES"])
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(Order).where(
        Order.buyer_id == order.buyer_id, Order.created_at > now - dt.timedelta(minutes=thresholds.within_minutes),
        Order.created_at <= now))
    reason = rules.risk_reason(recent, account_switches_today, thresholds)
    if reason:
        lock_order(order, None, reason, now=now)


def pay_order(order: Order, now: dt.datetime | None = None) -> Order:
    now = now or clock.now_utc()
    apply_action(order, Action.pay, None, now=now)
    deadlines.meet(SUBJECT, order.id, "payment_window", now=now)
    order.delivery_due_at = now + dt.timedelta(hours=order.merchant.delivery_promise_hours)
    db.session.flush()
    return order


def deliver_order(order: Order, actor: User | None, *, card_codes: list[str] | None = None,
                  topup_account: str | None = None, now: dt.datetime | None = None) -> Order:
    now = now or clock.now_utc()
    codes = [c.strip() for c in (card_codes or []) if c and c.strip()]
    if not codes and not (topup_account or "").strip():
        raise InvalidInput(_l("Enter the card codes sent, or the account that was topped up."))
    apply_action(order, Action.deliver, actor, data={"kind": "card_codes" if codes else "account_topup",
                                                     "count": len(codes)}, now=now)
    order.delivery_kind = "card_codes" if codes else "account_topup"
    order.card_codes_json = json.dumps(codes, ensure_ascii=False) if codes else None
    order.topup_account = (topup_account or "").strip() or None
    db.session.flush()
    schedule_auto_confirm(order, now, delivered=True)
    return order


def schedule_auto_confirm(order: Order, now: dt.datetime, *, delivered: bool = False) -> None:
    """The buyer's window to check the goods, at the delivery (`delivered`) or again when a request or a lock that
    held it ended; the buyer is told either way."""
    deadlines.cancel(SUBJECT, order.id, "auto_confirm", now=now)
    window = deadlines.schedule(SUBJECT, order.id, "auto_confirm", "order.auto_confirm",
                                _hours(now, order.merchant.auto_confirm_hours), started_at=now,
                                actor_user_id=order.buyer_id)
    announce("delivered" if delivered else "confirm_restarted", order, now, deadline=window)


def cancel_unpaid(order: Order, buyer: User, now: dt.datetime | None = None) -> Order:
    now = now or clock.now_utc()
    apply_action(order, Action.cancel, buyer, now=now)
    deadlines.meet(SUBJECT, order.id, "payment_window", now=now)
    return order


def confirm_receipt(order: Order, buyer: User, *, goods_checked: bool, now: dt.datetime | None = None) -> Order:
    ensure_allowed(order, Action.confirm_receipt, buyer)
    if not goods_checked:
        raise InvalidInput(_l("Check the goods first, then tick the box to confirm that they work."),
                           field="goods_checked")
    now = now or clock.now_utc()
    apply_action(order, Action.confirm_receipt, buyer, now=now)
    deadlines.meet(SUBJECT, order.id, "auto_confirm", now=now)
    return order


def lock_order(order: Order, actor: User | None, reason: str, now: dt.datetime | None = None) -> Order:
    now = now or clock.now_utc()
    apply_action(order, Action.lock, actor, data={"reason": reason}, now=now)
    order.locked, order.lock_reason, order.locked_at = True, reason, now
    db.session.flush()
    return order


def unlock_order(order: Order, actor: User, *, method: str, note: str, now: dt.datetime | None = None) -> Order:
    """Support unlocks after verifying the buyer's identity; who, how and why go into the log."""
    ensure_allowed(order, Action.unlock, actor)
    if method not in UNLOCK_METHODS:
        raise InvalidInput(_l("Choose how the buyer's identity was verified."), field="method")
    if len((note or "").strip()) < 5:
        raise InvalidInput(_l("Write down what was checked (at least 5 characters)."), field="note")
    now = now or clock.now_utc()
    apply_action(order, Action.unlock, actor, data={"method": method, "note": note.strip()}, now=now)
    order.locked, order.lock_reason = False, None
    db.session.flush()
    if order.state == OrderState.delivered and open_request(order) is None:
        schedule_auto_confirm(order, now)  # the window a lock interrupted starts again
    return order


def get_order(number: str) -> Order | None:
    return db.session.scalar(sa.select(Order).where(Order.number == number))
