"""Citation suggestions (pure: no Flask, no database). From the facts of a case, a ranked list of provisions, each
with its score and the reasons it is suggested. A provision is suggested only because a fact of this case calls
for it: a fact the arbitrator confirmed on the form's checklist (prefilled from the order's recorded facts), the
evidence on file, or the one fact every case shares (the decision is the platform's online dispute resolution).
The rules are the starting points of the law library README; docs/DECISIONS.md "Citation scoring" states the
score and the expected top suggestions. The arbitrator chooses."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from arbitration.cases.workflow import N_  # noqa: F401  (marks texts for translation; rules.py takes it from here)

# the facts checklist of the ruling form: what the arbitrator may find (the rules below read them)
FINDINGS = ("paid_not_delivered", "delivery_delay", "invalid_code", "face_value_mismatch", "not_as_described",
            "fraud", "hidden_fee", "no_refund_clause", "records_withheld", "risk_lock", "duplicate_payment",
            "goods_used_or_activated")
# facts read from the file, not found by the arbitrator
ELECTRONIC_EVIDENCE = "electronic_evidence"      # screenshots, chat logs, recordings, documents on file
EVIDENCE_BOTH_SIDES = "evidence_both_sides"      # both parties filed electronic data: its authenticity is weighed
PLATFORM_ODR = "platform_odr"                    # every case: decided in the platform's online dispute resolution
FILE_FACTS = (ELECTRONIC_EVIDENCE, EVIDENCE_BOTH_SIDES, PLATFORM_ODR)
FACTS = FINDINGS + FILE_FACTS


@dataclass(frozen=True)
class CaseFacts:
    found: frozenset[str]                                 # the checklist as the arbitrator confirmed it
    evidence_from: frozenset[str] = frozenset()           # the parties ("buyer", "merchant") with files on file

    def keys(self) -> frozenset[str]:
        keys = set(self.found) | {PLATFORM_ODR}
        if self.evidence_from:
            keys.add(ELECTRONIC_EVIDENCE)
        if {"buyer", "merchant"} <= self.evidence_from:
            keys.add(EVIDENCE_BOTH_SIDES)
        return frozenset(keys)


@dataclass(frozen=True)
class Rule:
    key: str
    reason: str                          # an English message id, shown translated
    when: frozenset[str]                 # the rule applies when the case has any of these facts
    codes: tuple[str, ...]               # most relevant first
    weight: float = 2.0


def _rule(key: str, reason: str, when: Iterable[str], codes: tuple[str, ...], weight: float = 2.0) -> Rule:
    return Rule(key, reason, frozenset(when), codes, weight)


RULES: tuple[Rule, ...] = (
    _rule("undelivered", N_("Paid and not delivered"), {"paid_not_delivered"},
          ("CRPL-53", "CRPLR-22", "CC-563", "CC-565", "CC-566", "CC-577", "CRPL-48", "ECL-49")),
    _rule("invalid_code", N_("The card code is invalid, or its face value differs from the listing"),
          {"invalid_code", "face_value_mismatch", "not_as_described"},
          ("CRPL-23", "CRPL-24", "CC-582", "CC-610", "CC-617", "CRPL-20", "ECL-17", "OTSM-19", "CRPLR-9", "CRPLR-12")),
    _rule("fraud", N_("Knowingly fake or used codes (fraud): punitive damages"), {"fraud"},
          ("CRPL-55", "CRPLR-49", "CC-148", "CC-157", "PMP-19", "CRPL-44", "ECL-38", "OTSM-52"), weight=2.5),
    _rule("delivery_delay", N_("Delivered later than promised"), {"delivery_delay"},
          ("ECL-20", "CRPLR-12", "CC-563", "CC-584", "CRPL-53", "ECL-51", "CC-512")),
    _rule("hidden_fee", N_("A cancellation fee not disclosed at purchase"), {"hidden_fee"},
          ("CRPL-26", "CC-496", "CC-497", "CC-498", "SPC-CB-10", "CRPLR-17", "OTSM-21", "PL-13", "PMP-8", "PMP-19",
           "CRPLR-18", "ECL-33", "OTSM-28", "CC-585"), weight=2.5),
    _rule("no_refund_clause", N_("A \"virtual goods are never refundable\" clause"), {"no_refund_clause"},
          ("CRPL-25", "CRPLR-19", "CRPL-24", "CC-582", "CRPL-26", "CC-497", "SPC-NC-1", "OTSM-21", "SPC-NC-2")),
    _rule("records_withheld", N_("The merchant withheld the order's records"), {"records_withheld"},
          ("ECL-62", "ECL-31", "OTSM-31", "SPC-EV-95", "ECL-61", "CC-509")),
    _rule("risk_lock", N_("A risk-control lock held the order"), {"risk_lock"},
          ("ECL-49", "ECL-48", "CC-509", "CRPL-53", "CC-563", "CC-577")),
    _rule("duplicate_payment", N_("Charged twice by a platform fault"), {"duplicate_payment"},
          ("CC-985", "CC-987", "ECL-48", "ECL-53", "OTSM-31")),
    _rule("goods_used", N_("The goods were already used or activated"), {"goods_used_or_activated"},
          ("CRPL-25", "CRPLR-19", "CC-157", "CC-566", "CRPLR-49")),
    # evidence provisions only for the evidence they speak of: electronic data on file (what it is, its originals,
    # a data message kept whole as the original: ESL-5) and, when both sides filed some, how its authenticity is
    # judged (ESL-8 for data messages). SPC-OL-16 (evidence stored on a blockchain) is never suggested: no file
    # here is; cite it by its code when one is.
    _rule("electronic_evidence", N_("Electronic data (screenshots, chat logs, recordings) is on file"),
          {ELECTRONIC_EVIDENCE}, ("SPC-EV-14", "CPL-66", "SPC-EV-15", "ESL-5"), weight=0.6),
    _rule("evidence_both_sides", N_("Both parties filed electronic data: its authenticity is weighed"),
          {EVIDENCE_BOTH_SIDES}, ("SPC-EV-93", "SPC-EV-94", "SPC-IC-11", "ESL-8"), weight=0.6),
    _rule("process", N_("The decision is the platform's online dispute resolution"), {PLATFORM_ODR}, ("ECL-63",),
          weight=0.4),
)
# a provision's own fact tags (law library, `applies_when`) that a fact of the case stands for: a provision no rule
# names is suggested, lower, when it carries one of them. Evidence and process facts stand for none, so the
# 14 provisions tagged evidence_electronic or the 6 tagged platform_odr never come in by their tags.
FACT_TAGS: dict[str, frozenset[str]] = {
    "paid_not_delivered": frozenset({"non_delivery", "prepayment"}),
    "delivery_delay": frozenset({"delivery_delay", "online_delivery_time"}),
    "invalid_code": frozenset({"invalid_card_code", "defective_goods"}),
    "face_value_mismatch": frozenset({"face_value_mismatch"}),
    "not_as_described": frozenset({"face_value_mismatch", "false_advertising"}),
    "fraud": frozenset({"fraud"}),
    "hidden_fee": frozenset({"hidden_fee"}),
    "no_refund_clause": frozenset({"no_refund_clause"}),
    "records_withheld": frozenset({"records_withheld"}),
    "risk_lock": frozenset({"risk_control_lock"}),
    "duplicate_payment": frozenset({"duplicate_payment"}),
    "goods_used_or_activated": frozenset({"goods_used_or_activated"}),
}
TAG_FACTS: dict[str, frozenset[str]] = {          # a library tag -> the facts of the case that stand for it
    tag: frozenset(fact for fact, tags in FACT_TAGS.items() if tag in tags)
    for tags in FACT_TAGS.values() for tag in tags}
TAG_MATCH_WEIGHT = 0.5
# never suggested by their tags alone: the evidence provisions come only with the evidence they speak of (their
# rules above check the file; SPC-EV-95 comes with withheld records), and ECL-55 binds payment providers (the
# platform only if it runs the payment, which no recorded fact tells: reference README)
NEVER_BY_TAGS = frozenset({"ECL-55", "SPC-OL-16", "SPC-EV-95"} | {
    code for rule in RULES if rule.key in ("electronic_evidence", "evidence_both_sides") for code in rule.codes})
SHOWN = 8                      # suggestions shown at first; the rest on demand


@dataclass(frozen=True)
class Candidate:
    """A provision as the engine sees it."""
    code: str
    applies_when: frozenset[str]


@dataclass
class Suggestion:
    code: str
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)    # English message ids, or "facts:<a,b>" (each once)
    rules: list[str] = field(default_factory=list)
    facts: set[str] = field(default_factory=set)        # the facts of the case that call for it


def rule_share(rule: Rule, position: int) -> float:
    """What a rule gives the provision at `position` of its list: its weight, less up to half for the last."""
    return rule.weight * (1 - position / (2 * len(rule.codes)))


def suggest(facts: CaseFacts, provisions: Iterable[Candidate], limit: int | None = None) -> list[Suggestion]:
    """Ranked by score. Each fact of the case counts once for a provision, and is its reason once: a rule that a
    fact calls for gives each provision it names `rule_share` (its words are the reason); a fact that called no
    rule naming the provision gives TAG_MATCH_WEIGHT if the provision speaks of it itself (its own tags). Ties by
    code. Unknown or retired codes are skipped."""
    known = {p.code: p for p in provisions}
    keys = facts.keys()
    found: dict[str, Suggestion] = {}
    for rule in RULES:
        calls = rule.when & keys
        if not calls:
            continue
        for position, code in enumerate(rule.codes):
            if code not in known:
                continue
            s = found.setdefault(code, Suggestion(code))
            s.score += rule_share(rule, position)
            s.reasons.append(rule.reason)
            s.rules.append(rule.key)
            s.facts |= calls
    for code, p in known.items():
        if code in NEVER_BY_TAGS:
            continue
        speaks_of = {fact for tag in p.applies_when for fact in TAG_FACTS.get(tag, ())} & keys
        if code in found:
            speaks_of -= found[code].facts
        if speaks_of:
            own = sorted(speaks_of)
            s = found.setdefault(code, Suggestion(code))
            s.score += TAG_MATCH_WEIGHT * len(own)
            s.reasons.append("facts:" + ",".join(own))
            s.facts |= speaks_of
    ranked = sorted(found.values(), key=lambda s: (-s.score, s.code))
    return ranked if limit is None else ranked[:limit]


def recorded_facts(fact_tags: Iterable[str], order: dict) -> list[str]:
    """The checklist as the case's recorded facts fill it: the fact tags gathered when the case opened (from the
    order and the refused request) and, from the order snapshot, paid and not delivered."""
    found = {tag for tag in fact_tags if tag in FINDINGS}
    if order.get("paid_at") and not order.get("delivered_at"):
        found.add("paid_not_delivered")
    return [f for f in FINDINGS if f in found]
