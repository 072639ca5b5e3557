"""Which issued decisions are closest to a case (pure: no Flask, no database). Each precedent is scored on what a
judge's similar-case search looks at: the category of the dispute, the facts found, the claim, the amount's band,
the merchant, and the words of the case; each point of likeness is kept as a reason, so the page says why a
decision is shown. The weights are a reviewed table (docs/DECISIONS.md, issue 19)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from arbitration.cases.workflow import N_

WEIGHTS = {"category": 3.0, "findings": 3.0, "claim": 1.0, "amount": 1.0, "merchant": 0.5, "words": 2.0}
# amount bands in fen: a 30-yuan top-up and an 8,000-yuan card batch are not like cases
AMOUNT_BANDS = (50_00, 200_00, 1_000_00, 5_000_00)
CLOSE = 5.0             # a precedent this close counts for the departure prompt
DEPARTURE_SHARE = 0.5   # more than this share of the close precedents decided otherwise: the arbitrator says why
SHOWN = 5


@dataclass(frozen=True)
class Facts:
    """What is compared, for the case in hand and for each decided case alike."""
    category: str
    findings: frozenset[str]
    claim: str
    amount_fen: int
    merchant_id: int
    words: frozenset[str]


@dataclass(frozen=True)
class Precedent:
    ruling_number: str
    facts: Facts
    decision: str
    remedies: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scored:
    precedent: Precedent
    score: float
    reasons: tuple[tuple[str, dict], ...] = field(default_factory=tuple)   # (message id, parameters)


def band(amount_fen: int) -> int:
    return sum(1 for edge in AMOUNT_BANDS if amount_fen >= edge)


def _jaccard(a: frozenset, b: frozenset) -> float:
    shared = len(a & b)
    either = len(a) + len(b) - shared          # |a ∪ b| without building it
    return shared / either if either else 0.0


def score(case: Facts, other: Facts) -> tuple[float, tuple[tuple[str, dict], ...]]:
    reasons: list[tuple[str, dict]] = []
    return _score(case, other, reasons), tuple(reasons)


def _score(case: Facts, other: Facts, reasons: list | None) -> float:
    """The points (rounded), and each likeness appended to `reasons` unless it is None (ranking scores every
    candidate and writes the reasons of the few shown only)."""
    total = 0.0
    if case.category == other.category:
        total += WEIGHTS["category"]
        if reasons is not None:
            reasons.append((N_("Same kind of dispute"), {}))
    if case.findings and other.findings and not case.findings.isdisjoint(other.findings):
        total += WEIGHTS["findings"] * _jaccard(case.findings, other.findings)
        if reasons is not None:
            reasons.append((N_("Same facts found: %(findings)s"),
                            {"findings": sorted(case.findings & other.findings)}))
    if case.claim == other.claim:
        total += WEIGHTS["claim"]
        if reasons is not None:
            reasons.append((N_("Same claim"), {}))
    if band(case.amount_fen) == band(other.amount_fen):
        total += WEIGHTS["amount"]
        if reasons is not None:
            reasons.append((N_("Amount of the same order"), {}))
    if case.merchant_id == other.merchant_id:
        total += WEIGHTS["merchant"]
        if reasons is not None:
            reasons.append((N_("Same merchant"), {}))
    if case.words and other.words and not case.words.isdisjoint(other.words):
        total += WEIGHTS["words"] * _jaccard(case.words, other.words)
        if reasons is not None:
            common = case.words & other.words
            reasons.append((N_("Shared words: %(words)s"),
                            {"words": sorted(common, key=lambda w: (-len(w), w))[:6]}))
    return round(total, 3)


def rank(case: Facts, precedents: list[Precedent], limit: int = SHOWN) -> list[Scored]:
    """The closest first (ties: the later decision number first, the newer law applied). Every precedent is
    scored; the reasons are written for the `limit` shown (the same points as `score`)."""
    points = [(_score(case, p.facts, None), p) for p in precedents]
    points.sort(key=lambda sp: (-sp[0], _newest_first(sp[1].ruling_number)))
    return [Scored(p, *score(case, p.facts)) for _points, p in points[:limit]]


def _newest_first(number: str) -> tuple:
    return tuple(-int(part) if part.isdigit() else 0 for part in number.split("-"))


@dataclass(frozen=True)
class Departure:
    usual: str          # what most close precedents decided
    of: int             # how many of them did
    close: int          # how many close precedents there are


def departure(decision: str | None, ranked: list[Scored]) -> Departure | None:
    """Whether `decision` departs from most of the close precedents (None: it does not, or there are none)."""
    close = [s for s in ranked if s.score >= CLOSE]
    if not decision or not close:
        return None
    usual, count = Counter(s.precedent.decision for s in close).most_common(1)[0]
    differing = sum(1 for s in close if s.precedent.decision != decision)
    if differing / len(close) > DEPARTURE_SHARE and usual != decision:
        return Departure(usual, count, len(close))
    return None
