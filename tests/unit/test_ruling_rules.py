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


def ranked(*found, evidence_from=()):
    return suggest.suggest(suggest.CaseFacts(frozenset(found), frozenset(evidence_from)), CANDIDATES)


def codes(*found, evidence_from=()):
    return [s.code for s in ranked(*found, evidence_from=evidence_from)]


def test_every_code_the_rules_name_is_in_the_carried_library():
    known = {p["id"] for p in LIBRARY}
    assert [code for rule in suggest.RULES for code in rule.codes if code not in known] == []


def test_an_undisclosed_fee_puts_the_format_clause_article_first_with_its_reason():
    top = ranked("hidden_fee")[0]
    assert top.code == "CRPL-26"
    assert top.reasons == ["A cancellation fee not disclosed at purchase"]


def test_a_paid_undelivered_order_suggests_prepayment_and_termination():
    top = codes("paid_not_delivered")[:3]
    assert top == ["CRPL-53", "CRPLR-22", "CC-563"]


def test_fraud_suggests_punitive_damages_above_everything_else():
    assert codes("fraud", "invalid_code")[0] == "CRPL-55"


def test_withheld_records_suggest_the_original_records_article():
    assert codes("records_withheld")[0] == "ECL-62"


def test_without_a_fact_only_the_dispute_process_provision_is_suggested():
    assert codes() == ["ECL-63"]


def test_evidence_provisions_come_only_with_the_evidence_they_speak_of():
    assert not {"SPC-EV-14", "CPL-66", "ESL-5"} & set(codes("paid_not_delivered"))
    one_side = set(codes("paid_not_delivered", evidence_from={"buyer"}))
    assert {"SPC-EV-14", "CPL-66", "SPC-EV-15", "ESL-5"} <= one_side
    assert not {"SPC-EV-93", "SPC-EV-94", "SPC-IC-11", "ESL-8"} & one_side     # authenticity: when both filed
    assert {"SPC-EV-93", "SPC-EV-94", "SPC-IC-11", "ESL-8"} <= set(codes(evidence_from={"buyer", "merchant"}))
    assert "SPC-OL-16" not in codes(*suggest.FINDINGS, evidence_from={"buyer", "merchant"})   # no blockchain here


def test_a_provision_no_rule_names_is_suggested_by_its_own_facts_below_the_rules():
    results = ranked("paid_not_delivered")
    by_own = [s for s in results if s.rules == []]
    assert {"ECL-74", "OTSM-51"} <= {s.code for s in by_own}
    assert all(s.score == suggest.TAG_MATCH_WEIGHT and s.reasons == ["facts:paid_not_delivered"] for s in by_own)
    assert all(s.score < results[0].score for s in by_own)


def test_a_fact_counts_once_for_a_provision_and_is_its_reason_once():
    cc563 = next(s for s in ranked("paid_not_delivered", "delivery_delay") if s.code == "CC-563")
    assert cc563.reasons == ["Paid and not delivered", "Delivered later than promised"]
    ecl20 = next(s for s in ranked("paid_not_delivered", "delivery_delay") if s.code == "ECL-20")
    assert ecl20.reasons == ["Delivered later than promised", "facts:paid_not_delivered"]
    assert ecl20.score == pytest.approx(2.0 + suggest.TAG_MATCH_WEIGHT)


def test_retired_or_missing_provisions_are_never_suggested():
    without_53 = [c for c in CANDIDATES if c.code != "CRPL-53"]
    got = suggest.suggest(suggest.CaseFacts(frozenset({"paid_not_delivered"})), without_53)
    assert "CRPL-53" not in [s.code for s in got]


def test_the_checklist_is_filled_from_the_recorded_facts():
    order = {"paid_at": "2026-09-30T02:00:00+00:00", "delivered_at": None}
    assert suggest.recorded_facts(["hidden_fee", "merchant_timeout"], order) == ["paid_not_delivered", "hidden_fee"]
    assert suggest.recorded_facts([], {**order, "delivered_at": "2026-09-30T03:00:00+00:00"}) == []
    assert suggest.recorded_facts(["risk_lock"], {"paid_at": None}) == ["risk_lock"]


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
