"""Case lists: whose cases, filters, search, and keyset pages ordered by the running deadline."""
from __future__ import annotations

import sqlalchemy as sa

from arbitration import access
from arbitration.auth.models import User
from arbitration.cases import filters
from arbitration.cases.filters import CaseFilter
from arbitration.cases import permissions  # noqa: F401  (the ties of cases: who sees which)
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
    stmt = sa.select(Case).where(access.visible(user, Case))
    # whose cases, when one column says it (a buyer's: buyer_id = theirs): the key of that role's list index
    scope = access.owner_key(user, Case)
    if scope is None and f.merchant_id:     # staff and regulators looking at one merchant: that merchant's index
        scope = (Case.merchant_id, f.merchant_id)
    stmt = filters.apply(stmt, f)
    after = decode(cursor)
    if after:
        due, after_id = sa.literal(after[0], Case.queue_due_at.type), sa.literal(after[1])
        # PostgreSQL estimates a row comparison from its first column alone; "after 9999-01-01" (where the
        # closed cases sort) looked empty and the planner walked the whole-list index, filtering by role
        if scope:   # the role's column leads: only that role's index (…_queue) can serve the comparison
            stmt = stmt.where(sa.tuple_(scope[0], Case.queue_due_at, Case.id)
                              > sa.tuple_(sa.literal(scope[1]), due, after_id))
        else:       # a plain bound the planner can estimate, implied by the comparison
            stmt = stmt.where(Case.queue_due_at >= due,
                              sa.tuple_(Case.queue_due_at, Case.id) > sa.tuple_(due, after_id))
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
