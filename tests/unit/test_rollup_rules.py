"""The roll-ups' arithmetic: a case's contributions, the difference when its facts change, the median read from
counts."""
import datetime as dt
import random
import statistics

import pytest

from arbitration.oversight import rollup_rules as rr

D = dt.date
UTC = dt.timezone.utc


def facts(**over) -> rr.Facts:
    base = dict(opened_day=D(2026, 10, 1), merchant_id=7, category="not_delivered", outcome="",
                measures={"met": 2, "applied": 1, "missed": 1}, ruling_tenths=None, days={})
    return rr.Facts(**{**base, **over})


def test_an_open_case_adds_one_case_and_its_measures_to_its_opening_day_and_counts_as_opened_that_day():
    out = rr.contributions(facts())
    assert out[(rr.OPENED, (D(2026, 10, 1), 7, "not_delivered", ""))] == {
        "cases": 1, "met": 2, "applied": 1, "missed": 1, "hidden_fee": 0, "upheld": 0, "remedy_late": 0,
        "reversed": 0, "risk_lock": 0}
    assert out[(rr.TOTALS, (7, "not_delivered", ""))] == out[(rr.OPENED, (D(2026, 10, 1), 7, "not_delivered", ""))]
    assert out[(rr.DAILY, (D(2026, 10, 1), "opened"))] == {"n": 1}
    assert len(out) == 3


def test_a_ruled_case_adds_its_time_to_the_ruling_under_its_key_and_under_the_ruling_day():
    out = rr.contributions(facts(ruling_tenths=53, days={"ruled": D(2026, 10, 4)}))
    assert out[(rr.RULING_TIMES, (D(2026, 10, 1), 7, "not_delivered", "", 53))] == {"n": 1}
    assert out[(rr.DAILY_RULING_TIMES, (D(2026, 10, 4), 53))] == {"n": 1}
    assert out[(rr.DAILY, (D(2026, 10, 4), "ruled"))] == {"n": 1}


def test_closing_a_case_moves_it_from_the_open_outcome_to_its_outcome_and_adds_the_closing_day():
    before = facts()
    after = facts(outcome="ruled", days={"closed": D(2026, 10, 9)})
    change = rr.delta(before, after)
    assert change[(rr.OPENED, (D(2026, 10, 1), 7, "not_delivered", ""))]["cases"] == -1
    assert change[(rr.OPENED, (D(2026, 10, 1), 7, "not_delivered", "ruled"))]["cases"] == 1
    assert change[(rr.DAILY, (D(2026, 10, 9), "closed"))] == {"n": 1}
    assert (rr.DAILY, (D(2026, 10, 1), "opened")) not in change          # what did not move is left out


def test_unchanged_facts_change_nothing_and_a_new_case_adds_what_it_contributes():
    assert rr.delta(facts(), facts()) == {}
    assert rr.delta(None, facts()) == {place: dict(cols) for place, cols in rr.contributions(facts()).items()}
    assert all(c < 0 for cols in rr.delta(facts(), None).values() for c in cols.values() if c)


def test_deltas_of_many_cases_add_up_place_by_place_and_cancelling_ones_vanish():
    a, b = facts(), facts(merchant_id=8)
    total = rr.add_up([rr.delta(None, a), rr.delta(None, b), rr.delta(b, None)])
    assert total == {place: dict(cols) for place, cols in rr.contributions(a).items()}


@pytest.mark.parametrize("seed", range(30))
def test_the_median_of_counts_equals_the_median_of_the_values_written_out(seed):
    rng = random.Random(seed)
    values = [rng.randrange(0, 40) for _ in range(rng.randrange(1, 30))]
    counts = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    assert rr.median_of_counts(counts.items()) == statistics.median(values)


def test_the_median_of_nothing_is_none_and_empty_counts_are_ignored():
    assert rr.median_of_counts([]) is None
    assert rr.median_of_counts([(5, 0)]) is None
    assert rr.median_of_counts([(5, 0), (3, 1)]) == 3


def test_times_are_kept_in_tenths_of_an_hour_rounded_down_and_printed_in_hours_or_days():
    t0 = dt.datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    assert rr.tenths_of_hour(t0, t0 + dt.timedelta(minutes=59)) == 9
    assert rr.tenths_of_hour(t0, t0 + dt.timedelta(hours=5)) == 50
    assert rr.tenths_of_hour(t0, t0 - dt.timedelta(hours=1)) == 0
    assert rr.hours_median([(50, 1), (52, 1)]) == 5.1
    assert rr.hours_median([(53, 3)]) == 5.3
    assert rr.days_median([(240 * 3, 2)]) == 3.0
    assert rr.days_median([]) is None
