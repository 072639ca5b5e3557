"""The merchant compliance score (pure): 100 points, less each element's weight times its rate per case, floored at
0; no score below MIN_CASES cases. Printed on the compliance pages from these numbers (docs/DECISIONS.md: why)."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass

AGAINST = ("upheld", "partly_upheld")      # a ruling in the buyer's favour, in whole or in part
# the elements of a merchant's record, in the order the pages show them; each counts cases (a case at most once)
ELEMENTS = ("missed", "hidden_fee", "upheld", "remedy_late", "reversed", "risk_lock")
# points taken off at a rate of 1 (every case has the element); at a rate of 0.1, a tenth of them
WEIGHTS: dict[str, int] = {"missed": 30, "hidden_fee": 40, "upheld": 20, "remedy_late": 40, "reversed": 20,
                           "risk_lock": 10}
FULL = 100
MIN_CASES = 5


@dataclass(frozen=True)
class Record:
    """A merchant's cases opened in a period and how many of them have each element."""
    cases: int
    counts: Mapping[str, int]

    def count(self, element: str) -> int:
        return self.counts.get(element, 0)

    def rate(self, element: str) -> float | None:
        """The share of the cases with `element` (0..1); None without cases."""
        return self.count(element) / self.cases if self.cases else None

    def penalty(self, element: str) -> float | None:
        """The points `element` takes off, unrounded; None without cases."""
        rate = self.rate(element)
        return None if rate is None else WEIGHTS[element] * rate

    @property
    def scored(self) -> bool:
        return self.cases >= MIN_CASES

    @functools.cached_property
    def score(self) -> float | None:
        """FULL − Σ weight × count / cases, floored at 0, one decimal; None below MIN_CASES cases."""
        if not self.scored:
            return None
        return round(max(0.0, FULL - sum(self.penalty(e) for e in ELEMENTS)), 1)


def worst_first(records: Mapping[object, Record], name_of: Mapping[object, str]) -> list:
    """Keys ordered worst score first (ties: more cases first, then the name); unscored records last, by name."""
    def key(k):
        r = records[k]
        return (r.score is None, r.score if r.score is not None else 0, -r.cases, str(name_of.get(k, k)))
    return sorted(records, key=key)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from `first`'s month to `last`'s, both included."""
    out, month = [], month_of(first)
    while month <= last:
        out.append(month)
        month = next_month(month)
    return out


def parse_month(raw: str) -> dt.date | None:
    """"2026-10" → 2026-10-01; None when it is not a month of that form (a year 2000..2999)."""
    raw = (raw or "").strip()
    if len(raw) != 7 or raw[4] != "-" or not (raw[:4].isdigit() and raw[5:].isdigit()):
        return None
    year, month = int(raw[:4]), int(raw[5:])
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)
