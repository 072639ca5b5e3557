"""Statistics for regulators and supervisors over the cases a filter selects: cases per merchant, category,
outcome and month; the share of merchant deadlines missed; the median time from opening to the first ruling;
hidden-fee findings per merchant; and a ranking that points at the worst offenders. Every figure is a table
(for the page, the chart and its CSV)."""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.cases import filters
from arbitration.cases import queries as case_queries
from arbitration.cases.filters import CaseFilter
from arbitration.cases.messages import CATEGORY_LABELS, OUTCOME_LABELS
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.deadlines.models import Deadline
from arbitration.merchants.models import Merchant
from arbitration.oversight import compliance, compliance_rules, rules
from arbitration.rulings.models import Ruling

AGAINST = ("upheld", "partly_upheld")     # a ruling in the buyer's favour, in whole or in part


@dataclass
class Figure:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart_column: int = 1          # the column the chart draws
    unit: str = ""
    decimals: int = 0


def _cases(f: CaseFilter):
    return filters.apply(sa.select(Case.id), f).subquery()


def _merchant_names() -> dict[int, str]:
    return dict(db.session.execute(sa.select(Merchant.id, Merchant.name)).all())


def _count_by(column, f: CaseFilter) -> list[tuple]:
    ids = _cases(f)
    return db.session.execute(sa.select(column, sa.func.count()).where(Case.id.in_(sa.select(ids.c.id)))
                              .group_by(column).order_by(sa.func.count().desc(), column)).all()


def per_merchant(f: CaseFilter) -> Figure:
    names = _merchant_names()
    rows = [[names.get(m, m), n] for m, n in _count_by(Case.merchant_id, f)]
    return Figure("per_merchant", _("Cases per merchant"), [_("Merchant"), _("Cases")], rows)


def per_category(f: CaseFilter) -> Figure:
    rows = [[str(CATEGORY_LABELS.get(c, c)), n] for c, n in _count_by(Case.category, f)]
    return Figure("per_category", _("Cases per category"), [_("Category"), _("Cases")], rows)


def per_outcome(f: CaseFilter) -> Figure:
    rows = [[str(OUTCOME_LABELS.get(o or "open", o)), n] for o, n in _count_by(Case.outcome, f)]
    return Figure("per_outcome", _("Cases per outcome"), [_("Outcome"), _("Cases")], rows)


def per_month(f: CaseFilter) -> Figure:
    """Cases opened per month (China time), counted while streaming the opening times."""
    ids = _cases(f)
    months: Counter = Counter()
    stmt = sa.select(Case.opened_at).where(Case.id.in_(sa.select(ids.c.id))).execution_options(yield_per=2000)
    for (opened,) in db.session.execute(stmt):
        months[opened.astimezone(clock.CHINA).strftime("%Y-%m")] += 1
    return Figure("per_month", _("Cases opened per month"), [_("Month"), _("Cases")],
                  [[m, months[m]] for m in sorted(months)])


def _deadline_counts(f: CaseFilter) -> dict[int, Counter]:
    """merchant id → {"met": n, "applied": n} for its deadlines on these cases that ended."""
    ids = _cases(f)
    stmt = (sa.select(Case.merchant_id, Deadline.state, sa.func.count())
            .join(Case, Deadline.subject_id == sa.cast(Case.id, sa.String))
            .where(Deadline.subject_type == "case", Deadline.actor_merchant_id.is_not(None),
                   Deadline.state.in_(("met", "applied")), Case.id.in_(sa.select(ids.c.id)))
            .group_by(Case.merchant_id, Deadline.state))
    counts: dict[int, Counter] = {}
    for merchant_id, state, n in db.session.execute(stmt):
        counts.setdefault(merchant_id, Counter())[state] += n
    return counts


def deadlines_missed(f: CaseFilter) -> Figure:
    """Per merchant: its deadlines on these cases that passed (the default outcome applied) among those that
    ended (met or passed)."""
    names = _merchant_names()
    rows = []
    for merchant_id, c in _deadline_counts(f).items():
        ended = c["met"] + c["applied"]
        rows.append([names.get(merchant_id, merchant_id), round(100 * c["applied"] / ended, 1), c["applied"], ended])
    rows.sort(key=lambda r: (-r[1], str(r[0])))
    total_missed, total_ended = sum(r[2] for r in rows), sum(r[3] for r in rows)
    if rows:
        rows.append([_("All merchants"), round(100 * total_missed / total_ended, 1), total_missed, total_ended])
    return Figure("deadlines_missed", _("Share of merchant deadlines missed"),
                  [_("Merchant"), _("Missed (%)"), _("Missed"), _("Ended")], rows, unit="%", decimals=1)


