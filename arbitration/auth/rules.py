"""Login throttling and password rules (pure)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottlePolicy:
    max_per_account: int = 5
    max_per_address: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)


def blocked_until(failures: Sequence[dt.datetime], limit: int, window: dt.timedelta,
                  now: dt.datetime) -> dt.datetime | None:
    """With `limit` or more failures inside the window, logins wait until the oldest of the last
    `limit` failures leaves the window."""
    recent = sorted(t for t in failures if t > now - window)
    if len(recent) < limit:
        return None
    return recent[-limit] + window


MIN_PASSWORD_LENGTH = 10


def password_problem(password: str, username: str) -> str | None:
    """A reason code when a password is too weak, else None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if username and username.lower() in password.lower():
        return "contains_username"
    if len(set(password)) < 4:
        return "too_simple"
    return None
