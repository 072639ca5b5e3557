"""The open feed's case list: the cases that changed after a cursor, in the order they changed ((changed_at, id):
the ix_cases_changed index, so any page is one index range), each listed once its change has settled."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.errors import InvalidInput
from arbitration.oversight.rows import CaseRow, case_rows
from arbitration.pagination import decode_numbers

DEFAULT_LIMIT, MAX_LIMIT = 100, 500
# a change is listed once it is this old: a transaction that stamped its cases at `now` and committed a little
# later (a long sweep), or a host whose clock runs a little behind, can then never land behind a cursor already
# given out; a pull a day needs no fresher data
SETTLE = dt.timedelta(minutes=5)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
MICROSECOND = dt.timedelta(microseconds=1)
START = "0_0"                         # before every change: where a first pull starts
BAD_CURSOR = _l("This cursor was not given out by the feed: pass back the \"next\" of an earlier answer, or "
                "leave since out to start from the beginning.")


@dataclass(frozen=True)
class Changes:
    rows: list[CaseRow]
    next: str                         # pass back as `since`: after the last row, or the cursor given when none
    more: bool                        # another page is ready now
    until: dt.datetime                # changes up to this moment are listed; later ones on a later pull


def encode(at: dt.datetime, case_id: int) -> str:
    """The cursor after a change: its time in whole microseconds since 1970 (integer arithmetic, so the cursor
    is exactly the stored time and the row is never listed again) and the case's id."""
    return f"{(at - EPOCH) // MICROSECOND}_{case_id}"


def parse_since(raw: str | None) -> tuple[dt.datetime, int]:
    """The position a `since` cursor names; the start when absent; a cursor the feed did not give out is refused."""
    raw = (raw or "").strip()
    found = decode_numbers(raw or START)
    if found is None:
        raise InvalidInput(BAD_CURSOR, field="since")
    try:
        return EPOCH + found[0] * MICROSECOND, found[1]
    except OverflowError:
        raise InvalidInput(BAD_CURSOR, field="since") from None


def parse_limit(raw: str | None) -> int:
    raw = (raw or "").strip()
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise InvalidInput(_l("Give a whole number from 1 to %(n)d.", n=MAX_LIMIT), field="limit")
    return int(raw)


def changed_since(after: tuple[dt.datetime, int], limit: int = DEFAULT_LIMIT,
                  now: dt.datetime | None = None) -> Changes:
    """The page of cases changed after the position `after` (parse_since), their rows masked."""
    until = (now or clock.now_utc()) - SETTLE
    at, after_id = sa.literal(after[0], Case.changed_at.type), sa.literal(after[1])
    # the plain bound lets the planner estimate the range (as the case lists do, queries.case_list)
    stmt = (sa.select(Case).where(Case.changed_at >= at, Case.changed_at <= until,
                                  sa.tuple_(Case.changed_at, Case.id) > sa.tuple_(at, after_id))
            .order_by(Case.changed_at, Case.id).limit(limit + 1))
    cases = list(db.session.scalars(stmt))
    more, cases = len(cases) > limit, cases[:limit]
    last = (cases[-1].changed_at, cases[-1].id) if cases else after     # nothing new: the same cursor again
    return Changes(case_rows(cases), encode(*last), more, until)
