"""Keyset pagination: a page is "the next N rows after this (time, id)", never an OFFSET."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def encode(value: dt.datetime, row_id: int) -> str:
    return f"{int(value.timestamp() * 1_000_000)}_{row_id}"


def decode(cursor: str | None) -> tuple[dt.datetime, int] | None:
    """A cursor from a URL; None when absent or malformed (then the first page is shown)."""
    try:
        micros, row_id = (cursor or "").split("_")
        return dt.datetime.fromtimestamp(int(micros) / 1_000_000, dt.timezone.utc), int(row_id)
    except (ValueError, OverflowError, OSError):
        return None


def newest_first(session, stmt, time_col, id_col, cursor: str | None, size: int) -> Page:
    """Rows ordered by (time desc, id desc), starting after `cursor`."""
    after = decode(cursor)
    if after:
        stmt = stmt.where(sa.tuple_(time_col, id_col) < sa.tuple_(sa.literal(after[0], time_col.type),
                                                                    sa.literal(after[1])))
    rows = list(session.scalars(stmt.order_by(time_col.desc(), id_col.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode(getattr(rows[-1], time_col.key), rows[-1].id) if more else None)


def soonest_first(session, stmt, time_col, id_col, cursor: str | None, size: int) -> Page:
    """Rows ordered by (time asc, id asc), starting after `cursor` (queues sorted by deadline)."""
    after = decode(cursor)
    if after:
        stmt = stmt.where(sa.tuple_(time_col, id_col) > sa.tuple_(sa.literal(after[0], time_col.type),
                                                                    sa.literal(after[1])))
    rows = list(session.scalars(stmt.order_by(time_col.asc(), id_col.asc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode(getattr(rows[-1], time_col.key), rows[-1].id) if more else None)
