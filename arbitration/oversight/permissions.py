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
