"""The one source of "now": aware UTC datetimes, frozen in tests, advanced by a testing-only hook."""
from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
# The business time zone: working days, deadlines in working days, case numbers' years and date filters are
# China's, whatever ARBITRATION_TIMEZONE says (that setting only changes how times are displayed).
CHINA = ZoneInfo("Asia/Shanghai")
_lock = threading.Lock()
_frozen: dt.datetime | None = None
_offset = dt.timedelta(0)


def now_utc() -> dt.datetime:
    with _lock:
        if _frozen is not None:
            return _frozen
        return dt.datetime.now(UTC) + _offset


def freeze(at: dt.datetime) -> None:
    """Stop the clock at `at` (tests)."""
    global _frozen
    if at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    with _lock:
        _frozen = at.astimezone(UTC)


def advance(delta: dt.timedelta) -> None:
    """Move the clock forward: the frozen instant, or the running clock's offset (testing hook)."""
    global _frozen, _offset
    with _lock:
        if _frozen is not None:
            _frozen = _frozen + delta
        else:
            _offset = _offset + delta


def reset() -> None:
    global _frozen, _offset
    with _lock:
        _frozen = None
        _offset = dt.timedelta(0)


def local(value: dt.datetime, tz: str) -> dt.datetime:
    return value.astimezone(ZoneInfo(tz))
