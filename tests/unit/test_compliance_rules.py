"""The merchant compliance score's formula (pure): 100 less each element's weight times its rate per case,
floored at 0, no score below the minimum number of cases; and the months of the period."""
from __future__ import annotations

import datetime as dt

import pytest

from arbitration.oversight import compliance_rules as cr
from arbitration.oversight.compliance_rules import Record


def test_a_clean_record_scores_full_marks():
    assert Record(10, {}).score == 100.0


def test_each_element_takes_its_weight_times_its_rate_off():
    # 10 cases: 2 missed (30 × 0.2 = 6), 1 hidden fee (40 × 0.1 = 4), 5 upheld (20 × 0.5 = 10)
    record = Record(10, {"missed": 2, "hidden_fee": 1, "upheld": 5})
    assert record.penalty("missed") == pytest.approx(6) and record.penalty("upheld") == pytest.approx(10)
    assert record.score == 80.0


def test_a_big_merchant_with_the_same_rates_scores_the_same_as_a_small_one():
    small = Record(5, {"upheld": 2, "remedy_late": 1})
    big = Record(500, {"upheld": 200, "remedy_late": 100})
    assert small.score == big.score == round(100 - 20 * 0.4 - 40 * 0.2, 1)


def test_the_score_never_goes_below_zero():
    everything = {e: 5 for e in cr.ELEMENTS}
    assert Record(5, everything).score == 0.0


def test_below_the_minimum_number_of_cases_there_is_no_score():
    assert Record(cr.MIN_CASES - 1, {"upheld": 4}).score is None
    assert not Record(cr.MIN_CASES - 1, {}).scored and Record(cr.MIN_CASES, {}).scored
    assert Record(0, {}).rate("upheld") is None and Record(0, {}).penalty("upheld") is None


def test_the_score_is_rounded_to_one_decimal():
    assert Record(6, {"missed": 1}).score == 95.0            # 100 − 30/6
    assert Record(7, {"upheld": 1}).score == 97.1            # 100 − 20/7 = 97.142…


def test_every_element_has_a_weight():
    assert set(cr.WEIGHTS) == set(cr.ELEMENTS)


def test_the_worst_score_comes_first_and_unscored_merchants_last():
    records = {"a": Record(10, {"upheld": 5}), "b": Record(10, {"upheld": 1}), "c": Record(2, {"upheld": 2}),
               "d": Record(20, {"upheld": 10})}
    # a and d tie at 90: the bigger one first
    assert cr.worst_first(records, {"a": "甲", "b": "乙", "c": "丙", "d": "丁"}) == ["d", "a", "b", "c"]


@pytest.mark.parametrize("raw, month", [("2026-10", dt.date(2026, 10, 1)), (" 2027-01 ", dt.date(2027, 1, 1))])
def test_a_month_reads_as_year_dash_month(raw, month):
    assert cr.parse_month(raw) == month


@pytest.mark.parametrize("raw", ["", "2026-13", "2026-00", "2026-1", "26-10", "2026/10", "二〇二六-10", "2026-10-01",
                                 "1999-12"])
def test_anything_else_is_not_a_month(raw):
    assert cr.parse_month(raw) is None


def test_the_months_between_two_dates_cross_the_new_year():
    assert cr.months_between(dt.date(2026, 11, 15), dt.date(2027, 2, 28)) == [
        dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1)]
