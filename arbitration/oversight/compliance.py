"""Merchant compliance from the record: for the cases opened in a period, how many of each merchant's cases have
each element (a missed deadline, a hidden-fee finding, …), then the score (compliance_rules). One grouped query
per element for all merchants, never one per merchant; each element is also a `?happened=` filter of the case
list, so every count on the pages leads to exactly the cases it counts."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.cases import filters
from arbitration.cases import queries as case_queries
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.deadlines.models import Deadline
from arbitration.errors import InvalidInput
from arbitration.merchants.models import Merchant
from arbitration.oversight import compliance_rules as cr
from arbitration.oversight import rollups
from arbitration.oversight.models import StatsOpened
from arbitration.rulings.models import Ruling

AGAINST = cr.AGAINST
HISTORY_MONTHS = 12
CASES_SHOWN = 20            # the merchant's page lists at most this many cases per element, then links to all


def _merchant_deadline_missed(enforcement: bool):
    """EXISTS: a deadline of the merchant's own on the case passed and its default outcome was applied; the
    enforcement deadline (remedies not carried out in time) is its own element."""
    kind = Deadline.kind == "enforcement" if enforcement else Deadline.kind != "enforcement"
    return sa.exists().where(Deadline.subject_type == "case", Deadline.subject_id == sa.cast(Case.id, sa.String),
                             Deadline.actor_merchant_id == Case.merchant_id, Deadline.state == "applied", kind)


def _in_force(*conditions):
    """EXISTS: the case's ruling in force (no later round) meets `conditions`."""
    later = sa.orm.aliased(Ruling)
    return sa.exists().where(Ruling.case_id == Case.id, *conditions,
                             ~sa.exists().where(later.case_id == Ruling.case_id, later.round > Ruling.round))


def _reversed():
    """EXISTS: the reconsideration decided more against the merchant than the first ruling (dismissed → upheld
    in whole or part, partly upheld → upheld)."""
    first, second = sa.orm.aliased(Ruling), sa.orm.aliased(Ruling)
    worse = sa.or_(sa.and_(first.decision == "dismissed", second.decision.in_(AGAINST)),
                   sa.and_(first.decision == "partly_upheld", second.decision == "upheld"))
    return sa.exists().where(first.case_id == Case.id, first.round == 1, second.case_id == Case.id,
                             second.round == 2, worse)


@dataclass(frozen=True)
class Element:
    key: str
    label: object
    meaning: object
    condition: object           # () → a condition on Case


ELEMENTS: dict[str, Element] = {e.key: e for e in (
    Element("missed", _l("Missed deadlines"),
            _l("a deadline of the merchant's (answer, evidence) passed and the published default applied"),
            lambda: _merchant_deadline_missed(enforcement=False)),
    Element("hidden_fee", _l("Hidden-fee findings"),
            _l("the ruling in force found a fee that was not disclosed before payment"),
            lambda: _in_force(Ruling.found_tags_json.like('%"hidden_fee"%'))),
    Element("upheld", _l("Claims upheld"),
            _l("the ruling in force upheld the buyer's claim in whole or in part (default rulings included)"),
            lambda: _in_force(Ruling.decision.in_(AGAINST))),
    Element("remedy_late", _l("Remedies late or unpaid"),
            _l("the remedies were not all carried out by the enforcement deadline"),
            lambda: _merchant_deadline_missed(enforcement=True)),
    Element("reversed", _l("Reversals on reconsideration"),
            _l("the reconsideration decided more against the merchant than the first ruling"), _reversed),
    Element("risk_lock", _l("Risk-lock complaints"), _l("the case is a complaint about a risk-control lock"),
            lambda: Case.category == "risk_lock"),
)}
assert tuple(ELEMENTS) == cr.ELEMENTS


def happening_name(element: str) -> str:
    return f"compliance_{element}"


def _register(element: Element) -> None:
    @case_queries.happening(happening_name(element.key), _l("Opened in the period: %(what)s", what=element.label))
    def _opened_with(start, end):
        return sa.and_(Case.opened_at >= start, Case.opened_at < end, element.condition())


for _element in ELEMENTS.values():
    _register(_element)


# ---- the period: whole months, from/to as YYYY-MM ----

@dataclass(frozen=True)
class Months:
    first: dt.date          # the first day of the first month
    last: dt.date           # the last day of the last month

    def query_args(self) -> dict:
        return {"from": self.first.strftime("%Y-%m"), "to": self.last.strftime("%Y-%m")}

    def drill(self, what: str) -> dict:
        """The case list's args for the cases opened in these months to which `what` happened."""
        return case_queries.Happened(what, self.first, self.last).query_args()


def today() -> dt.date:
    return clock.now_utc().astimezone(clock.CHINA).date()


def last_months(on: dt.date, n: int = HISTORY_MONTHS) -> Months:
    first = cr.month_of(on)
    for _ in range(n - 1):
        first = cr.month_of(first - dt.timedelta(days=1))
    return Months(first, cr.next_month(cr.month_of(on)) - dt.timedelta(days=1))


