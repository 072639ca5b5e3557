"""The pure parts of rulings: citation suggestions from case facts, and what a ruling may order."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from arbitration.rulings import rules, suggest
from arbitration.rulings.rules import Money, Remedy

LIBRARY = json.loads((Path(__file__).parents[2] / "arbitration/law/data/law-library.json").read_text("utf-8"))
CANDIDATES = [suggest.Candidate(p["id"], frozenset(p["applies_when"])) for p in LIBRARY]
MONEY = Money(paid_fen=10_000, refundable_fen=10_000)


def ranked(**facts):
    base = {"category": "other", "tags": frozenset()}
    return suggest.suggest(suggest.CaseFacts(**{**base, **facts}), CANDIDATES)


def codes(**facts):
    return [s.code for s in ranked(**facts)]


def test_every_code_the_rules_name_is_in_the_carried_library():
    known = {p["id"] for p in LIBRARY}
    assert [code for rule in suggest.RULES for code in rule.codes if code not in known] == []


def test_an_undisclosed_fee_puts_the_format_clause_article_first_with_its_reason():
    top = ranked(category="hidden_fee", tags=frozenset({"hidden_fee"}))[0]
    assert top.code == "CRPL-26"
    assert "A cancellation fee not disclosed at purchase" in top.reasons


def test_a_paid_undelivered_order_suggests_prepayment_and_termination():
    top = codes(category="non_delivery", origin="cancellation_rejected")[:4]
    assert top[0] == "CRPL-53" and {"CRPLR-22", "CC-563"} <= set(top)


def test_fraud_suggests_punitive_damages_above_everything_else():
    assert codes(category="fraud", tags=frozenset({"fraud"}))[0] == "CRPL-55"


def test_withheld_records_suggest_the_original_records_article():
    assert codes(category="other", tags=frozenset({"records_withheld"}))[0] == "ECL-62"


def test_the_dispute_process_provision_is_always_offered_and_evidence_ones_only_with_evidence():
    without = codes(category="other")
    with_files = codes(category="other", has_evidence=True)
    assert "ECL-63" in without and "SPC-EV-14" not in without and "SPC-EV-14" in with_files


def test_a_provision_not_in_any_rule_is_still_suggested_by_its_own_tags_below_the_rules():
    results = ranked(category="non_delivery", origin="cancellation_rejected", tags=frozenset({"auto_renewal"}))
    by_tag = [s for s in results if s.reasons and s.reasons[0].startswith("tags:")]
    assert by_tag and all(s.score < results[0].score for s in by_tag)


def test_retired_or_missing_provisions_are_never_suggested():
    without_53 = [c for c in CANDIDATES if c.code != "CRPL-53"]
    got = suggest.suggest(suggest.CaseFacts(category="non_delivery", tags=frozenset()), without_53)
    assert "CRPL-53" not in [s.code for s in got]


@pytest.mark.parametrize("decision, remedies, cited, field", [
    ("dismissed", [Remedy("reissue")], set(), "decision"),
    ("upheld", [], set(), "decision"),
    ("upheld", [Remedy("full_refund"), Remedy("partial_refund", 5_000)], set(), "partial_refund"),
    ("upheld", [Remedy("partial_refund", 10_001)], set(), "partial_refund"),
    ("upheld", [Remedy("compensation", 10_001)], set(), "compensation"),
    ("upheld", [Remedy("compensation", 50_001)], {"CRPL-55"}, "compensation"),
    ("upheld", [Remedy("reissue"), Remedy("reissue")], set(), "remedies"),
])
def test_rulings_outside_what_the_order_and_the_law_allow_are_refused(decision, remedies, cited, field):
    assert rules.check(decision, remedies, MONEY, cited)[0][0] == field


def test_punitive_compensation_is_three_times_the_price_with_a_500_yuan_minimum():
    assert rules.compensation_cap(Money(10_000, 10_000), {"CRPL-55"}) == 50_000
    assert rules.compensation_cap(Money(30_000, 30_000), {"CRPL-55"}) == 90_000
    assert rules.compensation_cap(Money(30_000, 30_000), set()) == 30_000
    assert rules.check("upheld", [Remedy("full_refund"), Remedy("compensation", 90_000)], Money(30_000, 30_000),
                       {"CRPL-55"}) == []


def test_a_full_refund_is_fixed_at_what_is_still_refundable():
    assert rules.settle_amounts([Remedy("full_refund"), Remedy("reissue", 99)], Money(10_000, 7_000)) == [
        Remedy("full_refund", 7_000), Remedy("reissue", 0)]