def time_to_ruling(f: CaseFilter) -> Figure:
    """The median time from opening to the first ruling, in hours, overall and per category."""
    ids = _cases(f)
    first = (sa.select(Ruling.case_id, sa.func.min(Ruling.issued_at).label("at")).group_by(Ruling.case_id)
             .subquery())
    stmt = (sa.select(Case.category, Case.opened_at, first.c.at).join(first, first.c.case_id == Case.id)
            .where(Case.id.in_(sa.select(ids.c.id))))
    by_category: dict[str, list[float]] = {}
    everything: list[float] = []
    for category, opened, ruled in db.session.execute(stmt):
        ruled = ruled if ruled.tzinfo else ruled.replace(tzinfo=dt.timezone.utc)
        hours = (ruled - opened).total_seconds() / 3600
        by_category.setdefault(category, []).append(hours)
        everything.append(hours)
    rows = [[str(CATEGORY_LABELS.get(c, c)), round(statistics.median(v), 1), len(v)]
            for c, v in sorted(by_category.items())]
    if everything:
        rows.insert(0, [_("All categories"), round(statistics.median(everything), 1), len(everything)])
    return Figure("time_to_ruling", _("Median time from opening to the first ruling (hours)"),
                  [_("Category"), _("Median (hours)"), _("Rulings")], rows, unit=" h", decimals=1)


def _ruling_in_force():
    """Each case's latest ruling (a reconsideration's supersedes the first)."""
    latest = sa.select(Ruling.case_id, sa.func.max(Ruling.round).label("round")).group_by(Ruling.case_id).subquery()
    on = sa.and_(Ruling.case_id == latest.c.case_id, Ruling.round == latest.c.round)
    return sa.select(Ruling).join(latest, on)


def _in_force_rows(f: CaseFilter):
    ids = _cases(f)
    stmt = _ruling_in_force().add_columns(Case.merchant_id).join(Case, Case.id == Ruling.case_id).where(
        Case.id.in_(sa.select(ids.c.id)))
    return db.session.execute(stmt).all()


def hidden_fees(f: CaseFilter) -> Figure:
    """Rulings in force that found an undisclosed fee, per merchant."""
    counts: Counter = Counter()
    for ruling, merchant_id in _in_force_rows(f):
        if "hidden_fee" in ruling.found_tags:
            counts[merchant_id] += 1
    names = _merchant_names()
    rows = [[names.get(m, m), n] for m, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(names.get(kv[0]))))]
    return Figure("hidden_fees", _("Hidden-fee findings per merchant"), [_("Merchant"), _("Findings")], rows)


def ranking(f: CaseFilter) -> Figure:
    """Worst first by the compliance score (oversight/compliance_rules: the formula the merchants' compliance page
    prints) over the cases the filter selects; merchants with fewer than MIN_CASES cases have no score and are
    not ranked."""
    rows = []
    for r in compliance.records_of_cases(sa.select(_cases(f).c.id)):
        if r.record.scored:
            rows.append([r.name, r.record.score, r.record.cases,
                         *(r.record.count(key) for key in compliance_rules.ELEMENTS)])
    return Figure("ranking", _("Merchant ranking by compliance score (worst first)"),
                  [_("Merchant"), _("Compliance score"), _("Cases"),
                   *(str(e.label) for e in compliance.ELEMENTS.values())], rows, decimals=1)


FIGURES = {"per_merchant": per_merchant, "per_category": per_category, "per_outcome": per_outcome,
           "per_month": per_month, "deadlines_missed": deadlines_missed, "time_to_ruling": time_to_ruling,
           "hidden_fees": hidden_fees, "ranking": ranking}


# ---- the regulator's dashboard: headline figures for a period against the one before, monthly trends ----

