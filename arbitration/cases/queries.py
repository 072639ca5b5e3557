"""Case lists: whose cases, filters, search, and keyset pages ordered by the running deadline."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from arbitration.auth.models import Role, User
from arbitration.cases import filters
from arbitration.cases.filters import CaseFilter
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.deadlines.models import Deadline
from arbitration.pagination import Page, decode, encode

PAGE_SIZE = 20
FAR_FUTURE = dt.datetime(9999, 1, 1, tzinfo=dt.timezone.utc)   # cases with nothing running sort last


def case_list(user: User, f: CaseFilter = CaseFilter(), *, cursor: str | None = None
              ) -> tuple[Page, dict[int, Deadline]]:
    """The cases `user` may list, the nearest deadline first; returns the page and each case's deadline."""
    due = (sa.select(sa.func.min(Deadline.due_at))
           .where(Deadline.subject_type == "case", Deadline.subject_id == sa.cast(Case.id, sa.String),
                  Deadline.state == "pending").correlate(Case).scalar_subquery())
    due_key = sa.func.coalesce(due, sa.literal(FAR_FUTURE, Deadline.due_at.type))
    stmt = sa.select(Case, due_key.label("due"))
    if user.role == Role.buyer:
        stmt = stmt.where(Case.buyer_id == user.id)
    elif user.role == Role.merchant_staff:
        stmt = stmt.where(Case.merchant_id == user.merchant_id)
    elif user.role == Role.arbitrator:
        stmt = stmt.where(Case.arbitrator_id == user.id)
    stmt = filters.apply(stmt, f)
    after = decode(cursor)
    if after:
        stmt = stmt.where(sa.tuple_(due_key, Case.id) > sa.tuple_(sa.literal(after[0], Deadline.due_at.type),
                                                                  sa.literal(after[1])))
    rows = db.session.execute(stmt.order_by(due_key, Case.id).limit(PAGE_SIZE + 1)).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    cases = [r[0] for r in rows]
    next_cursor = encode(rows[-1][1], rows[-1][0].id) if more else None
    running = {}
    if cases:
        for d in db.session.scalars(sa.select(Deadline).where(
                Deadline.subject_type == "case", Deadline.subject_id.in_([str(c.id) for c in cases]),
                Deadline.state == "pending")):
            cid = int(d.subject_id)
            if cid not in running or d.due_at < running[cid].due_at:
                running[cid] = d
    return Page(cases, next_cursor), running
