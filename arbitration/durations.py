"""Lengths of time as people say them: the units of a duration, chosen once for every page and message.

A period (a rule's window, a limit) under four days is said in hours, as platforms publish short windows
(24, 48, 72 hours); from four days on in days (168 hours are 7 days; 100 hours are 4 days 4 hours). Minutes
show only when there are some (90 minutes are 1 hour 30 minutes). A countdown keeps two neighbouring units,
zeros included (2 days 0 hours left), so it visibly ticks. The words are `web_format.duration`'s; this module
only counts.
"""
from __future__ import annotations

DAYS_FROM = 4 * 24 * 60     # a period this long or longer is said in days


def parts(minutes: int, *, countdown: bool = False) -> list[tuple[str, int]]:
    """[(unit, count), ...] of a duration of `minutes` (whole minutes; a negative duration counts as 0)."""
    minutes = max(int(minutes), 0)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if countdown:
        if days:
            return [("day", days), ("hour", hours)]
        if hours:
            return [("hour", hours), ("minute", mins)]
        return [("minute", mins)]
    if minutes < DAYS_FROM:
        days, hours = 0, hours + days * 24
    found = [(unit, n) for unit, n in (("day", days), ("hour", hours), ("minute", mins)) if n]
    return found or [("minute", 0)]
