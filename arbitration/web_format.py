"""Formatting shared by messages and pages: times in the display zone, durations, masked names."""
from __future__ import annotations

import datetime as dt

from flask import current_app, has_request_context, url_for
from flask_babel import format_datetime, ngettext
from flask_babel.speaklater import LazyString

from arbitration.durations import parts

_UNIT_WORDS = {
    "day": lambda n: ngettext("%(num)d day", "%(num)d days", n),
    "hour": lambda n: ngettext("%(num)d hour", "%(num)d hours", n),
    "minute": lambda n: ngettext("%(num)d minute", "%(num)d minutes", n),
}


def format_local(value: dt.datetime, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC time in the display time zone (Flask-Babel's selector: Asia/Shanghai by default)."""
    return format_datetime(value, fmt)


def duration(*, days: int = 0, hours: int = 0, minutes: int = 0, countdown: bool = False) -> str:
    """A length of time in the reader's language, in the units `durations.parts` chooses: "7 天", "48 hours";
    the one formatter of every page and message that says how long something lasts."""
    total = int(days * 1440 + hours * 60 + minutes)
    return " ".join(_UNIT_WORDS[unit](n) for unit, n in parts(total, countdown=countdown))


def lazy_duration(**kwargs) -> LazyString:
    """`duration` said when the text is read (for lazy messages kept in tables)."""
    return LazyString(duration, **kwargs)


def mask_name(name: str | None) -> str:
    """A person's name as lists show it to others: the first character and one star (张三 → 张*), whatever its
    length, so neither the name nor its length shows."""
    name = (name or "").strip()
    return f"{name[0]}*" if name else "*"


def path_for(endpoint: str, **values) -> str:
    """The path of a page, inside a request or not (jobs and the deadline sweep build links too)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)
