"""Who may read and download rulings, and issue them."""
from __future__ import annotations

from arbitration.auth.models import Role
from arbitration.auth.permissions import role_of as _role


def can_read_ruling(user, case, arbitrator_ids: set[int]) -> bool:
    """The parties, the case's arbitrators (assigned now, or who ruled on it), supervisors and regulators."""
    role = _role(user)
    if role in (Role.supervisor, Role.regulator):
        return True
    if role == Role.buyer:
        return case.buyer_id == user.id
    if role == Role.merchant_staff:
        return case.merchant_id == user.merchant_id
    if role == Role.arbitrator:
        return user.id in arbitrator_ids
    return False
