"""What each role should look at first (read-only queries)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from arbitration import clock
from arbitration.auth.models import LoginAttempt, Role, User
from arbitration.calendar.models import CalendarYear
from arbitration.db import db
from arbitration.deadlines import services as deadlines
from arbitration.deadlines.models import Deadline
from arbitration.rulings import drafts as ruling_drafts
from arbitration.rulings.models import Ruling

RULINGS_NOT_READY_SHOWN = 20
DRAFTS_SHOWN = 20


@dataclass
class Attention:
    deadlines: list = field(default_factory=list)     # pending deadlines this person must act on
    figures: dict[str, int] = field(default_factory=dict)
    calendar_next_year_known: bool | None = None
    next_year: int | None = None
    rulings_not_ready: list = field(default_factory=list)   # issued rulings whose PDF is not ready, with why
    # draft rulings: waiting for a supervisor (supervisors), back from one (their arbitrator)
    drafts_to_review: list = field(default_factory=list)
    drafts_back: list = field(default_factory=list)


def attention_for(user: User, now: dt.datetime | None = None) -> Attention:
    now = now or clock.now_utc()
    out = Attention(deadlines=deadlines.awaiting(user))
    if user.role == Role.supervisor:
        out.drafts_to_review = ruling_drafts.waiting_for_review(limit=DRAFTS_SHOWN)
    if user.role == Role.arbitrator:
        out.drafts_back = ruling_drafts.needing_the_author(user, limit=DRAFTS_SHOWN)
    if user.role in (Role.admin, Role.supervisor, Role.arbitrator):
        out.next_year = now.year + 1
        out.calendar_next_year_known = db.session.get(CalendarYear, out.next_year) is not None
    if user.role == Role.admin:
        session = db.session
        out.figures = {
            "active_users": session.scalar(sa.select(sa.func.count()).select_from(User).where(User.active)),
            "disabled_users": session.scalar(sa.select(sa.func.count()).select_from(User).where(~User.active)),
            "overdue_deadlines": session.scalar(sa.select(sa.func.count()).select_from(Deadline).where(
                Deadline.state == "pending", Deadline.due_at < now - dt.timedelta(minutes=5))),
            "failed_deadlines": session.scalar(sa.select(sa.func.count()).select_from(Deadline).where(
                Deadline.state == "failed")),
            "failed_logins_24h": session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(
                LoginAttempt.at > now - dt.timedelta(hours=24))),
        }
        out.rulings_not_ready = list(session.scalars(sa.select(Ruling).where(Ruling.pdf_state != "ready")
                                                     .order_by(Ruling.issued_at, Ruling.id)
                                                     .limit(RULINGS_NOT_READY_SHOWN)))
    return out
