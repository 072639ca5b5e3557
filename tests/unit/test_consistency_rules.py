"""Consistency figures: shares against the peers, reversals, time to ruling, and who is far from the peers."""
from __future__ import annotations

import pytest

from arbitration.consistency import rules
from arbitration.consistency.rules import Decided, figures


def decided(arb, decision, n, category="invalid_code", hours=24.0, reconsidered=0, reversed_=0):
    out = []
    for i in range(n):
        out.append(Decided(arb, category, decision, f"ARB-2026-{arb:02d}{len(decision)}{i:03d}", hours,
                           i < reconsidered, i < reversed_))
    return out


def test_shares_are_set_against_the_other_arbitrators_on_the_same_category():
    rows = decided(1, "upheld", 8) + decided(1, "dismissed", 2) + decided(2, "upheld", 5) + decided(2, "dismissed", 5) \
        + decided(3, "dismissed", 4, category="fraud")
    first = next(f for f in figures(rows) if f.arbitrator_id == 1)
    assert (first.n, first.peer_n) == (10, 10)
    assert first.shares == {"upheld": 0.8, "partly_upheld": 0.0, "dismissed": 0.2}
    assert first.peer_shares == {"upheld": 0.5, "partly_upheld": 0.0, "dismissed": 0.5}
    fraud = next(f for f in figures(rows) if f.category == "fraud")
    assert fraud.peer_n == 0 and fraud.peer_median_hours is None and fraud.outlier_because == []


@pytest.mark.parametrize("own, peers, expected", [
    ((9, 1), (5, 5), ["upheld", "dismissed"]),       # 90 % against 50 %: 40 points apart
    ((7, 3), (5, 5), []),                            # 20 points: within the band
    ((8, 2), (6, 4), []),                            # 20 points
    ((8, 2), (5, 5), ["upheld", "dismissed"]),       # 30 points
])
def test_an_arbitrator_far_from_the_peers_is_an_outlier(own, peers, expected):
    rows = decided(1, "upheld", own[0]) + decided(1, "dismissed", own[1]) \
        + decided(2, "upheld", peers[0]) + decided(2, "dismissed", peers[1])
    first = next(f for f in figures(rows) if f.arbitrator_id == 1)
    assert first.outlier_because == expected


def test_too_few_decisions_say_nothing_about_a_person():
    rows = decided(1, "upheld", rules.MIN_CASES - 1) + decided(2, "dismissed", 30)
    assert next(f for f in figures(rows) if f.arbitrator_id == 1).outlier_because == []


def test_reversals_on_reconsideration_and_time_to_ruling():
    rows = decided(1, "upheld", 10, hours=48, reconsidered=4, reversed_=3) \
        + decided(2, "upheld", 10, hours=24, reconsidered=5, reversed_=0)
    first = next(f for f in figures(rows) if f.arbitrator_id == 1)
    assert first.reversal_rate == 0.75 and first.peer_reversal_rate == 0.0
    assert first.median_hours == 48 and first.peer_median_hours == 24
    assert first.outlier_because == ["reversal"]
    assert len(first.cases) == 10