@case_queries.happening("hidden_fee", _l("A hidden fee was found"))
def _hidden_fee_found(start, end):
    """The case's ruling in force (no later round) was issued in [start, end) and found an undisclosed fee."""
    later = sa.orm.aliased(Ruling)
    return sa.exists().where(
        Ruling.case_id == Case.id, Ruling.issued_at >= start, Ruling.issued_at < end,
        Ruling.found_tags_json.like('%"hidden_fee"%'),
        ~sa.exists().where(later.case_id == Ruling.case_id, later.round > Ruling.round))


@case_queries.happening("ruled", _l("First ruling issued"))
def _first_ruling(start, end):
    return sa.exists().where(Ruling.case_id == Case.id, Ruling.round == 1, Ruling.issued_at >= start,
                             Ruling.issued_at < end)


@dataclass
class Headline:
    key: str
    label: str
    value: float | None
    previous: float | None
    unit: str = ""                  # "%", " 天"
    drill: dict | None = None       # the case list's query args for the cases the figure counts
    detail: str = ""                # "3 of 12 closed cases"

    @property
    def change(self) -> float | None:
        return rules.change_percent(self.value, self.previous)


def _span(period: rules.Period) -> tuple[dt.datetime, dt.datetime]:
    return filters.start_of(period.first), filters.start_of(period.last + dt.timedelta(days=1))


def _count(what: str, period: rules.Period, *extra) -> int:
    cond = case_queries.HAPPENINGS[what].condition(*_span(period))
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(cond, *extra))


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _days_to_ruling(period: rules.Period) -> list[float]:
    """Days from opening to the first ruling, for the cases whose first ruling was issued in the period."""
    start, end = _span(period)
    stmt = sa.select(Case.opened_at, Ruling.issued_at).join(Ruling, Ruling.case_id == Case.id).where(
        Ruling.round == 1, Ruling.issued_at >= start, Ruling.issued_at < end)
    return [(_utc(ruled) - _utc(opened)).total_seconds() / 86400 for opened, ruled in db.session.execute(stmt)]


def _one_period(period: rules.Period) -> dict[str, float | None]:
    closed = _count("closed", period)
    by_default = _count("closed", period, Case.outcome == "default_ruling")
    days = rules.median(_days_to_ruling(period))
    return {"ruled": _count("ruled", period), "opened": _count("opened", period), "closed": closed,
            "median_days": round(days, 1) if days is not None else None,
            "default_share": rules.share_percent(by_default, closed), "by_default": by_default,
            "refund_ordered": _count("refund_ordered", period), "refund_paid": _count("refund_paid", period),
            "hidden_fee": _count("hidden_fee", period)}


def headline(period: rules.Period) -> list[Headline]:
    """The figures a regulator looks at first, for `period` and the period of the same length before it; each
    with the case list's query args for exactly the cases it counts."""
    now, before = _one_period(period), _one_period(period.previous())

    def drill(what: str, **more) -> dict:
        return {**case_queries.Happened(what, period.first, period.last).query_args(), **more}

    return [
        Headline("opened", _("Cases opened"), now["opened"], before["opened"], drill=drill("opened")),
        Headline("closed", _("Cases closed"), now["closed"], before["closed"], drill=drill("closed")),
        Headline("median_days", _("Median days from opening to the ruling"), now["median_days"],
                 before["median_days"], unit=_(" days"), drill=drill("ruled"),
                 detail=_("over %(n)d first rulings issued", n=now["ruled"])),
        Headline("default_share", _("Share of closed cases decided by default"), now["default_share"],
                 before["default_share"], unit="%", drill=drill("closed", outcome="default_ruling"),
                 detail=_("%(part)d of %(whole)d closed cases", part=now["by_default"], whole=now["closed"])),
        Headline("refund_ordered", _("Refunds ordered"), now["refund_ordered"], before["refund_ordered"],
                 drill=drill("refund_ordered")),
        Headline("refund_paid", _("Refunds paid"), now["refund_paid"], before["refund_paid"],
                 drill=drill("refund_paid")),
        Headline("hidden_fee", _("Hidden-fee findings"), now["hidden_fee"], before["hidden_fee"],
                 drill=drill("hidden_fee")),
    ]


TRENDS = (("opened", _l("Cases opened per month (last 12 months)")),
          ("closed", _l("Cases closed per month (last 12 months)")))


def monthly(what: str, today: dt.date) -> list[tuple[rules.Period, int]]:
    """Cases to which `what` happened in each of the last 12 months (one query per month, each an index
    range)."""
    return [(month, _count(what, month)) for month in rules.last_months(today)]
