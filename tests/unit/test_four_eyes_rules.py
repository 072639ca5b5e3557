"""The four-eyes rules (pure): which drafts go to a supervisor before they may be issued, and why."""
from __future__ import annotations

import pytest

from arbitration.rulings.review_rules import DraftFacts, FourEyes, reverses, review_reasons

DRAFT = DraftFacts(arbitrator_id=7, decision="upheld", price_fen=10_000, ordered_fen=10_000)


def keys(rules, facts=DRAFT):
    return [key for key, _message, _params in review_reasons(rules, facts)]


def test_no_rule_sends_nothing():
    assert keys(FourEyes()) == []


@pytest.mark.parametrize("limit, price, ordered, sent", [
    (10_000, 10_000, 10_000, False),          # not over the limit
    (10_000, 10_001, 0, True),                # a dismissal of an expensive order: the price is at stake
    (10_000, 5_000, 30_000, True),            # compensation above the price: what is ordered is at stake
])
def test_an_amount_at_stake_over_the_limit_sends_the_draft(limit, price, ordered, sent):
    facts = DraftFacts(arbitrator_id=7, decision="upheld", price_fen=price, ordered_fen=ordered)
    assert keys(FourEyes(amount_over_fen=limit), facts) == (["amount_over"] if sent else [])


def test_an_arbitrator_in_training_is_sent_and_the_others_are_not():
    assert keys(FourEyes(in_training=frozenset({7}))) == ["in_training"]
    assert keys(FourEyes(in_training=frozenset({8}))) == []


@pytest.mark.parametrize("first, now, reversed_", [
    ("upheld", "dismissed", True), ("partly_upheld", "dismissed", True), ("dismissed", "upheld", True),
    ("dismissed", "partly_upheld", True), ("upheld", "partly_upheld", False), ("upheld", "upheld", False),
    ("dismissed", "dismissed", False), (None, "dismissed", False),
])
def test_a_reconsideration_that_reverses_the_first_ruling_is_sent(first, now, reversed_):
    assert reverses(first, now) is reversed_
    facts = DraftFacts(arbitrator_id=7, decision=now, price_fen=1, ordered_fen=0, first_decision=first)
    assert keys(FourEyes(reversal=True), facts) == (["reversal"] if reversed_ else [])


def test_every_rule_that_applies_is_a_reason():
    facts = DraftFacts(arbitrator_id=7, decision="dismissed", price_fen=90_000, ordered_fen=0,
                       first_decision="upheld")
    rules = FourEyes(amount_over_fen=50_000, in_training=frozenset({7}), reversal=True)
    assert keys(rules, facts) == ["amount_over", "in_training", "reversal"]
    assert review_reasons(rules, facts)[0][2] == {"amount_fen": 90_000, "limit_fen": 50_000}
