"""Working-day arithmetic over a set of known holidays and make-up days (pure: no Flask, no SQL).

A date whose year has no known data falls back to weekends-only; every result says whether it did.
Deadlines in working days keep the local clock time: started Wed 15:00, "+1 working day" is the next
working day at 15:00.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from arbitration.clock import CHINA


@dataclass(frozen=True)
class Due:
    at: dt.datetime          # aware UTC
    fell_back: bool          # some day on the way was outside the known data (weekends-only used)
    fallback_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class BusinessCalendar:
    known_years: frozenset[int]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)   # days off that would be weekdays
    workdays: frozenset[dt.date] = field(default_factory=frozenset)   # make-up days on weekends
    timezone: ZoneInfo = CHINA        # the days counted are China's (a test may count another zone's)

    def knows(self, day: dt.date) -> bool:
        return day.year in self.known_years

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.datetime, n: int) -> Due:
        """The n-th working day after `start` (n may be negative: that many working days before)."""
        if start.tzinfo is None:
            raise ValueError("start must be aware")
        zone = self.timezone
        local = start.astimezone(zone)
        day = local.date()
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        unknown: set[int] = set()
        if not self.knows(day):
            unknown.add(day.year)
        while remaining:
            day += dt.timedelta(days=step)
            if not self.knows(day):
                unknown.add(day.year)
            if self.is_working_day(day):
                remaining -= 1
        naive = dt.datetime.combine(day, local.time().replace(tzinfo=None))
        due = naive.replace(tzinfo=zone).astimezone(dt.timezone.utc)
        return Due(due, bool(unknown), tuple(sorted(unknown)))

    def working_days_between(self, earlier: dt.datetime, later: dt.datetime) -> int:
        """The working days after `earlier`'s day up to `later`'s day (days in the calendar's zone): how many
        working days before a deadline its reminder is."""
        first, last = earlier.astimezone(self.timezone).date(), later.astimezone(self.timezone).date()
        return sum(1 for i in range(1, (last - first).days + 1)
                   if self.is_working_day(first + dt.timedelta(days=i)))

    def add_hours(self, start: dt.datetime, hours: float) -> Due:
        """Calendar hours (deadlines in hours run through nights and holidays)."""
        return Due((start + dt.timedelta(hours=hours)).astimezone(dt.timezone.utc), False)


def time_left(due: dt.datetime, now: dt.datetime) -> dt.timedelta:
    """Time until `due`; zero once it has passed."""
    return max(due - now, dt.timedelta(0))


def split_duration(delta: dt.timedelta) -> tuple[int, int, int]:
    """(days, hours, minutes) of a duration, rounded down to the minute."""
    minutes = int(delta.total_seconds() // 60)
    return minutes // 1440, (minutes % 1440) // 60, minutes % 60
