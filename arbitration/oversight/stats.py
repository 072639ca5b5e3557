"""Statistics for regulators and supervisors, read from the roll-ups only (oversight.rollups keeps them current in
the transaction of each change): cases per merchant, category, outcome and month; the share of merchant deadlines
missed; the median time from opening to the first ruling; hidden-fee findings per merchant; the ranking by the
compliance score; and the dashboard's headline figures and monthly trends. Every figure is a table (for the page,
the chart and its CSV).

The page's filter is the roll-ups' key: the opening date, the merchant, the category and the outcome. The case
list's other filters (stage, a missed deadline, escalated, a number) select cases, not figures, and are refused
here with a message that says where to use them. oversight.stats_scan computes the same figures with full scans;
`flask stats check` and the tests require the two to be equal."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from arbitration.cases import queries as case_queries
from arbitration.cases.filters import CaseFilter
from arbitration.cases.messages import CATEGORY_LABELS, OUTCOME_LABELS
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.errors import InvalidInput
from arbitration.merchants.models import Merchant
from arbitration.oversight import compliance, compliance_rules, rules
from arbitration.oversight import rollup_rules as rr
from arbitration.oversight import rollups
from arbitration.oversight.models import (StatsDaily, StatsDailyRulingTimes, StatsOpened, StatsRulingTimes,
                                          StatsTotals)
from arbitration.rulings.models import Ruling

NOT_FIGURES = ("stage", "missed", "escalated", "q")    # CaseFilter fields the roll-ups have no key for


PAGE_TOP = 20       # a figure per merchant shows its first 20 rows on the page; the downloads have them all


@dataclass
class Figure:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart_column: int = 1          # the column the chart draws
    unit: str = ""
    decimals: int = 0
    top: int | None = None         # the page shows this many rows (the CSV and the sheet every row)
    total_row: bool = False        # the last row sums the others (shown after the top ones)

    @property
    def shown(self) -> list[list]:
        """The rows the page shows and charts: the first `top` (and the total row, if any)."""
        body, total = (self.rows[:-1], self.rows[-1:]) if self.total_row else (self.rows, [])
        return (body[:self.top] if self.top else body) + total

    @property
    def hidden(self) -> int:
        """How many rows the page leaves to the downloads."""
        return len(self.rows) - len(self.shown)


def check_filter(f: CaseFilter) -> None:
    """InvalidInput, naming the field, for a filter the figures cannot be cut by."""
    for name in NOT_FIGURES:
        if getattr(f, name):
            raise InvalidInput(_l("The figures are cut by opening date, merchant, category and outcome; to find "
                                  "cases by stage, missed deadline, escalation or number, use the case list."),
                               field=name)


def _where(model, f: CaseFilter) -> list:
    out = []
    if f.date_from:
        out.append(model.opened_day >= f.date_from)
    if f.date_to:
        out.append(model.opened_day <= f.date_to)
    if f.merchant_id:
        out.append(model.merchant_id == f.merchant_id)
    if f.category:
        out.append(model.category == f.category)
    if f.outcome:
        out.append(model.outcome == ("" if f.outcome == "open" else f.outcome))
    return out


def _merchant_names() -> dict[int, str]:
    return dict(db.session.execute(sa.select(Merchant.id, Merchant.name)).all())


@dataclass
class _Cut:
    """The roll-up's sums over a filter: per merchant (every measure), per category and per outcome (cases); three
    grouped statements, over `stats_totals` when no date is given (a row per merchant × category × outcome), else
    over the days of `stats_opened` in the range."""
    merchants: dict[int, dict[str, int]]
    categories: Counter
    outcomes: Counter
    _names: dict | None = None

    def by_merchant(self, measure: str = "cases") -> Counter:
        return Counter({m: sums[measure] for m, sums in self.merchants.items() if sums[measure]})

    def names(self) -> dict[int, str]:
        if self._names is None:
            self._names = _merchant_names()
        return self._names


def _cut(f: CaseFilter) -> _Cut:
    check_filter(f)
    rollups.catch_up(db.session)
    t = StatsOpened if (f.date_from or f.date_to) else StatsTotals
    where = _where(t, f)
    merchants = {row[0]: dict(zip(rr.MEASURES, row[1:])) for row in db.session.execute(
        sa.select(t.merchant_id, *(sa.func.sum(getattr(t, m)) for m in rr.MEASURES)).where(*where)
        .group_by(t.merchant_id))}
    categories = Counter(dict(db.session.execute(
        sa.select(t.category, sa.func.sum(t.cases)).where(*where).group_by(t.category)).all()))
    outcomes = Counter(dict(db.session.execute(
        sa.select(t.outcome, sa.func.sum(t.cases)).where(*where).group_by(t.outcome)).all()))
    return _Cut(merchants, categories, outcomes)


def _most_first(counts: Counter, label) -> list[list]:
    """[label, n] rows, most first, ties by the key (as a case list's GROUP BY … ORDER BY count DESC, key)."""
    return [[label(k), n] for k, n in sorted(counts.items(), key=lambda kn: (-kn[1], kn[0])) if n]


def per_merchant(f: CaseFilter, cut: _Cut | None = None) -> Figure:
    cut = cut or _cut(f)
    names = cut.names()
    return Figure("per_merchant", _("Cases per merchant"), [_("Merchant"), _("Cases")],
                  _most_first(cut.by_merchant(), lambda m: names.get(m, m)), top=PAGE_TOP)


def per_category(f: CaseFilter, cut: _Cut | None = None) -> Figure:
    rows = _most_first((cut or _cut(f)).categories, lambda c: str(CATEGORY_LABELS.get(c, c)))
    return Figure("per_category", _("Cases per category"), [_("Category"), _("Cases")], rows)


def per_outcome(f: CaseFilter, cut: _Cut | None = None) -> Figure:
    counts = Counter({(o or "open"): n for o, n in (cut or _cut(f)).outcomes.items()})
    rows = _most_first(counts, lambda o: str(OUTCOME_LABELS.get(o, o)))
    return Figure("per_outcome", _("Cases per outcome"), [_("Outcome"), _("Cases")], rows)


def per_month(f: CaseFilter, cut: _Cut | None = None) -> Figure:
    """Cases opened per month (China time): the day rows summed by month."""
    check_filter(f)
    rollups.catch_up(db.session)
    t = StatsOpened
    if f.merchant_id or f.category or f.outcome:
        per_day = sa.select(t.opened_day, sa.func.sum(t.cases)).where(*_where(t, f)).group_by(t.opened_day)
    else:       # every merchant, category and outcome: the day's "opened" count of the daily roll-up
        d = StatsDaily
        per_day = sa.select(d.day, d.n).where(d.what == "opened", *(
            [d.day >= f.date_from] if f.date_from else []), *([d.day <= f.date_to] if f.date_to else []))
    months: Counter = Counter()
    for day, n in db.session.execute(per_day):
        months[day.strftime("%Y-%m")] += n
    return Figure("per_month", _("Cases opened per month"), [_("Month"), _("Cases")],
                  [[m, months[m]] for m in sorted(months) if months[m]])


def deadlines_missed(f: CaseFilter, cut: _Cut | None = None) -> Figure:
    """Per merchant: its deadlines on these cases that passed (the default outcome applied) among those that
    ended (met or passed)."""
    cut = cut or _cut(f)
    met, applied = cut.by_merchant("met"), cut.by_merchant("applied")
    ended = {m: met[m] + applied[m] for m in met.keys() | applied.keys() if met[m] + applied[m]}
    names = cut.names()
    rows = [[names.get(m, m), round(100 * applied[m] / n, 1), applied[m], n] for m, n in ended.items()]
    rows.sort(key=lambda r: (-r[1], str(r[0])))
    total_missed, total_ended = sum(r[2] for r in rows), sum(r[3] for r in rows)
    if rows:
        rows.append([_("All merchants"), round(100 * total_missed / total_ended, 1), total_missed, total_ended])
    return Figure("deadlines_missed", _("Share of merchant deadlines missed"),
                  [_("Merchant"), _("Missed (%)"), _("Missed"), _("Ended")], rows, unit="%", decimals=1,
                  top=PAGE_TOP, total_row=bool(rows))


def time_to_ruling(f: CaseFilter, cut: _Cut | None = None) -> Figure:
    """The median time from opening to the first ruling, in hours, overall and per category."""
    check_filter(f)
    rollups.catch_up(db.session)
    t = StatsRulingTimes
    by_category: dict[str, Counter] = {}
    everything: Counter = Counter()
    for category, tenths, n in db.session.execute(
            sa.select(t.category, t.tenths, sa.func.sum(t.n)).where(*_where(t, f)).group_by(t.category, t.tenths)):
        by_category.setdefault(category, Counter())[tenths] += n
        everything[tenths] += n
    return ruling_times_figure(by_category, everything)


def ruling_times_figure(by_category: dict[str, Counter], everything: Counter) -> Figure:
    """The figure from the counts per tenth of an hour, per category and overall."""
    rows = [[str(CATEGORY_LABELS.get(c, c)), rr.hours_median(v.items()), sum(v.values())]
            for c, v in sorted(by_category.items())]
    if everything:
        rows.insert(0, [_("All categories"), rr.hours_median(everything.items()), sum(everything.values())])
    return Figure("time_to_ruling", _("Median time from opening to the first ruling (hours)"),
                  [_("Category"), _("Median (hours)"), _("Rulings")], rows, unit=" h", decimals=1)


def hidden_fees(f: CaseFilter, cut: _Cut | None = None) -> Figure:
    """Rulings in force that found an undisclosed fee, per merchant."""
    cut = cut or _cut(f)
    counts = cut.by_merchant("hidden_fee")
    names = cut.names()
    rows = [[names.get(m, m), n] for m, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(names.get(kv[0]))))]
    return Figure("hidden_fees", _("Hidden-fee findings per merchant"), [_("Merchant"), _("Findings")], rows,
                  top=PAGE_TOP)


