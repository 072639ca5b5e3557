"""Login throttling and password rules (pure)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottlePolicy:
    """Failed logins within `window` that make the next login wait before its password is checked: per account
    and address (locks that pair), per address (locks it for every account), and per account from anywhere
    (slows the account to one check per `account_interval` but never locks it, so guesses from elsewhere
    cannot lock the owner out)."""
    max_per_pair: int = 5
    max_per_address: int = 20
    max_per_account: int = 20
    account_interval: dt.timedelta = dt.timedelta(seconds=30)
    window: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Wait:
    until: dt.datetime
    locked: bool        # True: a pair or an address is locked; False: the account is slowed down


def blocked_until(failures: Sequence[dt.datetime], limit: int, window: dt.timedelta,
                  now: dt.datetime) -> dt.datetime | None:
    """With `limit` or more failures inside the window, logins wait until the oldest of the last
    `limit` failures leaves the window."""
    recent = sorted(t for t in failures if t > now - window)
    if len(recent) < limit:
        return None
    return recent[-limit] + window


def slowed_until(failures: Sequence[dt.datetime], limit: int, interval: dt.timedelta, window: dt.timedelta,
                 now: dt.datetime) -> dt.datetime | None:
    """With `limit` or more failures inside the window, one check per `interval`: logins wait until the
    latest failure is `interval` old."""
    recent = [t for t in failures if t > now - window]
    if len(recent) < limit:
        return None
    until = max(recent) + interval
    return until if until > now else None


def login_wait(pair: Sequence[dt.datetime], address: Sequence[dt.datetime], account: Sequence[dt.datetime],
               policy: ThrottlePolicy, now: dt.datetime) -> Wait | None:
    """Whether a login must wait before its password is checked, given the failures recorded for its account
    from its address, from its address for any account, and for its account from anywhere; the longest wait."""
    waits = []
    for failures, limit in ((pair, policy.max_per_pair), (address, policy.max_per_address)):
        until = blocked_until(failures, limit, policy.window, now)
        if until:
            waits.append(Wait(until, locked=True))
    slowed = slowed_until(account, policy.max_per_account, policy.account_interval, policy.window, now)
    if slowed:
        waits.append(Wait(slowed, locked=False))
    return max(waits, key=lambda w: w.until, default=None)


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