def parse_months(args: Mapping, on: dt.date) -> Months:
    """`from`/`to` as YYYY-MM (both included); both missing: the last 12 months to this one. InvalidInput names
    the bad field."""
    raw = {name: (args.get(name) or "").strip() for name in ("from", "to")}
    if not raw["from"] and not raw["to"]:
        return last_months(on)
    parsed = {}
    for name in ("from", "to"):
        parsed[name] = cr.parse_month(raw[name])
        if parsed[name] is None:
            raise InvalidInput(_l("Months look like 2026-10."), field=name)
    if parsed["from"] > parsed["to"]:
        raise InvalidInput(_l("The months are inverted: %(first)s is after %(last)s.", first=raw["from"],
                              last=raw["to"]), field="from")
    return Months(parsed["from"], cr.next_month(parsed["to"]) - dt.timedelta(days=1))


def _span(months: Months) -> tuple[dt.datetime, dt.datetime]:
    return filters.start_of(months.first), filters.start_of(months.last + dt.timedelta(days=1))


# ---- every merchant: the regulator's table ----

@dataclass
class MerchantRecord:
    merchant_id: int
    name: str
    record: cr.Record


def _grouped(condition, start, end) -> dict[int, int]:
    stmt = (sa.select(Case.merchant_id, sa.func.count()).where(Case.opened_at >= start, Case.opened_at < end,
                                                               condition).group_by(Case.merchant_id))
    return dict(db.session.execute(stmt).all())


def records(months: Months) -> list[MerchantRecord]:
    """Every merchant with a case opened in `months`, worst score first: one grouped statement over the opening-day
    roll-up (oversight.rollups) and one for the names."""
    rollups.catch_up(db.session)
    t = StatsOpened
    sums = db.session.execute(
        sa.select(t.merchant_id, sa.func.sum(t.cases), *(sa.func.sum(getattr(t, key)) for key in cr.ELEMENTS))
        .where(t.opened_day >= months.first, t.opened_day <= months.last).group_by(t.merchant_id)).all()
    cases = {row[0]: row[1] for row in sums if row[1]}
    counts = {key: {row[0]: row[2 + i] for row in sums} for i, key in enumerate(cr.ELEMENTS)}
    return ordered(cases, counts)


def records_by_scan(months: Months) -> list[MerchantRecord]:
    """`records` by a full scan of the cases (the reference `flask stats check` compares it with):
    1 + len(ELEMENTS) grouped queries."""
    start, end = _span(months)
    cases = _grouped(sa.true(), start, end)
    counts = {key: _grouped(e.condition(), start, end) for key, e in ELEMENTS.items()}
    return ordered(cases, counts)


def records_of_cases(case_ids) -> list[MerchantRecord]:
    """The same over the cases a select of Case.id gives (the statistics' full scan)."""
    def grouped(condition):
        return dict(db.session.execute(sa.select(Case.merchant_id, sa.func.count()).where(
            Case.id.in_(case_ids), condition).group_by(Case.merchant_id)).all())
    return ordered(grouped(sa.true()), {key: grouped(e.condition()) for key, e in ELEMENTS.items()})


def ordered(cases: dict[int, int], counts: dict[str, dict[int, int]],
            names: dict[int, str] | None = None) -> list[MerchantRecord]:
    """Worst first (compliance_rules.worst_first); `names` (id → name) when the caller has them already."""
    if not cases:
        return []
    if names is None:
        names = dict(db.session.execute(sa.select(Merchant.id, Merchant.name)
                                        .where(Merchant.id.in_(cases))).all())
    by_id = {m: cr.Record(n, {key: counts[key].get(m, 0) for key in cr.ELEMENTS}) for m, n in cases.items()}
    return [MerchantRecord(m, names.get(m, str(m)), by_id[m]) for m in cr.worst_first(by_id, names)]


# ---- one merchant: its months and the cases behind each element ----

@dataclass
class MerchantView:
    merchant: Merchant
    months: Months
    record: cr.Record
    history: list[tuple[dt.date, cr.Record]] = field(default_factory=list)    # oldest month first
    cases: dict[str, list] = field(default_factory=dict)     # element → its cases (id, number, opened_at), newest first


def _month(opened: dt.datetime) -> dt.date:
    opened = opened if opened.tzinfo else opened.replace(tzinfo=dt.timezone.utc)
    return cr.month_of(opened.astimezone(clock.CHINA).date())


def merchant_view(merchant: Merchant, months: Months) -> MerchantView:
    """`merchant`'s record over `months`, month by month, with the cases behind each element: one query for its
    cases and one per element, each a range of its own cases (bucketed by month here)."""
    start, end = _span(months)
    mine = sa.select(Case.id, Case.number, Case.opened_at).where(
        Case.merchant_id == merchant.id, Case.opened_at >= start, Case.opened_at < end)
    newest = (Case.opened_at.desc(), Case.id.desc())
    all_cases = db.session.execute(mine.order_by(*newest)).all()
    behind = {key: db.session.execute(mine.where(e.condition()).order_by(*newest)).all()
              for key, e in ELEMENTS.items()}
    month_list = cr.months_between(months.first, months.last)
    per_month = {m: [0, {key: 0 for key in cr.ELEMENTS}] for m in month_list}
    for case in all_cases:
        per_month[_month(case.opened_at)][0] += 1
    for key, found in behind.items():
        for case in found:
            per_month[_month(case.opened_at)][1][key] += 1
    history = [(m, cr.Record(per_month[m][0], per_month[m][1])) for m in month_list]
    record = cr.Record(len(all_cases), {key: len(found) for key, found in behind.items()})
    return MerchantView(merchant, months, record, history, behind)