def ranking_figure(records: list) -> Figure:
    """Worst first by the compliance score (oversight/compliance_rules: the formula the merchants' compliance page
    prints); merchants with fewer than MIN_CASES cases have no score and are not ranked."""
    rows = [[r.name, r.record.score, r.record.cases, *(r.record.count(key) for key in compliance_rules.ELEMENTS)]
            for r in records if r.record.scored]
    return Figure("ranking", _("Merchant ranking by compliance score (worst first)"),
                  [_("Merchant"), _("Compliance score"), _("Cases"),
                   *(str(e.label) for e in compliance.ELEMENTS.values())], rows, decimals=1, top=PAGE_TOP)


def ranking(f: CaseFilter, cut: _Cut | None = None) -> Figure:
    cut = cut or _cut(f)
    return ranking_figure(compliance.ordered(
        cut.by_merchant(), {key: cut.by_merchant(key) for key in compliance_rules.ELEMENTS}, names=cut.names()))


FIGURES = {"per_merchant": per_merchant, "per_category": per_category, "per_outcome": per_outcome,
           "per_month": per_month, "deadlines_missed": deadlines_missed, "time_to_ruling": time_to_ruling,
           "hidden_fees": hidden_fees, "ranking": ranking}


def all_figures(f: CaseFilter) -> list[Figure]:
    """Every figure of the page, the merchant × category × outcome sums read once for all of them."""
    cut = _cut(f)
    return [fn(f, cut) for fn in FIGURES.values()]


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


