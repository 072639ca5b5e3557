"""Case lists: whose cases, filters, search, and keyset pages ordered by the running deadline."""
from __future__ import annotations

import sqlalchemy as sa

from arbitration.auth.models import Role, User
from arbitration.cases import filters
from arbitration.cases.filters import CaseFilter
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.deadlines.models import Deadline
from arbitration.pagination import Page, decode, encode

PAGE_SIZE = 20


def case_list(user: User, f: CaseFilter = CaseFilter(), *, cursor: str | None = None
              ) -> tuple[Page, dict[int, Deadline]]:
    """The cases `user` may list, the nearest deadline first; returns the page and each case's deadline.

    Ordered by the stored sort key (Case.queue_due_at, id), so every page, the first or the thousandth, is a
    range of one of the ix_cases_*queue indexes after the cursor: never an OFFSET, never a sort of all rows."""
    stmt = sa.select(Case)
    if user.role == Role.buyer:
        stmt = stmt.where(Case.buyer_id == user.id)
    elif user.role == Role.merchant_staff:
        stmt = stmt.where(Case.merchant_id == user.merchant_id)
    elif user.role == Role.arbitrator:
        stmt = stmt.where(Case.arbitrator_id == user.id)
    stmt = filters.apply(stmt, f)
    after = decode(cursor)
    if after:
        due = sa.literal(after[0], Case.queue_due_at.type)
        # the first condition is implied by the second; it is there for the planner, which estimates a row
        # comparison from its first column alone (strictly after 9999-01-01: "no rows", when most closed cases
        # sort there) and then walked the wrong index
        stmt = stmt.where(Case.queue_due_at >= due,
                          sa.tuple_(Case.queue_due_at, Case.id) > sa.tuple_(due, sa.literal(after[1])))
    cases = list(db.session.scalars(stmt.order_by(Case.queue_due_at, Case.id).limit(PAGE_SIZE + 1)))
    more = len(cases) > PAGE_SIZE
    cases = cases[:PAGE_SIZE]
    next_cursor = encode(cases[-1].queue_due_at, cases[-1].id) if more else None
    running = {}
    if cases:
        for d in db.session.scalars(sa.select(Deadline).where(
                Deadline.subject_type == "case", Deadline.subject_id.in_([str(c.id) for c in cases]),
                Deadline.state == "pending")):
            cid = int(d.subject_id)
            if cid not in running or d.due_at < running[cid].due_at:
                running[cid] = d
    return Page(cases, next_cursor), running
