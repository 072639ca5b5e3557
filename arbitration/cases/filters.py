"""The case filter shared by the case list, the regulators' exports and the statistics: parsed once from a
query string (or CLI options), with a clear message for each bad value, then applied to a case query."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock

from arbitration.cases.models import CATEGORIES, Case
from arbitration.cases.workflow import CaseState
from arbitration.db import db
from arbitration.deadlines.models import Deadline
from arbitration.errors import InvalidInput
from arbitration.merchants.models import Merchant
from arbitration.orders.models import Order
from arbitration.orders.queries import like_pattern

OUTCOMES = ("accepted", "settled", "ruled", "default_ruling", "withdrawn", "open")


@dataclass(frozen=True)
class CaseFilter:
    date_from: dt.date | None = None       # opened on or after (China date)
    date_to: dt.date | None = None         # opened on or before
    merchant_id: int | None = None
    category: str = ""
    outcome: str = ""
    stage: str = ""
    missed: bool = False                   # a deadline of the case passed (its default outcome applied)
    escalated: bool = False
    q: str = ""                            # case or order number

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("date_from", "date_to"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> "CaseFilter":
        return parse({k: ("1" if v is True else "" if v in (None, False) else str(v)) for k, v in data.items()})

    def query_args(self) -> dict:
        return {k: v for k, v in ((k, ("1" if v is True else v)) for k, v in self.to_json().items()) if v}


def date_arg(args: Mapping, name: str, required: bool = False) -> dt.date | None:
    """A China date of request args (YYYY-MM-DD); InvalidInput names the field when it is malformed (or missing
    and `required`)."""
    raw = (args.get(name) or "").strip()
    if not raw and not required:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_l("Dates look like 2026-10-01."), field=name) from None


def date_range(args: Mapping, start: str, end: str, required: bool = False) -> tuple[dt.date | None, dt.date | None]:
    """Two dates of request args (either may be missing unless `required`); InvalidInput names the bad field, and
    the start's for an inverted range. Every page with a date range reads it here: the case lists, the dashboard,
    its drill-down, the consistency figures."""
    first, last = date_arg(args, start, required), date_arg(args, end, required)
    if first and last and first > last:
        raise InvalidInput(_l("The date range is inverted: the start (%(start)s) is after the end (%(end)s).",
                              start=first.isoformat(), end=last.isoformat()), field=start)
    return first, last


def parse(args: Mapping) -> CaseFilter:
    """From request args; InvalidInput names the bad field. Unknown values are refused, never ignored."""
    date_from, date_to = date_range(args, "date_from", "date_to")
    merchant_id = None
    raw = (args.get("merchant_id") or args.get("merchant") or "").strip()
    if raw:
        if not raw.isdigit() or db.session.get(Merchant, int(raw)) is None:
            raise InvalidInput(_l("No such merchant."), field="merchant_id")
        merchant_id = int(raw)
    values = {}
    for name, allowed, message in (("category", CATEGORIES, _l("Unknown category.")),
                                   ("outcome", OUTCOMES, _l("Unknown outcome.")),
                                   ("stage", tuple(CaseState.__members__), _l("Unknown stage."))):
        value = (args.get(name) or "").strip()
        if value and value not in allowed:
            raise InvalidInput(message, field=name)
        values[name] = value
    return CaseFilter(date_from=date_from, date_to=date_to, merchant_id=merchant_id,
                      missed=(args.get("missed") or "") in ("1", "true", "on"),
                      escalated=(args.get("escalated") or "") in ("1", "true", "on"),
                      q=(args.get("q") or "").strip()[:50], **values)


def start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), clock.CHINA).astimezone(dt.timezone.utc)


def missed_deadline():
    """EXISTS: a deadline of the case passed and its default outcome was applied."""
    return sa.exists().where(Deadline.subject_type == "case", Deadline.subject_id == sa.cast(Case.id, sa.String),
                             Deadline.state == "applied")


def apply(stmt, f: CaseFilter):
    if f.date_from:
        stmt = stmt.where(Case.opened_at >= start_of(f.date_from))
    if f.date_to:
        stmt = stmt.where(Case.opened_at < start_of(f.date_to + dt.timedelta(days=1)))
    if f.merchant_id:
        stmt = stmt.where(Case.merchant_id == f.merchant_id)
    if f.category:
        stmt = stmt.where(Case.category == f.category)
    if f.outcome == "open":
        stmt = stmt.where(Case.outcome.is_(None))
    elif f.outcome:
        stmt = stmt.where(Case.outcome == f.outcome)
    if f.stage:
        stmt = stmt.where(Case.state == CaseState(f.stage))
    if f.missed:
        stmt = stmt.where(missed_deadline())
    if f.escalated:
        stmt = stmt.where(Case.escalated.is_(True))
    if f.q:
        pattern = like_pattern(f.q)
        orders = sa.select(Order.id).where(Order.number.ilike(pattern, escape="\\"))
        stmt = stmt.where(sa.or_(Case.number.ilike(pattern, escape="\\"), Case.order_id.in_(orders)))
    return stmt
