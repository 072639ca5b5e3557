"""Calendar actions: seed from the chinesecalendar package, admin additions, loading for arithmetic."""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit import events
from arbitration.audit.services import record_event
from arbitration.calendar.models import CalendarDay, CalendarYear
from arbitration.calendar.rules import BusinessCalendar
from arbitration.db import db
from arbitration.errors import Conflict, InvalidInput
from arbitration.hooks import Hook

# changed(year, before, after, actor, now): an admin changed `year`'s schedule (a day added or removed, the year
# declared complete); `before` and `after` are the calendars either side of the change. Runs in the admin's
# transaction: the deadline engine recomputes what was counted without the year's holidays, orders the refunds'
# expected arrival.
changed = Hook("calendar.changed")


events.declare({
    "calendar.day_added": _l("A holiday or make-up working day was added"),
    "calendar.day_removed": _l("A day was removed from the calendar"),
    "calendar.year_known": _l("A year's schedule was marked complete"),
})


def package_years() -> range:
    years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    return range(years[0], years[-1] + 1)


def seed_from_package(now: dt.datetime | None = None) -> int:
    """Copy the package's special days into the table; never overwrites admin entries. Idempotent."""
    now = now or clock.now_utc()
    session = db.session
    existing = set(session.scalars(sa.select(CalendarDay.day)))
    added = 0
    for day, name in sorted(chinese_calendar.holidays.items()):
        if day.weekday() < 5 and day not in existing:
            session.add(CalendarDay(day=day, kind="holiday", name=str(name or ""), source="package", created_at=now))
            added += 1
    for day, name in sorted(chinese_calendar.workdays.items()):
        if day.weekday() >= 5 and day not in existing:
            session.add(CalendarDay(day=day, kind="workday", name=str(name or ""), source="package", created_at=now))
            added += 1
    known = set(session.scalars(sa.select(CalendarYear.year)))
    for year in package_years():
        if year not in known:
            session.add(CalendarYear(year=year, source="package", created_at=now))
    session.flush()
    return added


def load_calendar() -> BusinessCalendar:
    session = db.session
    rows = session.execute(sa.select(CalendarDay.day, CalendarDay.kind)).all()
    return BusinessCalendar(
        known_years=frozenset(session.scalars(sa.select(CalendarYear.year))),
        holidays=frozenset(d for d, k in rows if k == "holiday"),
        workdays=frozenset(d for d, k in rows if k == "workday"),
    )


def add_day(actor, day: dt.date, kind: str, name: str, now: dt.datetime | None = None) -> CalendarDay:
    """An admin enters a holiday or make-up working day (e.g. next year's schedule)."""
    now = now or clock.now_utc()
    if kind not in ("holiday", "workday"):
        raise InvalidInput(_l("Choose a holiday or a make-up working day."), field="kind")
    if kind == "holiday" and day.weekday() >= 5:
        raise InvalidInput(_l("%(day)s is a weekend day already; only weekdays can be holidays.", day=day),
                           field="day")
    if kind == "workday" and day.weekday() < 5:
        raise InvalidInput(_l("%(day)s is a weekday already; only weekend days can be make-up working days.",
                              day=day), field="day")
    if db.session.get(CalendarDay, day) is not None:
        raise Conflict(_l("%(day)s is already in the calendar.", day=day), field="day")
    before = load_calendar()
    row = CalendarDay(day=day, kind=kind, name=name.strip(), source="admin", created_at=now)
    db.session.add(row)
    db.session.flush()
    record_event("calendar", day.year, actor, "calendar.day_added",
                 {"day": day.isoformat(), "kind": kind, "name": row.name}, now=now)
    changed(day.year, before, load_calendar(), actor, now)
    return row


def remove_day(actor, day: dt.date, now: dt.datetime | None = None) -> None:
    now = now or clock.now_utc()
    row = db.session.get(CalendarDay, day)
    if row is None:
        raise InvalidInput(_l("%(day)s is not in the calendar.", day=day))
    if row.source != "admin":
        raise Conflict(_l("Days from the official schedule cannot be removed."))
    before = load_calendar()
    db.session.delete(row)
    db.session.flush()
    record_event("calendar", day.year, actor, "calendar.day_removed", {"day": day.isoformat()}, now=now)
    changed(day.year, before, load_calendar(), actor, now)


def mark_year_known(actor, year: int, now: dt.datetime | None = None) -> None:
    """Declare a year's schedule complete: from then on it is used instead of the weekend fallback."""
    now = now or clock.now_utc()
    if not 2000 <= year <= 2100:
        raise InvalidInput(_l("Enter a year between 2000 and 2100."), field="year")
    if db.session.get(CalendarYear, year) is not None:
        raise Conflict(_l("The schedule of %(year)s is already known.", year=year), field="year")
    before = load_calendar()
    db.session.add(CalendarYear(year=year, source="admin", created_at=now))
    db.session.flush()
    record_event("calendar", year, actor, "calendar.year_known", {"year": year}, now=now)
    changed(year, before, load_calendar(), actor, now)


def overview() -> list[dict]:
    """Per year: known or not, holidays and make-up days, for the admin page."""
    session = db.session
    years = {y.year: y for y in session.scalars(sa.select(CalendarYear))}
    days = session.scalars(sa.select(CalendarDay).order_by(CalendarDay.day)).all()
    by_year: dict[int, list[CalendarDay]] = {}
    for d in days:
        by_year.setdefault(d.day.year, []).append(d)
    out = []
    for year in sorted(set(years) | set(by_year), reverse=True):
        out.append({"year": year, "known": year in years, "source": years[year].source if year in years else None,
                    "days": by_year.get(year, [])})
    return out
