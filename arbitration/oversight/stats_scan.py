"""The statistics' figures computed by a full scan of the cases, their deadlines and rulings: the reference the
roll-ups (oversight.stats, which the pages read) are checked against, by `flask stats check` and by the test that
computes every figure both ways on generated data. The same definitions as oversight.stats, and the same Figure
and Headline results, at a cost that grows with the platform (several seconds a page at full size: BENCHMARKS)."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa
from flask_babel import gettext as _

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
from arbitration.oversight import rollup_rules as rr
from arbitration.oversight import stats
from arbitration.oversight.stats import Figure, Headline, headlines, period_figures
from arbitration.rulings.models import Ruling


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
    counted = sorted(((o or "open", n) for o, n in _count_by(Case.outcome, f)), key=lambda on: (-on[1], on[0]))
    rows = [[str(OUTCOME_LABELS.get(o, o)), n] for o, n in counted]
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
    by_category: dict[str, Counter] = {}
    everything: Counter = Counter()
    for category, opened, ruled in db.session.execute(stmt):
        tenths = rr.tenths_of_hour(_utc(opened), _utc(ruled))
        by_category.setdefault(category, Counter())[tenths] += 1
        everything[tenths] += 1
    return stats.ruling_times_figure(by_category, everything)


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

def _span(period: rules.Period) -> tuple[dt.datetime, dt.datetime]:
    return filters.start_of(period.first), filters.start_of(period.last + dt.timedelta(days=1))


def _count(what: str, period: rules.Period, *extra) -> int:
    cond = case_queries.HAPPENINGS[what].condition(*_span(period))
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(cond, *extra))


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _days_to_ruling(period: rules.Period) -> Counter:
    """Tenths of an hour from opening to the first ruling → how many, for the first rulings issued in the
    period."""
    start, end = _span(period)
    stmt = sa.select(Case.opened_at, Ruling.issued_at).join(Ruling, Ruling.case_id == Case.id).where(
        Ruling.round == 1, Ruling.issued_at >= start, Ruling.issued_at < end)
    return Counter(rr.tenths_of_hour(_utc(opened), _utc(ruled)) for opened, ruled in db.session.execute(stmt))


def _one_period(period: rules.Period) -> dict[str, float | None]:
    counts = {what: _count(what, period)
              for what in ("opened", "closed", "ruled", "refund_ordered", "refund_paid", "hidden_fee")}
    counts["closed_default"] = _count("closed", period, Case.outcome == "default_ruling")
    return period_figures(counts, rr.days_median(_days_to_ruling(period).items()))


def headline(period: rules.Period) -> list[Headline]:
    return headlines(period, _one_period(period), _one_period(period.previous()))


def monthly(what: str, today: dt.date) -> list[tuple[rules.Period, int]]:
    """Cases to which `what` happened in each of the last 12 months (one query per month)."""
    return [(month, _count(what, month)) for month in rules.last_months(today)]


def _plain(value):
    return [_plain(v) for v in value] if isinstance(value, (list, tuple)) else (
        str(value) if not isinstance(value, (int, float, type(None))) else value)


def _records(records) -> list[tuple]:
    return [(r.merchant_id, r.record.cases, dict(r.record.counts)) for r in records]


def differences(f: CaseFilter, period: rules.Period, today: dt.date) -> list[str]:
    """Every figure the pages show computed from the roll-ups (oversight.stats) and by full scans (here): what
    differs, one line each (none: they are equal). `flask stats check` and the tests call it."""
    out = []
    for key, fn in FIGURES.items():
        kept, scanned = _plain(stats.FIGURES[key](f).rows), _plain(fn(f).rows)
        if kept != scanned:
            out.append(f"{key}: roll-ups {kept!r} != scan {scanned!r}")
    kept_h = [(h.key, h.value, h.previous) for h in stats.headline(period)]
    scanned_h = [(h.key, h.value, h.previous) for h in headline(period)]
    if kept_h != scanned_h:
        out.append(f"headline {period}: roll-ups {kept_h!r} != scan {scanned_h!r}")
    for what, _title in stats.TRENDS:
        kept_m, scanned_m = stats.monthly(what, today), monthly(what, today)
        if kept_m != scanned_m:
            out.append(f"monthly {what}: roll-ups {kept_m!r} != scan {scanned_m!r}")
    months = compliance.Months(period.first, period.last)
    kept_c, scanned_c = _records(compliance.records(months)), _records(compliance.records_by_scan(months))
    if kept_c != scanned_c:
        out.append(f"compliance {period}: roll-ups {kept_c!r} != scan {scanned_c!r}")
    return out
