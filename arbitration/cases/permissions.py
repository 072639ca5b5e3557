"""Who may see a case and act on it (named predicates; views and templates ask these)."""
from __future__ import annotations

from arbitration.auth.models import Role
from arbitration.auth.permissions import role_of as _role


def can_view_case(user, case) -> bool:
    """The parties, the assigned arbitrator, supervisors, regulators (read-only) and support."""
    role = _role(user)
    if role in (Role.supervisor, Role.regulator, Role.support):
        return True
    if role == Role.buyer:
        return case.buyer_id == user.id
    if role == Role.merchant_staff:
        return case.merchant_id == user.merchant_id
    if role == Role.arbitrator:
        return case.arbitrator_id == user.id
    return False


def can_list_cases(user) -> bool:
    return _role(user) in (Role.buyer, Role.merchant_staff, Role.arbitrator, Role.supervisor, Role.regulator,
                           Role.support)


def can_read_defaults(user) -> bool:
    return _role(user) is not None


def can_filter_by_merchant(user) -> bool:
    return _role(user) in (Role.arbitrator, Role.supervisor, Role.regulator, Role.support)


def can_filter_oversight(user) -> bool:
    """Date range, outcome, missed deadlines, escalations: supervisors and regulators."""
    return _role(user) in (Role.supervisor, Role.regulator)
