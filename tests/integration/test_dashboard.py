"""The regulator's dashboard: each headline figure equals a count made from the rows themselves, for the
period and the one before, and its drill-down lists exactly the cases it counts."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from arbitration import clock
from arbitration.cases import enforcement, filters
from arbitration.cases import queries as case_queries
from arbitration.cases.models import Case, RemedyTask
from arbitration.deadlines.services import sweep
from arbitration.errors import InvalidInput
from arbitration.oversight import rules, stats
from arbitration.rulings.models import Ruling
from tests.factories import T0, make_case

H = dt.timedelta(hours=1)
DAY = 24 * H
PERIOD = rules.Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31))     # previous: 2 Jul – 31 Aug
REFUNDS = ("full_refund", "partial_refund")


def utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def china(value: dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    return utc(value).astimezone(clock.CHINA).date()


def within(value, period: rules.Period) -> bool:
    day = china(value)
    return day is not None and period.first <= day <= period.last


def expected(session, period: rules.Period) -> dict[str, set[int]]:
    """The cases each figure counts, found by reading every row in Python (no SQL conditions)."""
    all_cases = list(session.scalars(sa.select(Case)))
    rulings = list(session.scalars(sa.select(Ruling)))
    tasks = list(session.scalars(sa.select(RemedyTask)))
    latest = {}
    for r in rulings:
        if r.case_id not in latest or r.round > latest[r.case_id].round:
            latest[r.case_id] = r
    closed = {c.id for c in all_cases if within(c.closed_at, period)}
    return {
        "opened": {c.id for c in all_cases if within(c.opened_at, period)},
        "closed": closed,
        "default": {c.id for c in all_cases if c.id in closed and c.outcome == "default_ruling"},
        "ruled": {r.case_id for r in rulings if r.round == 1 and within(r.issued_at, period)},
        "refund_ordered": {t.case_id for t in tasks if t.remedy in REFUNDS and within(t.created_at, period)},
        "refund_paid": {t.case_id for t in tasks if t.remedy in REFUNDS and t.state == "done"
                        and within(t.done_at, period)},
        "hidden_fee": {r.case_id for r in latest.values() if "hidden_fee" in r.found_tags
                       and within(r.issued_at, period)},
    }


def listed(user, drill: dict) -> set[int]:
    """Every case the case list shows for a drill-down link's arguments (all pages)."""
    f, happened = filters.parse(drill), case_queries.parse_happened(drill)
    ids, cursor = set(), None
    while True:
        page, _running = case_queries.case_list(user, f, cursor=cursor, happened=happened)
        ids |= {c.id for c in page.rows}
        cursor = page.next_cursor
        if not cursor:
            return ids


@pytest.fixture
def platform(session, personas):
    """Cases in the period and in the one before, decided in every way the figures count."""
    make_case("closed", now=T0)                                           # accepted, refund paid at T0
    make_case("enforcement", now=T0 + DAY)                                # refund ordered, not paid
    make_case("reconsideration_window", found=["hidden_fee"], ruled_at=T0 + 5 * H)
    make_case("reconsideration_window", decision="dismissed", ruled_at=T0 + 5 * H)
    silent = make_case(now=T0 + 2 * H)
    sweep(now=T0 + 51 * H)                                                # a default ruling for `silent`
    sweep(now=T0 + 51 * H + 8 * DAY)                                      # final: the refund is ordered
    session.refresh(silent)
    (task,) = enforcement.tasks_of(silent)
    enforcement.complete_task(silent, task, personas["merchant"], now=T0 + 60 * H + 8 * DAY)   # paid, closed
    make_case("closed", now=T0 - 40 * DAY)                                # the period before (21 Aug)
    make_case("reconsideration_window", found=["hidden_fee"], now=T0 - 35 * DAY)
    make_case(now=T0 - 120 * DAY)                                         # before both periods
    session.flush()
    return silent


def test_each_headline_figure_equals_the_count_made_from_the_rows_for_the_period_and_the_one_before(
        session, personas, platform):
    now, before = expected(session, PERIOD), expected(session, PERIOD.previous())
    figures = {h.key: h for h in stats.headline(PERIOD)}
    for key in ("opened", "closed", "refund_ordered", "refund_paid", "hidden_fee"):
        assert figures[key].value == len(now[key]), key
        assert figures[key].previous == len(before[key]), key
    assert figures["default_share"].value == rules.share_percent(len(now["default"]), len(now["closed"]))
    days = [(utc(issued) - utc(opened)).total_seconds() / 86400 for opened, issued in session.execute(
        sa.select(Case.opened_at, Ruling.issued_at).join(Ruling, Ruling.case_id == Case.id).where(
            Ruling.round == 1, Case.id.in_(now["ruled"])))]
    assert figures["median_days"].value == round(rules.median(days), 1)
    # the small data is not degenerate: every figure counts something
    assert all(now[k] for k in now) and before["opened"] and before["hidden_fee"]
    # closed in the period: the accepted case, the dismissed one (final after its window), the default one
    assert platform.id in now["default"] and figures["default_share"].value == 33.3


def test_each_figure_drills_down_to_exactly_the_cases_it_counts(session, personas, platform):
    regulator = personas["regulator"]
    now = expected(session, PERIOD)
    counted = {"opened": "opened", "closed": "closed", "median_days": "ruled", "default_share": "default",
               "refund_ordered": "refund_ordered", "refund_paid": "refund_paid", "hidden_fee": "hidden_fee"}
    for h in stats.headline(PERIOD):
        assert listed(regulator, h.drill) == now[counted[h.key]], h.key
        f, happened = filters.parse(h.drill), case_queries.parse_happened(h.drill)
        assert case_queries.count_cases(regulator, f, happened).n == len(now[counted[h.key]])


def test_a_months_bar_lists_that_months_cases(session, personas, platform):
    months = dict(stats.monthly("opened", dt.date(2026, 10, 15)))
    september = rules.Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert len(months) == 12 and months[september] == 4     # the fifth opened on 1 October
    drill = case_queries.Happened("opened", september.first, september.last).query_args()
    assert listed(personas["regulator"], drill) == expected(session, september)["opened"]


@pytest.mark.parametrize("args, field", [
    ({"happened": "teleported", "from": "2026-09-01", "to": "2026-09-30"}, "happened"),
    ({"happened": "closed", "from": "soon", "to": "2026-09-30"}, "from"),
    ({"happened": "closed", "from": "2026-09-01"}, "to"),
    ({"happened": "closed", "from": "2026-10-01", "to": "2026-09-30"}, "from"),
])
def test_a_bad_drill_down_is_refused_with_the_field_it_concerns(session, args, field):
    with pytest.raises(InvalidInput) as err:
        case_queries.parse_happened(args)
    assert err.value.field == field and err.value.message
