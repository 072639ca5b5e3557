"""Keyset pagination: a page is "the next N rows after this (time, id)", never an OFFSET."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def encode(value: dt.datetime | int, row_id: int) -> str:
    """The cursor after a row: its sort key (a time, in microseconds; or a whole number) and its id."""
    key = value if isinstance(value, int) else int(value.timestamp() * 1_000_000)
    return f"{key}_{row_id}"


def decode_numbers(cursor: str | None) -> tuple[int, int] | None:
    """(key, id) from a URL's cursor; None when absent or malformed (then the first page is shown)."""
    try:
        key, row_id = (int(part) for part in (cursor or "").split("_"))
    except ValueError:
        return None
    return (key, row_id) if 0 <= key < 2**62 and 0 <= row_id < 2**62 else None


def decode(cursor: str | None) -> tuple[dt.datetime, int] | None:
    """A cursor whose key is a time; None when absent or malformed (then the first page is shown)."""
    found = decode_numbers(cursor)
    if found is None:
        return None
    try:
        return dt.datetime.fromtimestamp(found[0] / 1_000_000, dt.timezone.utc), found[1]
    except (ValueError, OverflowError, OSError):
        return None


def _keyset(session, stmt, time_col, id_col, cursor: str | None, size: int, newest: bool) -> Page:
    after = decode(cursor)
    if after:
        key, bound = sa.tuple_(time_col, id_col), sa.tuple_(sa.literal(after[0], time_col.type), sa.literal(after[1]))
        stmt = stmt.where(key < bound if newest else key > bound)
    order = (time_col.desc(), id_col.desc()) if newest else (time_col.asc(), id_col.asc())
    rows = list(session.scalars(stmt.order_by(*order).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode(getattr(rows[-1], time_col.key), rows[-1].id) if more else None)


def newest_first(session, stmt, time_col, id_col, cursor: str | None, size: int) -> Page:
    """Rows ordered by (time desc, id desc), starting after `cursor`."""
    return _keyset(session, stmt, time_col, id_col, cursor, size, newest=True)


def soonest_first(session, stmt, time_col, id_col, cursor: str | None, size: int) -> Page:
    """Rows ordered by (time asc, id asc), starting after `cursor` (queues sorted by deadline)."""
    return _keyset(session, stmt, time_col, id_col, cursor, size, newest=False)
