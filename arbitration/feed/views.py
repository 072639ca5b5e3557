"""The open feed's two operations, on the API's blueprint: the headline figures of a period (the regulator's
dashboard, `stats.headline`) and the masked case list, changes since a cursor (`changes`). Every case is listed:
a client with `oversight:read` reads as a regulator does. Times are China time (+08:00)."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping

from flask import jsonify, request
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.api.errors import ApiError, field_error
from arbitration.api.operations import operation
from arbitration.api.representations import BOOLEAN, INTEGER, STRING, returned
from arbitration.api.shapes import field, many, one
from arbitration.api.views import bp
from arbitration.cases.filters import OUTCOMES, date_arg, date_range
from arbitration.cases.models import CATEGORIES, ORIGINS, REMEDIES
from arbitration.cases.workflow import CaseState
from arbitration.errors import InvalidInput
from arbitration.feed import changes
from arbitration.oversight import dashboard, rules, stats

SCOPE = "oversight:read"
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
# each headline figure's unit (stats.headline's keys; a key missing here fails the figures' test)
UNITS = {"opened": "cases", "closed": "cases", "median_days": "days", "default_share": "percent",
         "refund_ordered": "cases", "refund_paid": "cases", "hidden_fee": "cases"}
NUMBER_OR_NULL = {"type": ["number", "null"]}
CHINA_TIME = {"type": ["string", "null"], "format": "date-time", "description": "China time, +08:00"}


def china_time(source: str | Callable | None = None):
    return field(CHINA_TIME, source, lambda at: at.astimezone(clock.CHINA).isoformat(timespec="seconds")
                 if at else None)


# ---- what the feed returns ----

PERIOD = returned(None, {"from": field({"type": "string", "format": "date"}, lambda p: p.first.isoformat()),
                         "to": field({"type": "string", "format": "date"}, lambda p: p.last.isoformat())},
                  closed=True)
FIGURE = returned(None, {
    "key": field({"enum": list(UNITS)}),
    "value": field(NUMBER_OR_NULL), "previous": field(NUMBER_OR_NULL),
    "change_percent": field(NUMBER_OR_NULL, "change"),
    "unit": field({"enum": sorted(set(UNITS.values()))}, lambda h: UNITS[h.key])})
FIGURES = returned("OversightFigures", {
    "period": one(PERIOD, lambda d: d["period"]), "previous_period": one(PERIOD, lambda d: d["period"].previous()),
    "figures": many(FIGURE, lambda d: d["figures"])})
FIGURES.schema["description"] = (
    "The regulator's dashboard's headline figures for the period (China dates, both included) and the period of "
    "the same length before it. opened, closed: cases opened, closed; median_days: median days from opening to "
    "the first ruling, over the first rulings issued in the period; default_share: the share (per cent) of the "
    "closed cases decided by default; refund_ordered, refund_paid: cases with a refund ordered, paid; hidden_fee: "
    "rulings in force that found an undisclosed fee. A value is null when there is nothing to measure; "
    "change_percent is null when there is no previous value to compare with.")

DECISION = returned(None, {
    "number": field(STRING), "kind": field({"enum": ["reasoned", "default"]}),
    "decision": field({"enum": ["upheld", "partly_upheld", "dismissed"]}), "issued_at": china_time(),
    "remedies": field({"type": "array", "items": {"type": "object", "properties": {
        "remedy": {"enum": list(REMEDIES)}, "amount_fen": INTEGER}}})})
FEED_CASE = returned("OversightCase", {
    "number": field(STRING, "case.number"),
    "state": field({"enum": [s.value for s in CaseState]}, lambda r: r.case.state.value),
    "origin": field({"enum": list(ORIGINS)}, "case.origin"),
    "category": field({"enum": list(CATEGORIES)}, "case.category"),
    "claim_remedy": field({"enum": list(REMEDIES)}, "case.claim_remedy"),
    "disputed_amount_fen": field({**INTEGER, "description": "in fen (1/100 yuan)"}, "case.disputed_amount_fen"),
    "merchant": one(returned(None, {"id": field(INTEGER, "case.merchant_id"), "name": field(STRING, "merchant")},
                             closed=True), lambda r: r),
    "buyer": field({**STRING, "description": "the buyer's name, masked (张*)"}),
    "opened_at": china_time("case.opened_at"), "closed_at": china_time("case.closed_at"),
    "outcome": field({"enum": [*(o for o in OUTCOMES if o != "open"), None]}, "case.outcome"),
    "decision": one(DECISION, "ruling", nullable=True),
    "changed_at": china_time("case.changed_at")})
FEED_PAGE = returned("OversightCases", {
    "cases": many(FEED_CASE, "rows"),
    "next": field({**STRING, "description": "pass it back as since to get what changed after this page"}),
    "more": field({**BOOLEAN, "description": "another page is ready now"}),
    "until": china_time()}, closed=True)

DATE = {"type": "string", "format": "date"}
PERIOD_QUERY = (
    {"name": "from", "required": False, "schema": DATE, "example": "2026-11-01",
     "description": "the first day (China date); with to; both left out: the last 30 days"},
    {"name": "to", "required": False, "schema": DATE, "example": "2026-11-30",
     "description": "the last day (China date), included"})
CHANGES_QUERY = (
    {"name": "since", "required": False, "schema": {"type": "string", "pattern": "^[0-9]{1,19}_[0-9]{1,19}$"},
     "description": "the next of an earlier answer; left out: from the beginning"},
    {"name": "limit", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": changes.MAX_LIMIT, "default": changes.DEFAULT_LIMIT}})


# ---- the operations ----

@bp.route("/oversight/figures")
@operation("Headline figures of a period against the period before (the regulator's dashboard)", scope=SCOPE,
           ok={200: FIGURES}, errors=(422,), query=PERIOD_QUERY)
def oversight_figures():
    period = parse_period(request.args)
    return jsonify(FIGURES.dump({"period": period, "figures": stats.headline(period)}))


@bp.route("/oversight/cases")
@operation("The masked case list: the cases changed since a cursor, in the order they changed", scope=SCOPE,
           ok={200: FEED_PAGE}, errors=(422,), query=CHANGES_QUERY)
def oversight_cases():
    args = checked(request.args, {"since": changes.parse_since, "limit": changes.parse_limit})
    return jsonify(FEED_PAGE.dump(changes.changed_since(args["since"], args["limit"])))


def parse_period(args: Mapping) -> rules.Period:
    """`from` and `to` (China dates, both included; neither: the last 30 days), each bad one named."""
    raw = {name: (args.get(name) or "").strip() for name in ("from", "to")}
    if not any(raw.values()):
        return rules.last_days(dashboard.today())
    checked(raw, {name: functools.partial(_day, name) for name in raw})
    try:
        return rules.Period(*date_range(raw, "from", "to", required=True))
    except InvalidInput as err:           # an inverted range, said at `from`
        raise ApiError("validation_failed", fields=[field_error(err.field, err.message)]) from None


def _day(name: str, value: str) -> dt.date:
    if not value:
        raise InvalidInput(_l("Give both dates, or neither for the last 30 days."), field=name)
    day = date_arg({name: value}, name, required=True)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(_l("Give a date from %(first)s to %(last)s.", first=FIRST_DAY.isoformat(),
                              last=LAST_DAY.isoformat()), field=name)
    return day


def checked(args: Mapping, parsers: Mapping[str, Callable]) -> dict:
    """Each query argument as its parser makes it of the raw value (None when absent); every bad one named at
    once: 422 with each field's message in both languages."""
    out, fields = {}, []
    for name, parse in parsers.items():
        try:
            out[name] = parse(args.get(name))
        except InvalidInput as err:
            fields.append(field_error(err.field or name, err.message))
    if fields:
        raise ApiError("validation_failed", fields=fields)
    return out
