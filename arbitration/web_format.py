"""Formatting shared by messages and pages: times in the display zone."""
from __future__ import annotations

import datetime as dt

from flask_babel import format_datetime


def format_local(value: dt.datetime, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC time in the display time zone (Flask-Babel's selector: Asia/Shanghai by default)."""
    return format_datetime(value, fmt)
