"""Bulk exports' states as data (pure): asked for (queued), being built (running), then done, failed or
cancelled; a queued export is cancelled at once, a running one when the job next looks (exports.cancel).
Also the dashboard's arithmetic: periods of whole days, the period before, changes in per cent, medians."""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from arbitration.flows import Flow

EXPORT_FLOW = Flow.of("export", start={"queued"}, moves={
    "queued": {"running", "cancelled"},
    "running": {"done", "failed", "cancelled"},
})
ACTIVE = frozenset({"queued", "running"})


# ---- the regulator's dashboard: periods of whole China days, changes, medians (pure) ----

@dataclass(frozen=True)
class Period:
    """Whole days from `first` to `last`, both included (China dates)."""
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        last = self.first - dt.timedelta(days=1)
        return Period(last - dt.timedelta(days=self.days - 1), last)


DEFAULT_DAYS = 30


def last_days(today: dt.date, days: int = DEFAULT_DAYS) -> Period:
    """The last `days` days, today included."""
    return Period(today - dt.timedelta(days=days - 1), today)


def change_percent(current: float | None, previous: float | None) -> float | None:
    """The change from `previous` to `current` in per cent, one decimal; None when there is nothing to compare
    with (no previous value, or a previous value of 0)."""
    if current is None or previous is None or previous == 0:
        return None
    return round(100 * (current - previous) / abs(previous), 1)


def median(values) -> float | None:
    """The median (the mean of the middle two for an even count); None for no values."""
    values = list(values)
    return float(statistics.median(values)) if values else None


def share_percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def last_months(today: dt.date, n: int = 12) -> list[Period]:
    """The last `n` calendar months, oldest first, the current month (to its last day) included."""
    year, month = today.year, today.month
    months = []
    for _ in range(n):
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        months.append(Period(first, nxt - dt.timedelta(days=1)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]
