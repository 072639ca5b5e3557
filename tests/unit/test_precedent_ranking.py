"""Which past decisions are closest to a case, why, and when a decision departs from them: table-driven."""
from __future__ import annotations

import pytest

from arbitration.precedents.rank import Facts, Precedent, band, departure, rank, score

CASE = Facts("invalid_code", frozenset({"invalid_code"}), "full_refund", 100_00, 7, frozenset({"卡密", "无效", "兑换"}))


def facts(**changes) -> Facts:
    values = {"category": CASE.category, "findings": CASE.findings, "claim": CASE.claim,
              "amount_fen": CASE.amount_fen, "merchant_id": CASE.merchant_id, "words": CASE.words, **changes}
    return Facts(**values)


@pytest.mark.parametrize("other, expected", [
    (facts(), 3 + 3 + 1 + 1 + 0.5 + 2),                                        # the same in every respect
    (facts(category="non_delivery"), 3 + 1 + 1 + 0.5 + 2),
    (facts(findings=frozenset({"invalid_code", "fraud"})), 3 + 1.5 + 1 + 1 + 0.5 + 2),
    (facts(findings=frozenset()), 3 + 1 + 1 + 0.5 + 2),
    (facts(claim="partial_refund"), 3 + 3 + 1 + 0.5 + 2),
    (facts(amount_fen=8_000_00), 3 + 3 + 1 + 0.5 + 2),                           # another amount band
    (facts(amount_fen=150_00), 3 + 3 + 1 + 1 + 0.5 + 2),                         # the same band (50-200 yuan)
    (facts(merchant_id=8), 3 + 3 + 1 + 1 + 2),
    (facts(words=frozenset({"卡密", "发货"})), 3 + 3 + 1 + 1 + 0.5 + 2 * 1 / 4),
    (facts(words=frozenset()), 3 + 3 + 1 + 1 + 0.5),
])
def test_each_likeness_adds_its_weight(other, expected):
    assert score(CASE, other)[0] == pytest.approx(expected, abs=0.001)


def test_every_point_of_likeness_is_given_as_a_reason():
    _total, reasons = score(CASE, facts(merchant_id=8, words=frozenset({"卡密", "发货"})))
    assert [m for m, _p in reasons] == ["Same kind of dispute", "Same facts found: %(findings)s", "Same claim",
                                        "Amount of the same order", "Shared words: %(words)s"]
    assert reasons[1][1] == {"findings": ["invalid_code"]} and reasons[-1][1] == {"words": ["卡密"]}


@pytest.mark.parametrize("amount_fen, expected", [(0, 0), (49_99, 0), (50_00, 1), (199_99, 1), (200_00, 2),
                                                  (999_99, 2), (1_000_00, 3), (5_000_00, 4), (80_000_00, 4)])
def test_amounts_fall_in_bands(amount_fen, expected):
    assert band(amount_fen) == expected


def test_the_closest_come_first_and_ties_go_to_the_later_decision():
    precedents = [Precedent("ARB-2026-000001-1", facts(category="other"), "dismissed"),
                  Precedent("ARB-2026-000002-1", facts(), "upheld"),
                  Precedent("ARB-2026-000010-1", facts(), "upheld"),
                  Precedent("ARB-2026-000003-1", facts(merchant_id=9), "upheld")]
    assert [s.precedent.ruling_number for s in rank(CASE, precedents, limit=3)] == \
        ["ARB-2026-000010-1", "ARB-2026-000002-1", "ARB-2026-000003-1"]


def _ranked(*decisions, far=()):
    near = [Precedent(f"ARB-2026-00000{i}-1", facts(), d) for i, d in enumerate(decisions)]
    away = [Precedent(f"ARB-2026-00010{i}-1", facts(category="other", findings=frozenset(), words=frozenset()), d)
            for i, d in enumerate(far)]
    return rank(CASE, near + away, limit=10)


@pytest.mark.parametrize("decision, decisions, far, expected", [
    ("upheld", ("upheld", "upheld", "dismissed"), (), None),                       # with the majority
    ("dismissed", ("upheld", "upheld", "dismissed"), (), ("upheld", 2, 3)),         # against it
    ("dismissed", ("upheld", "dismissed"), (), None),                              # half is not most
    ("partly_upheld", ("upheld", "dismissed", "upheld"), (), ("upheld", 2, 3)),
    ("dismissed", (), ("upheld", "upheld"), None),                                  # far decisions do not count
    (None, ("upheld",), (), None),                                                  # no decision yet
])
def test_a_decision_departs_when_most_close_precedents_decided_otherwise(decision, decisions, far, expected):
    gone = departure(decision, _ranked(*decisions, far=far))
    assert (None if gone is None else (gone.usual, gone.of, gone.close)) == expected
