"""Who may export dossiers and read statistics: regulators and supervisors (read-only oversight)."""
from __future__ import annotations

from arbitration.auth.models import Role
from arbitration.auth.permissions import role_of as _role


def can_export(user) -> bool:
    return _role(user) in (Role.regulator, Role.supervisor)


def can_read_stats(user) -> bool:
    return _role(user) in (Role.regulator, Role.supervisor, Role.admin)


def can_download_export(user, export) -> bool:
    """Only whoever asked for it."""
    return can_export(user) and export.requested_by_id == user.id


def can_export_unmasked(user) -> bool:
    """Personal information unmasked, for a stated legal basis and a list of cases: regulators only."""
    return _role(user) == Role.regulator


def can_read_compliance(user, merchant_id: int) -> bool:
    """A merchant's compliance page: whoever reads statistics, and that merchant's own staff."""
    return can_read_stats(user) or (_role(user) == Role.merchant_staff and user.merchant_id == merchant_id)


def has_own_compliance(user) -> bool:
    return _role(user) == Role.merchant_staff and user.merchant_id is not None


def may_see_some_compliance(user) -> bool:
    return can_read_stats(user) or has_own_compliance(user)
