"""Read-only queries for the order pages."""
from __future__ import annotations

import sqlalchemy as sa

from arbitration import access
from arbitration.access import Relation
from arbitration.db import db
from arbitration.deadlines.models import Deadline
from arbitration.orders.models import Escalation, Order, OrderRequest
from arbitration.orders.rules import OrderState
from arbitration.pagination import Page, newest_first, soonest_first

PAGE_SIZE = 20


def like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def buyer_orders(user, *, state: str = "", q: str = "", cursor: str | None = None) -> Page:
    """The buyer's own orders, newest first."""
    stmt = sa.select(Order).where(access.visible(user, Order, {Relation.buyer}))
    if state in OrderState.__members__:
        stmt = stmt.where(Order.state == OrderState(state))
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(sa.or_(Order.number.ilike(pattern, escape="\\"),
                                 Order.product_name.ilike(pattern, escape="\\")))
    return newest_first(db.session, stmt, Order.created_at, Order.id, cursor, PAGE_SIZE)


def merchant_queue(user, kind: str, cursor: str | None = None) -> Page:
    """Open requests against the user's merchant, the nearest deadline first."""
    kinds = ("cancellation",) if kind == "cancellation" else ("after_sales",)
    stmt = sa.select(OrderRequest).where(access.visible(user, OrderRequest, {Relation.merchant_staff}),
                                         OrderRequest.kind.in_(kinds), OrderRequest.state == "pending")
    return soonest_first(db.session, stmt, OrderRequest.due_at, OrderRequest.id, cursor, PAGE_SIZE)


def locked_orders(user, cursor: str | None = None) -> Page:
    stmt = sa.select(Order).where(access.visible(user, Order),
                                  Order.locked == sa.true())      # the partial index ix_orders_locked
    return newest_first(db.session, stmt, Order.locked_at, Order.id, cursor, PAGE_SIZE)


def requests_of(order: Order) -> list[OrderRequest]:
    return list(db.session.scalars(sa.select(OrderRequest).where(OrderRequest.order_id == order.id)
                                   .order_by(OrderRequest.id)))


def running_deadlines(order: Order) -> list[Deadline]:
    """Pending deadlines of the order and of its requests, the nearest first."""
    request_ids = [str(r.id) for r in requests_of(order)]
    return list(db.session.scalars(sa.select(Deadline).where(
        Deadline.state == "pending",
        sa.or_(sa.and_(Deadline.subject_type == "order", Deadline.subject_id == str(order.id)),
               sa.and_(Deadline.subject_type == "order_request", Deadline.subject_id.in_(request_ids))))
        .order_by(Deadline.due_at)))


def escalations_of(order: Order) -> list[Escalation]:
    return list(db.session.scalars(sa.select(Escalation).where(Escalation.order_id == order.id)
                                   .order_by(Escalation.id)))


def next_deadline_by_order(orders: list[Order]) -> dict[int, Deadline]:
    """For a page of orders: the nearest running deadline of each (its own, or its open request's)."""
    if not orders:
        return {}
    ids = [str(o.id) for o in orders]
    requests = db.session.execute(sa.select(OrderRequest.id, OrderRequest.order_id).where(
        OrderRequest.order_id.in_([o.id for o in orders]), OrderRequest.state.in_(("pending", "reissued")))).all()
    request_to_order = {str(rid): oid for rid, oid in requests}
    rows = db.session.scalars(sa.select(Deadline).where(Deadline.state == "pending", sa.or_(
        sa.and_(Deadline.subject_type == "order", Deadline.subject_id.in_(ids)),
        sa.and_(Deadline.subject_type == "order_request", Deadline.subject_id.in_(list(request_to_order))))))
    out: dict[int, Deadline] = {}
    for d in rows:
        oid = int(d.subject_id) if d.subject_type == "order" else request_to_order[d.subject_id]
        if oid not in out or d.due_at < out[oid].due_at:
            out[oid] = d
    return out
