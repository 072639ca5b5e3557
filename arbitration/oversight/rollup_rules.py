"""The statistics' roll-ups as arithmetic (pure): what one case adds to each roll-up table, the difference between
two versions of a case's facts, and the median read from a histogram.

A case's facts (`Facts`) are what the figures count about it; each roll-up row sums the facts of the cases that
share its key. When a case changes, the tables move by the difference between what its old facts added and what
its new facts add (`delta`), so a change costs the same at any size; `flask stats rebuild` sums them from scratch.

Times from opening to the first ruling are kept in whole tenths of an hour (6 minutes, rounded down): the page
prints hours and days to one decimal, and a median read from counts per tenth is exact for values so kept (the
full scan of `flask stats check` keeps them the same way, so the two are equal, not close)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# the per-case measures summed by the opening-day roll-up (the compliance elements among them)
MEASURES = ("cases", "met", "applied", "missed", "hidden_fee", "upheld", "remedy_late", "reversed", "risk_lock")
# what the daily roll-up counts: cases to which it happened on the day (China date)
HAPPENINGS = ("opened", "closed", "closed_default", "ruled", "hidden_fee", "refund_ordered", "refund_paid")

OPENED, TOTALS, RULING_TIMES = "opened", "totals", "ruling_times"
DAILY, DAILY_RULING_TIMES = "daily", "daily_ruling_times"
# each table's count column: a row whose count falls to 0 counts nothing and is removed
COUNT_OF = {OPENED: "cases", TOTALS: "cases", RULING_TIMES: "n", DAILY: "n", DAILY_RULING_TIMES: "n"}


def tenths_of_hour(start: dt.datetime, end: dt.datetime) -> int:
    """Whole tenths of an hour from `start` to `end`, rounded down (never below 0)."""
    return max(0, int((end - start).total_seconds() // 360))


@dataclass(frozen=True)
class Facts:
    """What the figures count about one case (oversight.rollups reads it from the case's rows)."""
    opened_day: dt.date
    merchant_id: int
    category: str
    outcome: str                           # "" while open
    measures: Mapping[str, int] = field(default_factory=dict)    # MEASURES but "cases"
    ruling_tenths: int | None = None       # opening to the first ruling, tenths of an hour
    days: Mapping[str, dt.date | None] = field(default_factory=dict)    # HAPPENINGS but "opened" → its day

    @property
    def key(self) -> tuple:
        return (self.opened_day, self.merchant_id, self.category, self.outcome)


def contributions(facts: Facts | None) -> dict[tuple, Counter]:
    """(table, key) → the columns this case adds there."""
    if facts is None:
        return {}
    measures = {m: facts.measures.get(m, 0) for m in MEASURES[1:]}
    out: dict[tuple, Counter] = {(OPENED, facts.key): Counter(cases=1, **measures),
                                 (TOTALS, facts.key[1:]): Counter(cases=1, **measures)}
    if facts.ruling_tenths is not None:
        out[(RULING_TIMES, (*facts.key, facts.ruling_tenths))] = Counter(n=1)
    happened = {"opened": facts.opened_day, **facts.days}
    for what in HAPPENINGS:
        day = happened.get(what)
        if day is not None:
            out[(DAILY, (day, what))] = Counter(n=1)
    ruled = facts.days.get("ruled")
    if ruled is not None and facts.ruling_tenths is not None:
        out[(DAILY_RULING_TIMES, (ruled, facts.ruling_tenths))] = Counter(n=1)
    return out


def delta(old: Facts | None, new: Facts | None) -> dict[tuple, dict[str, int]]:
    """(table, key) → the change of each column when a case's facts go from `old` to `new`; keys that do not
    move are left out."""
    before, after = contributions(old), contributions(new)
    out: dict[tuple, dict[str, int]] = {}
    for place in before.keys() | after.keys():
        b, a = before.get(place, Counter()), after.get(place, Counter())
        change = {col: a.get(col, 0) - b.get(col, 0) for col in set(a) | set(b)}
        if any(change.values()):
            out[place] = change
    return out


def add_up(changes: Iterable[Mapping[tuple, Mapping[str, int]]]) -> dict[tuple, dict[str, int]]:
    """The sum of several cases' deltas, place by place (zero sums dropped)."""
    total: dict[tuple, Counter] = {}
    for change in changes:
        for place, cols in change.items():
            total.setdefault(place, Counter()).update(cols)
    return {place: dict(cols) for place, cols in total.items() if any(cols.values())}


def median_of_counts(counts: Iterable[tuple[int, int]]) -> float | None:
    """The median of a multiset given as (value, how many) pairs: the middle value, or the mean of the middle two
    for an even count (as statistics.median of the values written out); None when empty."""
    pairs = sorted((v, n) for v, n in counts if n > 0)
    total = sum(n for _v, n in pairs)
    if not total:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2      # 0-based ranks of the middle value(s)
    seen, lower = 0, None
    for value, n in pairs:
        if lower is None and lower_rank < seen + n:
            lower = value
        if upper_rank < seen + n:
            return (lower + value) / 2
        seen += n
    raise AssertionError("unreachable: the ranks are below the total")


def hours_median(tenths: Iterable[tuple[int, int]]) -> float | None:
    """The median time in hours, one decimal, from (tenths of an hour, how many) pairs."""
    m = median_of_counts(tenths)
    return None if m is None else round(m / 10, 1)


def days_median(tenths: Iterable[tuple[int, int]]) -> float | None:
    """The median time in days, one decimal, from (tenths of an hour, how many) pairs."""
    m = median_of_counts(tenths)
    return None if m is None else round(m / 240, 1)
