"""Who may add and read evidence (named predicates)."""
from __future__ import annotations

from arbitration.auth.models import Role
from arbitration.auth.permissions import role_of as _role
from arbitration.orders.rules import OrderRole


def party_of(user, order) -> str | None:
    """"buyer" or "merchant" when the user is a party to the order, else None."""
    from arbitration.orders.services import order_role

    if _role(user) is None:
        return None
    return {OrderRole.buyer: "buyer", OrderRole.merchant: "merchant"}.get(order_role(user, order))


def can_read_evidence(user, evidence, order, arbitrator_ids=frozenset()) -> bool:
    """The parties, supervisors, regulators and the arbitrators of a case on the order (`arbitrator_ids`: assigned
    now or who ruled on it); checked per download."""
    role = _role(user)
    return party_of(user, order) is not None or role in (Role.supervisor, Role.regulator) or \
        (role == Role.arbitrator and user.id in arbitrator_ids)


def can_add_evidence(user, order) -> bool:
    return party_of(user, order) is not None
