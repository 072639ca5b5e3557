"""Who may see a case and act on it: the access ties of cases (and of orders through their cases), and named
predicates that views and templates ask."""
from __future__ import annotations

import sqlalchemy as sa

from arbitration import access
from arbitration.access import Relation
from arbitration.auth.models import Role
from arbitration.auth.permissions import role_of as _role
from arbitration.cases.models import Case
from arbitration.cases.workflow import CaseRole
from arbitration.orders import permissions as order_permissions  # noqa: F401  (the order ties)
from arbitration.orders.models import Order

access.tie(Case, Relation.buyer, Role.buyer, column=Case.buyer_id, value=lambda user: user.id)
access.tie(Case, Relation.merchant_staff, Role.merchant_staff, column=Case.merchant_id,
           value=lambda user: user.merchant_id)
access.tie(Case, Relation.arbitrator, Role.arbitrator, column=Case.arbitrator_id, value=lambda user: user.id)
# the arbitrator of a case on an order reads the order's files (its requests' evidence)
access.tie(Order, Relation.arbitrator, Role.arbitrator,
           clause=lambda user: Order.id.in_(sa.select(Case.order_id).where(Case.arbitrator_id == user.id)))
# the parties, the assigned arbitrator, supervisors, regulators (read-only) and support
access.viewers(Case, {Relation.buyer, Relation.merchant_staff, Relation.arbitrator, Relation.supervisor,
                      Relation.regulator, Relation.support})

CASE_ROLES = {Relation.buyer: CaseRole.buyer, Relation.merchant_staff: CaseRole.merchant,
              Relation.arbitrator: CaseRole.arbitrator, Relation.supervisor: CaseRole.supervisor,
              Relation.support: CaseRole.support}


def case_role(user, case: Case) -> CaseRole | None:
    """Who `user` is on this case for its lifecycle table (None: no part in it; the system when no user)."""
    if user is None:
        return CaseRole.system
    found = access.relations(user, case)
    return next((role for relation, role in CASE_ROLES.items() if relation in found), None)


def can_view_case(user, case: Case) -> bool:
    return access.may_view(user, case)


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


def reads_all_messages(user, case: Case) -> bool:
    """The case's arbitrator and supervisors read the messages sent to the arbitrator only."""
    return access.may(user, case, {Relation.arbitrator, Relation.supervisor})
