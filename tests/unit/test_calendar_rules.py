"""Working-day arithmetic over the official schedule (no Flask, no database)."""
import datetime as dt

import chinese_calendar
import pytest

from arbitration.calendar.rules import BusinessCalendar, split_duration, time_left

UTC = dt.timezone.utc


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(scope="module")
def cal() -> BusinessCalendar:
    years = {d.year for d in chinese_calendar.holidays}
    return BusinessCalendar(
        known_years=frozenset(years),
        holidays=frozenset(d for d in chinese_calendar.holidays if d.weekday() < 5),
        workdays=frozenset(d for d in chinese_calendar.workdays if d.weekday() >= 5),
    )


def test_three_working_days_from_sept_30_skip_national_day_and_count_the_make_up_saturday(cal):
    due = cal.add_working_days(shanghai(2026, 9, 30, 15, 0), 3)
    # Oct 1-7 are holidays; Oct 8 (Thu), Oct 9 (Fri) and the make-up Saturday Oct 10 are worked
    assert due.at == shanghai(2026, 10, 10, 15, 0)
    assert due.at.tzinfo == UTC
    assert due.fell_back is False


def test_the_make_up_saturday_is_a_working_day_and_the_holiday_weekdays_are_not(cal):
    assert cal.is_working_day(dt.date(2026, 10, 10))
    assert not cal.is_working_day(dt.date(2026, 10, 5))   # a Monday inside the holiday
    assert not cal.is_working_day(dt.date(2026, 10, 11))  # an ordinary Sunday
    assert cal.is_working_day(dt.date(2026, 10, 12))


def test_a_year_the_package_does_not_cover_falls_back_to_weekends_and_says_so(cal):
    due = cal.add_working_days(shanghai(2030, 9, 30, 9, 0), 3)  # Monday
    assert due.at == shanghai(2030, 10, 3, 9, 0)                 # weekends only: Tue, Wed, Thu
    assert due.fell_back is True
    assert due.fallback_years == (2030,)


def test_a_deadline_crossing_into_an_unknown_year_is_flagged(cal):
    last_known = max(cal.known_years)
    due = cal.add_working_days(shanghai(last_known, 12, 30, 9, 0), 5)
    assert due.fell_back is True
    assert due.fallback_years == (last_known + 1,)


def test_five_working_days_skip_a_weekend(cal):
    due = cal.add_working_days(shanghai(2026, 11, 26, 10, 0), 5)  # Thursday
    assert due.at == shanghai(2026, 12, 3, 10, 0)


def test_working_days_can_be_counted_backwards_for_reminders(cal):
    due = cal.add_working_days(shanghai(2026, 10, 8, 10, 0), -1)  # the day before Oct 8 that is worked
    assert due.at == shanghai(2026, 9, 30, 10, 0)


def test_a_start_on_a_holiday_counts_from_the_next_working_day(cal):
    due = cal.add_working_days(shanghai(2026, 10, 3, 11, 0), 1)
    assert due.at == shanghai(2026, 10, 8, 11, 0)


def test_hours_are_calendar_hours_through_nights_and_holidays(cal):
    due = cal.add_hours(shanghai(2026, 9, 30, 20, 0), 48)
    assert due.at == shanghai(2026, 10, 2, 20, 0)
    assert due.fell_back is False


def test_a_naive_start_is_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(dt.datetime(2026, 9, 30, 10, 0), 1)


def test_time_left_never_goes_below_zero():
    now = dt.datetime(2026, 10, 1, tzinfo=UTC)
    assert time_left(now + dt.timedelta(hours=5), now) == dt.timedelta(hours=5)
    assert time_left(now - dt.timedelta(hours=5), now) == dt.timedelta(0)


def test_durations_split_into_days_hours_minutes():
    assert split_duration(dt.timedelta(days=2, hours=3, minutes=4, seconds=59)) == (2, 3, 4)


@pytest.mark.parametrize("earlier, later, n", [
    (shanghai(2026, 10, 9, 15, 0), shanghai(2026, 10, 12, 9, 0), 2),    # the make-up Saturday and Monday
    (shanghai(2026, 9, 30, 23, 0), shanghai(2026, 10, 8, 1, 0), 1),     # over National Day: Oct 8 only
    (shanghai(2026, 10, 12, 8, 0), shanghai(2026, 10, 12, 20, 0), 0),   # the same day
])
def test_working_days_between_undoes_adding_them(cal, earlier, later, n):
    assert cal.working_days_between(earlier, later) == n
    # each `earlier` is on a working day: counting back n from `later` lands on it (a reminder's distance)
    assert cal.add_working_days(later, -n).at.astimezone(earlier.tzinfo).date() == earlier.date()
