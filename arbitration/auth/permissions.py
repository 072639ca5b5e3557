"""Named permission predicates (CONVENTIONS #6): views and templates ask these, nothing else."""
from __future__ import annotations

import functools

from flask import abort
from flask_login import current_user, login_required

from arbitration.auth.models import Role

STAFF_ROLES = frozenset({Role.support, Role.arbitrator, Role.supervisor, Role.admin})


def role_of(user) -> Role | None:
    """The signed-in user's role; None for an anonymous visitor. Every feature's predicates start here."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


_role = role_of


def can_manage_users(user) -> bool:
    return _role(user) == Role.admin


def can_manage_merchants(user) -> bool:
    return _role(user) == Role.admin


def can_manage_calendar(user) -> bool:
    return _role(user) == Role.admin


def can_view_calendar(user) -> bool:
    return _role(user) in {Role.admin, Role.supervisor, Role.arbitrator, Role.support}


def can_view_audit(user) -> bool:
    return _role(user) in {Role.admin, Role.supervisor, Role.regulator}


def is_platform_staff(user) -> bool:
    return _role(user) in STAFF_ROLES


def require(predicate):
    """View decorator: log in first, then 403 unless `predicate(current_user)` holds."""
    def decorate(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorate
