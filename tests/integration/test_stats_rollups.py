"""The statistics' roll-ups kept by the changes themselves: after cases go through the real services (opened,
offered, ruled with a hidden fee, decided by default, reconsidered, refunds ordered and paid), the tables equal a
rebuild from scratch, every figure the pages show equals its full scan, whatever the filter, and a change rolled
back leaves nothing behind."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from arbitration.cases import enforcement
from arbitration.cases.filters import CaseFilter
from arbitration.db import db
from arbitration.deadlines.services import sweep
from arbitration.merchants.models import Merchant
from arbitration.oversight import rollups, rules, stats, stats_scan
from arbitration.oversight.models import CaseStats, StatsOpened, StatsTotals
from tests.factories import T0, make_case

H = dt.timedelta(hours=1)
DAY = 24 * H
PERIOD = rules.Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
TODAY = dt.date(2026, 10, 20)


@pytest.fixture
def platform(session, personas):
    make_case("closed", now=T0)
    make_case("enforcement", now=T0 + DAY, category="invalid_code")
    make_case("reconsideration_window", found=["hidden_fee"], ruled_at=T0 + 5 * H)
    make_case("reconsideration_window", decision="dismissed", ruled_at=T0 + 7 * H,
              merchant_staff=personas["merchant_b"])
    make_case("offer_pending", now=T0 + 3 * H, merchant_staff=personas["merchant_b"])
    silent = make_case(now=T0 + 2 * H)
    sweep(now=T0 + 51 * H)                                                # a default ruling for `silent`
    sweep(now=T0 + 51 * H + 8 * DAY)                                      # final: the refund is ordered
    session.refresh(silent)
    (task,) = enforcement.tasks_of(silent)
    enforcement.complete_task(silent, task, personas["merchant"], now=T0 + 60 * H + 8 * DAY)
    make_case("closed", now=T0 - 40 * DAY)
    make_case(now=T0 - 120 * DAY)
    session.flush()


def test_the_tables_kept_by_each_change_equal_a_rebuild_from_scratch(session, platform):
    rollups.catch_up(db.session)            # what a commit does (the test's transaction is rolled back instead)
    conn = db.session.connection()
    kept = rollups.table_rows(conn)
    kept_facts = {tuple(r) for r in conn.execute(sa.select(*CaseStats.__table__.columns))}
    assert sum(cases for *_key, cases in conn.execute(sa.select(StatsOpened.cases))) == 8
    assert rollups.rebuild(conn) == 8
    assert rollups.table_rows(conn) == kept
    assert {tuple(r) for r in conn.execute(sa.select(*CaseStats.__table__.columns))} == kept_facts


def test_every_figure_from_the_roll_ups_equals_its_full_scan_for_every_cut(session, platform):
    merchant_b = db.session.scalar(sa.select(Merchant.id).where(Merchant.name == "飞鱼卡盟"))
    cuts = [CaseFilter(), CaseFilter(merchant_id=merchant_b), CaseFilter(category="invalid_code"),
            CaseFilter(outcome="open"), CaseFilter(outcome="default_ruling"),
            CaseFilter(date_from=dt.date(2026, 9, 30), date_to=dt.date(2026, 10, 1))]
    for f in cuts:
        assert stats_scan.differences(f, PERIOD, TODAY) == [], f
    figures = {fig.key: fig for fig in stats.all_figures(CaseFilter())}
    assert sum(n for _m, n in figures["per_merchant"].rows) == 8
    assert figures["hidden_fees"].rows == [["官方直营店", 1]]
    headline = {h.key: h.value for h in stats.headline(PERIOD)}
    assert headline["opened"] == 6 and headline["refund_paid"] >= 1


def test_a_difference_is_reported_when_a_roll_up_row_is_wrong(session, platform):
    rollups.catch_up(db.session)
    conn = db.session.connection()
    assert stats_scan.differences(CaseFilter(), PERIOD, TODAY) == []
    conn.execute(sa.update(StatsTotals).where(StatsTotals.outcome == "").values(cases=StatsTotals.cases + 1))
    found = stats_scan.differences(CaseFilter(), PERIOD, TODAY)          # all time: the totals
    assert found and any(line.startswith("per_merchant") for line in found)
    dated = CaseFilter(date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 10, 31))
    assert stats_scan.differences(dated, PERIOD, TODAY) == []
    conn.execute(sa.update(StatsOpened).where(StatsOpened.outcome == "").values(cases=StatsOpened.cases + 1))
    found = stats_scan.differences(dated, PERIOD, TODAY)                 # a date range: the days
    assert found and any(line.startswith("per_merchant") for line in found)


def test_a_change_rolled_back_leaves_the_roll_ups_as_they_were(session, personas):
    make_case("closed", now=T0)
    rollups.catch_up(db.session)
    conn = db.session.connection()
    before = rollups.table_rows(conn)
    nested = db.session.begin_nested()
    make_case("reconsideration_window", found=["hidden_fee"], ruled_at=T0 + 5 * H)
    rollups.catch_up(db.session)
    assert rollups.table_rows(conn) != before
    nested.rollback()
    assert rollups.table_rows(conn) == before


def test_removing_a_case_from_the_roll_ups_takes_away_exactly_what_counting_it_adds(session, platform):
    rollups.catch_up(db.session)
    conn = db.session.connection()
    before = rollups.table_rows(conn)
    case_id = db.session.scalar(sa.select(CaseStats.case_id).where(CaseStats.hidden_fee == 1))
    rollups.remove(conn, [case_id])
    assert rollups.table_rows(conn) != before
    assert db.session.get(CaseStats, case_id) is None
    rollups.refresh(conn, [case_id])
    assert rollups.table_rows(conn) == before
