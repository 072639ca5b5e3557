"""Consistency figures (pure: no Flask, no database): per arbitrator and category, the shares of claims upheld,
partly upheld and dismissed against the peer group (the other arbitrators on the same category), the reversal rate
on reconsideration and the time to ruling; an arbitrator far from the peers is an outlier, with the cases behind it.
The thresholds are a reviewed table (docs/DECISIONS.md, issue 19)."""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

DECISIONS = ("upheld", "partly_upheld", "dismissed")
MIN_CASES = 10        # fewer decisions than this say nothing about a person: never an outlier
MIN_PEERS = 10        # ... nor against a peer group this small
FAR = 0.25            # a share this far (25 points) from the peers' is an outlier
REVERSAL_FAR = 0.20   # a reversal rate this much above the peers'


@dataclass(frozen=True)
class Decided:
    """One first-round decision (a reasoned one: default rulings follow from a missed deadline, not a judgment)."""
    arbitrator_id: int
    category: str
    decision: str
    case_number: str
    hours_to_ruling: float
    reconsidered: bool        # a reconsideration ruled on it
    reversed: bool            # ... and decided otherwise


@dataclass
class Figures:
    arbitrator_id: int
    category: str
    n: int
    shares: dict[str, float]
    peer_n: int
    peer_shares: dict[str, float]
    reversal_rate: float | None          # of the decisions reconsidered; None: none was
    peer_reversal_rate: float | None
    median_hours: float
    peer_median_hours: float | None
    outlier_because: list[str] = field(default_factory=list)   # "upheld", "dismissed", "partly_upheld", "reversal"
    cases: list[str] = field(default_factory=list)             # the case numbers behind the figures


def _shares(rows: list[Decided]) -> dict[str, float]:
    n = len(rows)
    return {d: (sum(1 for r in rows if r.decision == d) / n if n else 0.0) for d in DECISIONS}


def _reversal(rows: list[Decided]) -> float | None:
    asked = [r for r in rows if r.reconsidered]
    return sum(1 for r in asked if r.reversed) / len(asked) if asked else None


def figures(rows: list[Decided]) -> list[Figures]:
    """Every (arbitrator, category) with its peers', sorted by category then arbitrator."""
    by_cat: dict[str, list[Decided]] = defaultdict(list)
    for r in rows:
        by_cat[r.category].append(r)
    out = []
    for category, cat_rows in sorted(by_cat.items()):
        by_arb: dict[int, list[Decided]] = defaultdict(list)
        for r in cat_rows:
            by_arb[r.arbitrator_id].append(r)
        for arb, own in sorted(by_arb.items()):
            peers = [r for r in cat_rows if r.arbitrator_id != arb]
            fig = Figures(arb, category, len(own), _shares(own), len(peers), _shares(peers), _reversal(own),
                          _reversal(peers), statistics.median(r.hours_to_ruling for r in own),
                          statistics.median(r.hours_to_ruling for r in peers) if peers else None,
                          cases=[r.case_number for r in own])
            fig.outlier_because = outlier_because(fig)
            out.append(fig)
    return out


def outlier_because(f: Figures) -> list[str]:
    if f.n < MIN_CASES or f.peer_n < MIN_PEERS:
        return []
    why = [d for d in DECISIONS if abs(f.shares[d] - f.peer_shares[d]) >= FAR]
    if f.reversal_rate is not None and f.peer_reversal_rate is not None \
            and f.reversal_rate - f.peer_reversal_rate >= REVERSAL_FAR:
        why.append("reversal")
    return why
