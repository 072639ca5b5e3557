"""Citation suggestions (pure: no Flask, no database). From a case's facts, a ranked list of provisions, each
with the reasons it applies. The rules are the starting points of ../shared/reference/README.md; a provision
whose own fact tags match the case is suggested too, below them. The arbitrator chooses."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from arbitration.cases.workflow import N_  # noqa: F401  (marks texts for translation; rules.py takes it from here)


@dataclass(frozen=True)
class CaseFacts:
    category: str
    tags: frozenset[str]                 # the case's fact tags (and the arbitrator's findings)
    origin: str = ""
    claim_remedy: str = ""
    delivered: bool = False
    has_evidence: bool = False

    def about(self, *keys: str) -> bool:
        return self.category in keys or bool(self.tags & set(keys))


@dataclass(frozen=True)
class Rule:
    key: str
    reason: str                          # an English message id, shown translated
    applies: Callable[[CaseFacts], bool]
    codes: tuple[str, ...]               # most relevant first
    weight: float = 2.0


RULES: tuple[Rule, ...] = (
    Rule("undelivered", N_("Paid but not delivered, and the merchant refused to cancel"),
         lambda f: f.about("non_delivery") or (f.origin == "cancellation_rejected" and not f.delivered),
         ("CRPL-53", "CRPLR-22", "CC-563", "CC-565", "CC-566", "CC-577", "CRPL-48", "ECL-49")),
    Rule("invalid_code", N_("The card code is invalid, or its face value differs from the listing"),
         lambda f: f.about("invalid_code", "not_as_described", "face_value_mismatch"),
         ("CRPL-23", "CRPL-24", "CC-582", "CC-610", "CC-617", "CRPL-20", "ECL-17", "OTSM-19", "CRPLR-9",
          "CRPLR-12")),
    Rule("fraud", N_("Knowingly fake or used codes (fraud): punitive damages"), lambda f: f.about("fraud"),
         ("CRPL-55", "CRPLR-49", "CC-148", "CC-157", "PMP-19", "CRPL-44", "ECL-38", "OTSM-52"), weight=2.5),
    Rule("delivery_delay", N_("Delivered later than promised"), lambda f: f.about("delivery_delay"),
         ("ECL-20", "CRPLR-12", "CC-563", "CC-584", "CRPL-53", "ECL-51", "CC-512")),
    Rule("hidden_fee", N_("A cancellation fee not disclosed at purchase"), lambda f: f.about("hidden_fee"),
         ("CRPL-26", "CC-496", "CC-497", "CC-498", "SPC-CB-10", "CRPLR-17", "OTSM-21", "PL-13", "PMP-8", "PMP-19",
          "CRPLR-18", "ECL-33", "OTSM-28", "CC-585"), weight=2.5),
    Rule("no_refund_clause", N_("A \"virtual goods are never refundable\" clause"),
         lambda f: f.about("no_refund_clause"),
         ("CRPL-25", "CRPLR-19", "CRPL-24", "CC-582", "CRPL-26", "CC-497", "SPC-NC-1", "OTSM-21", "SPC-NC-2")),
    Rule("records_withheld", N_("The merchant withheld the order's records"), lambda f: f.about("records_withheld"),
         ("ECL-62", "ECL-31", "OTSM-31", "SPC-EV-95", "ECL-61", "CC-509")),
    Rule("risk_lock", N_("A risk-control lock held the order"), lambda f: f.about("risk_lock", "risk_control_lock"),
         ("ECL-49", "ECL-48", "CC-509", "CRPL-53", "CC-563", "CC-577")),
    Rule("duplicate_payment", N_("Charged twice by a platform fault"),
         lambda f: f.about("duplicate_payment") or f.origin == "platform_fault",
         ("CC-985", "CC-987", "ECL-48", "ECL-53", "OTSM-31")),
    Rule("goods_used", N_("The goods were already used or activated"),
         lambda f: f.about("goods_used_or_activated", "goods_used"),
         ("CRPL-25", "CRPLR-19", "CC-157", "CC-566", "CRPLR-49")),
    Rule("evidence", N_("Electronic evidence, kept with its hashes"), lambda f: f.has_evidence,
         ("SPC-IC-11", "SPC-OL-16", "SPC-EV-14", "SPC-EV-15", "SPC-EV-93", "SPC-EV-94", "ESL-5", "ESL-8", "CPL-66"),
         weight=0.6),
    Rule("process", N_("The platform's dispute process itself"), lambda f: True,
         ("ECL-63", "ECL-59", "ECL-61", "ECL-58", "CRPLR-44", "CRPL-39", "ECL-60", "SPC-NC-1", "OTSM-21"),
         weight=0.4),
)
TAG_MATCH_WEIGHT = 0.5
# the fact tags an arbitrator can record as found (the rules above read them)
FINDINGS = ("hidden_fee", "delivery_delay", "records_withheld", "invalid_code", "face_value_mismatch",
            "not_as_described", "fraud", "no_refund_clause", "risk_lock", "duplicate_payment",
            "goods_used_or_activated")


@dataclass(frozen=True)
class Candidate:
    """A provision as the engine sees it."""
    code: str
    applies_when: frozenset[str]


@dataclass
class Suggestion:
    code: str
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)    # English message ids, or "tags:<a,b>"
    rules: list[str] = field(default_factory=list)


def suggest(facts: CaseFacts, provisions: Iterable[Candidate], limit: int = 20) -> list[Suggestion]:
    """Ranked: a provision gains from each rule that applies (more for being early in the rule's list) and a
    little for each of the case's tags it carries itself. Unknown or retired codes are skipped."""
    known = {p.code: p for p in provisions}
    found: dict[str, Suggestion] = {}
    for rule in RULES:
        if not rule.applies(facts):
            continue
        for position, code in enumerate(rule.codes):
            if code not in known:
                continue
            s = found.setdefault(code, Suggestion(code))
            s.score += rule.weight * (1 - position / (2 * len(rule.codes)))
            s.reasons.append(rule.reason)
            s.rules.append(rule.key)
    tags = facts.tags | {facts.category}
    for code, p in known.items():
        shared = sorted(p.applies_when & tags)
        if shared:
            s = found.setdefault(code, Suggestion(code))
            s.score += TAG_MATCH_WEIGHT * len(shared)
            if not s.reasons:
                s.reasons.append("tags:" + ",".join(shared))
    ranked = sorted(found.values(), key=lambda s: (-s.score, s.code))
    return ranked[:limit]