def period_figures(counts: dict[str, int], days: float | None) -> dict[str, float | None]:
    """The headline values of one period from its counts (rollup_rules.HAPPENINGS) and median days."""
    closed, by_default = counts.get("closed", 0), counts.get("closed_default", 0)
    return {"ruled": counts.get("ruled", 0), "opened": counts.get("opened", 0), "closed": closed,
            "median_days": days, "default_share": rules.share_percent(by_default, closed), "by_default": by_default,
            "refund_ordered": counts.get("refund_ordered", 0), "refund_paid": counts.get("refund_paid", 0),
            "hidden_fee": counts.get("hidden_fee", 0)}


def _one_period(period: rules.Period) -> dict[str, float | None]:
    rollups.catch_up(db.session)
    counts = dict(db.session.execute(
        sa.select(StatsDaily.what, sa.func.sum(StatsDaily.n))
        .where(StatsDaily.day >= period.first, StatsDaily.day <= period.last).group_by(StatsDaily.what)).all())
    t = StatsDailyRulingTimes
    tenths = db.session.execute(sa.select(t.tenths, sa.func.sum(t.n)).where(t.day >= period.first,
                                                                            t.day <= period.last)
                                .group_by(t.tenths)).all()
    return period_figures(counts, rr.days_median(tenths))


def headlines(period: rules.Period, now: dict, before: dict) -> list[Headline]:
    """The headline figures from one period's values and the previous period's, each with the case list's query
    args for exactly the cases it counts."""
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


def headline(period: rules.Period) -> list[Headline]:
    """The figures a regulator looks at first, for `period` and the period of the same length before it."""
    return headlines(period, _one_period(period), _one_period(period.previous()))


TRENDS = (("opened", _l("Cases opened per month (last 12 months)")),
          ("closed", _l("Cases closed per month (last 12 months)")))


def monthly(what: str, today: dt.date) -> list[tuple[rules.Period, int]]:
    """Cases to which `what` happened in each of the last 12 months: the day rows of one statement summed."""
    rollups.catch_up(db.session)
    months = rules.last_months(today)
    per_day = db.session.execute(sa.select(StatsDaily.day, StatsDaily.n).where(
        StatsDaily.what == what, StatsDaily.day >= months[0].first, StatsDaily.day <= months[-1].last)).all()
    return [(m, sum(n for day, n in per_day if m.first <= day <= m.last)) for m in months]
