"""Who may see and do what with orders and their requests: the access ties of orders, and named predicates
(views and templates ask these)."""
from __future__ import annotations

from arbitration import access
from arbitration.access import Relation
from arbitration.auth.models import Role
from arbitration.auth.permissions import role_of as _role
from arbitration.orders.models import Order, OrderRequest
from arbitration.orders.rules import OrderRole

for _model in (Order, OrderRequest):
    access.tie(_model, Relation.buyer, Role.buyer, column=_model.buyer_id, value=lambda user: user.id)
    access.tie(_model, Relation.merchant_staff, Role.merchant_staff, column=_model.merchant_id,
               value=lambda user: user.merchant_id)
    # the parties and support; the arbitrators of a case on the order and the supervisors read the order too (the
    # decision rests on it)
    access.viewers(_model, {Relation.buyer, Relation.merchant_staff, Relation.support, Relation.admin,
                            Relation.arbitrator, Relation.former_arbitrator, Relation.supervisor})
access.through(OrderRequest, Order, OrderRequest.order_id, lambda req: req.order)

ORDER_ROLES = {Relation.buyer: OrderRole.buyer, Relation.merchant_staff: OrderRole.merchant,
               Relation.support: OrderRole.support, Relation.admin: OrderRole.admin}


def order_role(user, order) -> OrderRole | None:
    """Who `user` is on this order for its rules table (None: a stranger to it; the system when no user)."""
    if user is None:
        return OrderRole.system
    found = access.relations(user, order)
    return next((role for relation, role in ORDER_ROLES.items() if relation in found), None)


def can_view_order(user, order) -> bool:
    return access.may_view(user, order)


def can_see_card_codes(user, order) -> bool:
    """Card codes: only the buyer and the merchant."""
    return access.may(user, order, access.PARTIES)


def can_list_own_orders(user) -> bool:
    return _role(user) == Role.buyer


def can_work_merchant_queue(user) -> bool:
    return _role(user) == Role.merchant_staff


def can_answer_request(user, req) -> bool:
    """The request's merchant's staff (the decision page)."""
    return can_work_merchant_queue(user) and access.may(user, req, {Relation.merchant_staff})


def can_manage_locks(user) -> bool:
    return _role(user) in (Role.support, Role.admin)


def can_record_refund_outcome(user) -> bool:
    return _role(user) in (Role.support, Role.admin)


def mask_code(code: str) -> str:
    return "•" * max(len(code) - 4, 4) + code[-4:] if len(code) > 4 else "••••"
