"""A calendar change recomputes the pending deadlines that were counted without that year's holidays.

A deadline in working days stores its start and its number of working days; while the calendar lacked a year it
touches, it was counted weekends-only (`calendar_fallback`). When an admin enters a day of that year or declares
the year complete, it is counted again from the same start, in the admin's transaction: its reminder keeps its
distance in working days, the subject's chain records the change, and `rescheduled` tells whoever listens
(notifications) when the date moved.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration.audit import events
from arbitration.audit.services import record_event
from arbitration.calendar import services as calendar
from arbitration.calendar.rules import BusinessCalendar
from arbitration.clock import CHINA
from arbitration.db import db
from arbitration.deadlines.models import Deadline
from arbitration.deadlines.services import PENDING, touched
from arbitration.hooks import Hook

# rescheduled(deadline, was, now): a calendar change moved a pending deadline's due time from `was`
rescheduled = Hook("deadlines.rescheduled")
events.declare({"deadline.recomputed": _l("A deadline was counted again with the year's holidays")})


def year_span(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The year's first instant and the next year's, in China's days (the days working days are counted in)."""
    return (dt.datetime(year, 1, 1, tzinfo=CHINA).astimezone(dt.timezone.utc),
            dt.datetime(year + 1, 1, 1, tzinfo=CHINA).astimezone(dt.timezone.utc))


def fallback_deadlines(year: int) -> list[Deadline]:
    """Pending deadlines counted weekends-only whose span (start to due) touches `year`, locked in id order (a
    deadline before its case, as the sweep and `lock_case` take them)."""
    first, next_first = year_span(year)
    return list(db.session.scalars(
        sa.select(Deadline).where(Deadline.state == PENDING, Deadline.calendar_fallback.is_(True),
                                  Deadline.working_days.is_not(None), Deadline.started_at < next_first,
                                  Deadline.due_at >= first)
        .order_by(Deadline.id).with_for_update().execution_options(populate_existing=True)))


def recount(deadline: Deadline, before: BusinessCalendar, after: BusinessCalendar, actor, now: dt.datetime,
            year: int) -> bool:
    """Count the deadline again on `after`; True if anything stored changed."""
    due = after.add_working_days(deadline.started_at, deadline.working_days)
    was, was_fallback = deadline.due_at, deadline.calendar_fallback
    if due.at == was and due.fell_back == was_fallback:
        return False
    if deadline.remind_at is not None and due.at != was:
        # the reminder stays as many working days before the deadline as it was (cases: one)
        ahead = before.working_days_between(deadline.remind_at, was)
        deadline.remind_at = after.add_working_days(due.at, -ahead).at
        if deadline.reminded_at is not None and deadline.remind_at > now:
            deadline.reminded_at = None  # reminded for the old date: remind again at the new reminder time
    deadline.due_at, deadline.calendar_fallback = due.at, due.fell_back
    db.session.flush()
    record_event(deadline.subject_type, deadline.subject_id, actor, "deadline.recomputed",
                 {"deadline_id": deadline.id, "kind": deadline.kind, "year": year, "from": was.isoformat(),
                  "to": due.at.isoformat(), "calendar_fallback": due.fell_back,
                  "fallback_years": list(due.fallback_years)}, now=now)
    if due.at != was:
        touched(deadline.subject_type, deadline.subject_id)
        rescheduled(deadline, was, now)
    return True


@calendar.changed.register
def recompute_after_calendar_change(year: int, before: BusinessCalendar, after: BusinessCalendar, actor,
                                    now: dt.datetime) -> int:
    """The deadlines counted without `year`'s holidays, counted again; how many changed."""
    return sum(recount(d, before, after, actor, now, year) for d in fallback_deadlines(year))
