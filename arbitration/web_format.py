"""Formatting shared by messages and pages: times in the display zone."""
from __future__ import annotations

import datetime as dt

from flask import current_app, has_request_context, url_for
from flask_babel import format_datetime


def format_local(value: dt.datetime, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC time in the display time zone (Flask-Babel's selector: Asia/Shanghai by default)."""
    return format_datetime(value, fmt)


def path_for(endpoint: str, **values) -> str:
    """The path of a page, inside a request or not (jobs and the deadline sweep build links too)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)
