"""Who may read and download rulings: a ruling relates to people as its case does, and whoever issued a ruling
on a case (a first-round arbitrator, after a reconsideration went to another) keeps reading it and its files."""
from __future__ import annotations

import sqlalchemy as sa

from arbitration import access
from arbitration.access import Relation
from arbitration.auth.models import Role
from arbitration.auth.permissions import role_of
from arbitration.cases import permissions as case_permissions  # noqa: F401  (the case ties rulings go through)
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.orders.models import Order
from arbitration.rulings.models import Ruling, RulingDraft

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


# a draft is its author's while the case is still theirs, and the supervisors': never the parties', support's,
# admins' or regulators' (it is not part of the record until issued)
access.tie(RulingDraft, Relation.arbitrator, Role.arbitrator,
           clause=lambda user: sa.and_(RulingDraft.author_id == user.id, RulingDraft.case_id.in_(
               sa.select(Case.id).where(Case.arbitrator_id == user.id))),
           holds=lambda user, draft: draft.author_id == user.id
           and db.session.scalar(sa.select(Case.arbitrator_id).where(Case.id == draft.case_id)) == user.id)
access.viewers(RulingDraft, {Relation.arbitrator, Relation.supervisor})


def can_read_draft(user, draft: RulingDraft) -> bool:
    return access.may_view(user, draft)


def can_review_draft(user, draft: RulingDraft) -> bool:
    return access.may(user, draft, {Relation.supervisor})


def can_review_drafts(user) -> bool:
    """The list of drafts waiting for a supervisor."""
    return role_of(user) == Role.supervisor


def can_set_four_eyes(user) -> bool:
    return role_of(user) in (Role.supervisor, Role.admin)
