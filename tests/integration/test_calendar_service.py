"""The calendar table: seeded from the package, extended by admins for years the package lacks."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from arbitration.audit.models import Event
from arbitration.calendar import services as calendar
from arbitration.calendar.models import CalendarDay
from arbitration.errors import Conflict, InvalidInput

SH = dt.timezone(dt.timedelta(hours=8))


def test_seeding_twice_adds_nothing_the_second_time(session):
    assert calendar.seed_from_package() == 0  # the session fixture seeded already
    assert session.get(CalendarDay, dt.date(2026, 10, 10)).kind == "workday"
    assert session.get(CalendarDay, dt.date(2026, 10, 1)).kind == "holiday"


def test_the_loaded_calendar_counts_national_day_and_its_make_up_saturday(session):
    due = calendar.load_calendar().add_working_days(dt.datetime(2026, 9, 30, 15, 0, tzinfo=SH), 3)
    assert due.at == dt.datetime(2026, 10, 10, 15, 0, tzinfo=SH)
    assert not due.fell_back


def test_working_days_are_counted_in_chinas_days_whatever_zone_the_pages_display(session, config):
    # 01:00 on the make-up Saturday 2026-10-10 in Shanghai is still Friday afternoon in New York: counted in
    # China's days, one working day later is Monday 2026-10-12 01:00 (not the Saturday, as New York's date says)
    config["DISPLAY_TIMEZONE"] = "America/New_York"
    due = calendar.load_calendar().add_working_days(dt.datetime(2026, 10, 10, 1, 0, tzinfo=SH), 1)
    assert due.at == dt.datetime(2026, 10, 12, 1, 0, tzinfo=SH)
    config["DISPLAY_TIMEZONE"] = "Asia/Shanghai"
    assert calendar.load_calendar().add_working_days(dt.datetime(2026, 10, 10, 1, 0, tzinfo=SH), 1) == due


def test_an_admin_enters_next_years_schedule_and_deadlines_stop_falling_back(session, personas):
    admin = personas["admin"]
    start = dt.datetime(2027, 2, 5, 10, 0, tzinfo=SH)  # a Friday before the 2027 Spring Festival
    before = calendar.load_calendar().add_working_days(start, 1)
    assert before.fell_back and before.at == dt.datetime(2027, 2, 8, 10, 0, tzinfo=SH)

    for day in range(8, 13):  # Mon 8 - Fri 12 February 2027 off
        calendar.add_day(admin, dt.date(2027, 2, day), "holiday", "春节")
    calendar.add_day(admin, dt.date(2027, 2, 20), "workday", "春节调休")
    calendar.mark_year_known(admin, 2027)

    after = calendar.load_calendar().add_working_days(start, 1)
    assert not after.fell_back
    assert after.at == dt.datetime(2027, 2, 15, 10, 0, tzinfo=SH)
    actions = session.scalars(sa.select(Event.action).where(Event.subject_type == "calendar",
                                                            Event.subject_id == "2027")).all()
    assert actions.count("calendar.day_added") == 6 and "calendar.year_known" in actions


@pytest.mark.parametrize("day, kind, error", [
    (dt.date(2027, 2, 6), "holiday", InvalidInput),   # a Saturday is a day off already
    (dt.date(2027, 2, 8), "workday", InvalidInput),   # a Monday is worked already
    (dt.date(2026, 10, 1), "holiday", Conflict),      # already in the official schedule
    (dt.date(2027, 2, 8), "birthday", InvalidInput),
])
def test_impossible_calendar_entries_are_refused_and_change_nothing(session, personas, day, kind, error):
    count = session.scalar(sa.select(sa.func.count()).select_from(CalendarDay))
    with pytest.raises(error):
        calendar.add_day(personas["admin"], day, kind, "")
    assert session.scalar(sa.select(sa.func.count()).select_from(CalendarDay)) == count


def test_official_days_cannot_be_removed_but_admin_entries_can(session, personas):
    admin = personas["admin"]
    with pytest.raises(Conflict):
        calendar.remove_day(admin, dt.date(2026, 10, 1))
    calendar.add_day(admin, dt.date(2027, 1, 1), "holiday", "元旦")
    calendar.remove_day(admin, dt.date(2027, 1, 1))
    assert session.get(CalendarDay, dt.date(2027, 1, 1)) is None


def test_a_year_cannot_be_declared_known_twice(session, personas):
    with pytest.raises(Conflict):
        calendar.mark_year_known(personas["admin"], 2026)
