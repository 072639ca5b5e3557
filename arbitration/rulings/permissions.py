"""Who may read and download rulings: a ruling relates to people as its case does, and whoever issued a ruling
on a case (a first-round arbitrator, after a reconsideration went to another) keeps reading it and its files."""
from __future__ import annotations

import sqlalchemy as sa

from arbitration import access
from arbitration.access import Relation
from arbitration.auth.models import Role
from arbitration.cases import permissions as case_permissions  # noqa: F401  (the case ties rulings go through)
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.orders.models import Order
from arbitration.rulings.models import Ruling

access.tie(Case, Relation.former_arbitrator, Role.arbitrator,
           clause=lambda user: Case.id.in_(sa.select(Ruling.case_id).where(Ruling.issued_by_id == user.id)))
access.tie(Order, Relation.former_arbitrator, Role.arbitrator,
           clause=lambda user: Order.id.in_(sa.select(Case.order_id).join(Ruling, Ruling.case_id == Case.id)
                                            .where(Ruling.issued_by_id == user.id)))
access.through(Ruling, Case, Ruling.case_id, lambda ruling: db.session.get(Case, ruling.case_id))
# the parties, the case's arbitrators (assigned now, or who ruled on it), supervisors and regulators
access.viewers(Ruling, {Relation.buyer, Relation.merchant_staff, Relation.arbitrator, Relation.former_arbitrator,
                        Relation.supervisor, Relation.regulator})


def can_read_ruling(user, ruling: Ruling) -> bool:
    return access.may_view(user, ruling)


def can_read_rulings_of(user, case: Case) -> bool:
    return access.may(user, case, access.viewers_of(Ruling))


def can_write_ruling(user, case: Case) -> bool:
    """The ruling form: the case's arbitrator only (the lifecycle table then says whether it is time)."""
    return access.may(user, case, {Relation.arbitrator})
