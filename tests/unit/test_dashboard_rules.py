"""The dashboard's arithmetic: periods, the period before, changes, medians, shares, the last twelve months."""
import datetime as dt

import pytest

from arbitration.oversight.rules import Period, change_percent, last_days, last_months, median, share_percent

D = dt.date


@pytest.mark.parametrize("today, days, first", [
    (D(2026, 12, 1), 30, D(2026, 11, 2)),
    (D(2026, 3, 1), 1, D(2026, 3, 1)),
    (D(2024, 3, 1), 30, D(2024, 2, 1)),       # across a leap February (29 days)
])
def test_the_last_days_end_today_and_count_today(today, days, first):
    assert last_days(today, days) == Period(first, today)
    assert last_days(today, days).days == days


@pytest.mark.parametrize("period, before", [
    (Period(D(2026, 11, 2), D(2026, 12, 1)), Period(D(2026, 10, 3), D(2026, 11, 1))),
    (Period(D(2026, 1, 1), D(2026, 1, 1)), Period(D(2025, 12, 31), D(2025, 12, 31))),
    (Period(D(2026, 3, 1), D(2026, 3, 31)), Period(D(2026, 1, 29), D(2026, 2, 28))),
])
def test_the_previous_period_has_the_same_length_and_ends_the_day_before(period, before):
    assert period.previous() == before
    assert before.days == period.days


@pytest.mark.parametrize("current, previous, change", [
    (12, 10, 20.0), (5, 10, -50.0), (10, 10, 0.0), (3, 0, None), (0, 0, None), (None, 4, None), (4, None, None),
    (1, 3, -66.7), (2.5, 2.0, 25.0),
])
def test_the_change_is_in_per_cent_of_the_previous_value_and_none_without_one(current, previous, change):
    assert change_percent(current, previous) == change


@pytest.mark.parametrize("values, middle", [
    ([], None), ([4], 4.0), ([3, 1, 2], 2.0), ([4, 1, 3, 2], 2.5), ([0.5, 0.5], 0.5), ([10, 1], 5.5),
])
def test_the_median_is_the_middle_value_or_the_mean_of_the_middle_two(values, middle):
    assert median(values) == middle


@pytest.mark.parametrize("part, whole, share", [(1, 4, 25.0), (0, 3, 0.0), (2, 3, 66.7), (0, 0, None)])
def test_a_share_is_in_per_cent_and_none_of_nothing(part, whole, share):
    assert share_percent(part, whole) == share


def test_the_last_twelve_months_run_oldest_first_to_the_current_month_across_the_year():
    months = last_months(D(2026, 2, 10))
    assert len(months) == 12
    assert months[0] == Period(D(2025, 3, 1), D(2025, 3, 31))
    assert months[-2] == Period(D(2026, 1, 1), D(2026, 1, 31))
    assert months[-1] == Period(D(2026, 2, 1), D(2026, 2, 28))
    assert all(b.first == a.last + dt.timedelta(days=1) for a, b in zip(months, months[1:]))


def test_december_ends_on_the_thirty_first():
    assert last_months(D(2026, 12, 31), 1) == [Period(D(2026, 12, 1), D(2026, 12, 31))]
