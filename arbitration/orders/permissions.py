"""Who may see and do what with orders (named predicates; views and templates ask these)."""
from __future__ import annotations

from arbitration.auth.models import Role
from arbitration.auth.permissions import role_of as _role
from arbitration.orders.rules import OrderRole


def can_view_order(user, order) -> bool:
    from arbitration.orders.services import order_role

    return _role(user) is not None and order_role(user, order) in (
        OrderRole.buyer, OrderRole.merchant, OrderRole.support, OrderRole.admin)


def can_see_card_codes(user, order) -> bool:
    """Card codes: only the buyer and the merchant (and, later, the case's arbitrators)."""
    from arbitration.orders.services import order_role

    return _role(user) is not None and order_role(user, order) in (OrderRole.buyer, OrderRole.merchant)


def can_list_own_orders(user) -> bool:
    return _role(user) == Role.buyer


def can_work_merchant_queue(user) -> bool:
    return _role(user) == Role.merchant_staff


def can_manage_locks(user) -> bool:
    return _role(user) in (Role.support, Role.admin)


def can_record_refund_outcome(user) -> bool:
    return _role(user) in (Role.support, Role.admin)


def can_manage_merchants(user) -> bool:
    return _role(user) == Role.admin


def mask_code(code: str) -> str:
    return "•" * max(len(code) - 4, 4) + code[-4:] if len(code) > 4 else "••••"
