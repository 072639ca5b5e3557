"""Reading the first-round decisions a period holds, for the consistency figures (rules.py)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from arbitration.auth.models import User
from arbitration.cases.models import Case
from arbitration.consistency import rules
from arbitration.db import db
from arbitration.rulings.models import Ruling


def decided(since: dt.datetime, until: dt.datetime, category: str = "") -> list[rules.Decided]:
    """The reasoned first-round decisions issued in [since, until), with what a reconsideration made of each."""
    later = aliased(Ruling)
    stmt = (sa.select(Ruling.issued_by_id, Case.category, Ruling.decision, Case.number, Case.opened_at,
                      Ruling.issued_at, later.decision.label("later_decision"))
            .join(Case, Case.id == Ruling.case_id)
            .outerjoin(later, sa.and_(later.case_id == Ruling.case_id, later.round == 2))
            .where(Ruling.round == 1, Ruling.kind == "reasoned", Ruling.issued_by_id.is_not(None),
                   Ruling.issued_at >= since, Ruling.issued_at < until))
    if category:
        stmt = stmt.where(Case.category == category)
    return [rules.Decided(r.issued_by_id, r.category, r.decision, r.number,
                          (r.issued_at - r.opened_at).total_seconds() / 3600, r.later_decision is not None,
                          r.later_decision is not None and r.later_decision != r.decision)
            for r in db.session.execute(stmt)]


def names(ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return {u.id: u.display_name or u.username for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
