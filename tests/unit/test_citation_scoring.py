"""Citation scoring over every combination of the facts the suggestion tables read: no provision is suggested
without a reason, each reason is a fact of the case and is given once, the score is the stated one, and the
top suggestions for the law library README's fact patterns are those docs/DECISIONS.md "Citation scoring" lists."""
from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

from arbitration.rulings import suggest

LIBRARY = json.loads((Path(__file__).parents[2] / "arbitration/law/data/law-library.json").read_text("utf-8"))
CANDIDATES = [suggest.Candidate(p["id"], frozenset(p["applies_when"])) for p in LIBRARY]
EVIDENCE = [frozenset(), frozenset({"buyer"}), frozenset({"buyer", "merchant"})]
# the evidence and electronic-signature provisions, and the fact (kind of evidence) each speaks of
EVIDENCE_CODES = {p["id"] for p in LIBRARY if p["id"].startswith(("SPC-EV", "SPC-IC", "SPC-OL", "ESL", "CPL"))}
SPEAKS_OF = {**dict.fromkeys(("SPC-EV-14", "CPL-66", "SPC-EV-15", "ESL-5"), suggest.ELECTRONIC_EVIDENCE),
             **dict.fromkeys(("SPC-EV-93", "SPC-EV-94", "SPC-IC-11", "ESL-8"), suggest.EVIDENCE_BOTH_SIDES),
             "SPC-EV-95": "records_withheld"}         # evidence a party withholds (no file, the finding)
RULES = {rule.reason: rule for rule in suggest.RULES}


def combinations():
    for n in range(len(suggest.FINDINGS) + 1):
        yield from itertools.combinations(suggest.FINDINGS, n)


def test_every_fact_combination_suggests_each_provision_for_facts_of_the_case_only_with_the_stated_score():
    wrong = []
    for found in combinations():
        for evidence_from in EVIDENCE:
            facts = suggest.CaseFacts(frozenset(found), evidence_from)
            keys = facts.keys()
            for s in suggest.suggest(facts, CANDIDATES):
                named = [f for r in s.reasons if r.startswith("facts:") for f in r[6:].split(",")]
                ruled = [RULES[r] for r in s.reasons if not r.startswith("facts:")]
                expected = sum(suggest.rule_share(rule, rule.codes.index(s.code)) for rule in ruled) \
                    + suggest.TAG_MATCH_WEIGHT * len(named)
                problems = [
                    not s.reasons,                                                  # a provision without a reason
                    len(set(s.reasons)) != len(s.reasons),                          # a reason twice
                    any(not (rule.when & keys) or s.code not in rule.codes for rule in ruled),
                    any(f not in keys or not (suggest.FACT_TAGS.get(f, frozenset()) & _tags(s.code))
                        for f in named),                                            # a fact the case lacks
                    len(named) != len(set(named)) or set(named) & {f for rule in ruled for f in rule.when},
                    not math.isclose(s.score, expected),                            # not the stated score
                    s.code in EVIDENCE_CODES and SPEAKS_OF.get(s.code) not in keys,  # not the evidence it speaks of
                ]
                if any(problems):
                    wrong.append((found, sorted(evidence_from), s.code, s.reasons, problems))
    assert wrong == []


def _tags(code: str) -> frozenset[str]:
    return TAGS[code]


TAGS = {c.code: c.applies_when for c in CANDIDATES}


# docs/DECISIONS.md "Citation scoring (issue 18)": the README's fact patterns (as the checklist records them) and
# the three provisions suggested first, in order
EXPECTED_TOP = [
    ({"paid_not_delivered"}, (), ["CRPL-53", "CRPLR-22", "CC-563"]),
    ({"invalid_code"}, (), ["CRPL-23", "CRPL-24", "CC-582"]),
    ({"face_value_mismatch"}, (), ["CRPL-23", "CRPL-24", "CC-582"]),
    ({"fraud"}, (), ["CRPL-55", "CRPLR-49", "CC-148"]),
    ({"fraud", "invalid_code"}, (), ["CRPL-55", "CRPLR-49", "CRPL-44"]),
    ({"delivery_delay"}, (), ["ECL-20", "CRPLR-12", "CC-563"]),
    ({"hidden_fee"}, (), ["CRPL-26", "CC-496", "CC-497"]),
    ({"no_refund_clause"}, (), ["CRPL-25", "CRPLR-19", "CRPL-24"]),
    ({"records_withheld"}, (), ["ECL-62", "ECL-31", "OTSM-31"]),
    ({"risk_lock"}, (), ["ECL-49", "ECL-48", "CC-509"]),
    ({"duplicate_payment"}, (), ["CC-985", "CC-987", "ECL-48"]),
    ({"goods_used_or_activated"}, (), ["CRPL-25", "CRPLR-19", "CC-157"]),
    (set(), ("buyer", "merchant"), ["SPC-EV-14", "SPC-EV-93", "CPL-66"]),         # evidence integrity
    (set(), (), ["ECL-63"]),                                                       # the dispute process itself
    ({"paid_not_delivered", "delivery_delay"}, (), ["CC-563", "CRPL-53", "ECL-20"]),   # the demo cases
]


@pytest.mark.parametrize("found, evidence_from, top", EXPECTED_TOP,
                         ids=[",".join(sorted(f)) or ",".join(e) or "nothing" for f, e, _t in EXPECTED_TOP])
def test_the_top_suggestions_for_each_fact_pattern_are_the_documented_ones(found, evidence_from, top):
    ranked = suggest.suggest(suggest.CaseFacts(frozenset(found), frozenset(evidence_from)), CANDIDATES)
    assert [s.code for s in ranked[:3]] == top
