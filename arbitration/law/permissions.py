"""Who may read and change the law library."""
from __future__ import annotations

from arbitration.auth.models import Role
from arbitration.auth.permissions import role_of as _role


def can_read_law(user) -> bool:
    """Everyone signed in: the parties read the provisions their ruling cites."""
    return _role(user) is not None


def can_manage_law(user) -> bool:
    return _role(user) == Role.admin
