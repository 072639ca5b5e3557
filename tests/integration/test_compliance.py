"""Merchant compliance over a small generated history: each element counted here from the rows (deadlines,
rulings, cases) equals what the compliance queries count, and the score follows the published formula."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from arbitration.auth.models import Role
from arbitration.cases import enforcement
from arbitration.cases import services as cases
from arbitration.cases.filters import CaseFilter
from arbitration.cases.models import Case
from arbitration.deadlines.models import Deadline
from arbitration.deadlines.services import sweep
from arbitration.db import db
from arbitration.errors import InvalidInput
from arbitration.oversight import compliance, stats
from arbitration.oversight import compliance_rules as cr
from arbitration.rulings import services as rulings
from arbitration.rulings.models import Ruling
from arbitration.rulings.rules import Remedy
from tests.conftest import T0
from tests.factories import FACTS_FOUND, RULING_REASONING, create_user, make_case

H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
RULED = T0 + 5 * H
OCTOBER = compliance.Months(dt.date(2026, 9, 1), dt.date(2026, 10, 31))


def make_history(personas) -> dict[str, Case]:
    """Six cases of the official store and two of 飞鱼卡盟, opened on 30 September 2026:
    silent      the merchant misses its 48 h answer: a default ruling for the buyer
    hidden      upheld, a hidden fee found
    dismissed   the claim dismissed
    reversed    dismissed, then upheld on the buyer's reconsideration (refunded in time)
    late        the merchant accepts the claim but refunds only after the enforcement deadline
    risk_lock   a complaint about a risk-control lock, settled and carried out in time"""
    create_user("arb_second", Role.arbitrator)
    made = {"silent": make_case(),
            "hidden": make_case("reconsideration_window", found=["hidden_fee"], ruled_at=RULED),
            "dismissed": make_case("reconsideration_window", decision="dismissed", ruled_at=RULED),
            "reversed": make_case("reconsideration", decision="dismissed", ruled_at=RULED),
            "late": make_case("enforcement"),
            "risk_lock": make_case("closed", category="risk_lock"),
            "b_upheld": make_case("reconsideration_window", merchant_staff=personas["merchant_b"], ruled_at=RULED),
            "b_open": make_case(merchant_staff=personas["merchant_b"])}
    cases.make_offer(made["b_open"], personas["merchant_b"], remedy="partial_refund", amount_fen=5_000)
    again = made["reversed"]
    cases.no_more_evidence(again, personas["buyer"], now=RULED + H)
    rulings.issue_ruling(again, db.session.get(type(personas["buyer"]), again.arbitrator_id), decision="upheld",
                         facts_found=FACTS_FOUND, reasoning=RULING_REASONING, remedies=[Remedy("full_refund")],
                         citations=["CRPL-53"], now=RULED + 2 * H)
    for task in enforcement.tasks_of(again):       # the reversed ruling's refund is paid in time
        enforcement.complete_task(again, task, personas["merchant"], now=RULED + 3 * H)
    sweep(now=T0 + 49 * H)              # `silent`: the merchant's answer deadline passes, a default ruling
    sweep(now=T0 + 10 * DAY)            # `late`: its enforcement deadline (1 working day after the holiday) passes
    task = enforcement.tasks_of(made["late"])[0]
    enforcement.complete_task(made["late"], task, personas["merchant"], now=T0 + 11 * DAY)
    return made


def counted_from_rows(merchant_id: int) -> tuple[int, dict[str, int]]:
    """The elements, from the rows themselves, in Python (no compliance query involved)."""
    mine = list(db.session.scalars(sa.select(Case).where(Case.merchant_id == merchant_id)))
    counts = {e: 0 for e in cr.ELEMENTS}
    rank = {"dismissed": 0, "partly_upheld": 1, "upheld": 2}
    for case in mine:
        deadlines = db.session.scalars(sa.select(Deadline).where(
            Deadline.subject_type == "case", Deadline.subject_id == str(case.id))).all()
        applied = [d for d in deadlines if d.state == "applied" and d.actor_merchant_id == merchant_id]
        by_round = {r.round: r for r in db.session.scalars(sa.select(Ruling).where(Ruling.case_id == case.id))}
        in_force = by_round[max(by_round)] if by_round else None
        counts["missed"] += any(d.kind != "enforcement" for d in applied)
        counts["remedy_late"] += any(d.kind == "enforcement" for d in applied)
        counts["hidden_fee"] += bool(in_force and "hidden_fee" in in_force.found_tags)
        counts["upheld"] += bool(in_force and in_force.decision in ("upheld", "partly_upheld"))
        counts["reversed"] += bool(2 in by_round and rank[by_round[2].decision] > rank[by_round[1].decision])
        counts["risk_lock"] += case.category == "risk_lock"
    return len(mine), counts


def test_each_element_counted_from_the_rows_equals_the_compliance_figure(session, personas):
    make_history(personas)
    a, b = personas["merchant"].merchant_id, personas["merchant_b"].merchant_id
    by_merchant = {r.merchant_id: r.record for r in compliance.records(OCTOBER)}
    for merchant_id in (a, b):
        n, counts = counted_from_rows(merchant_id)
        assert by_merchant[merchant_id].cases == n
        assert dict(by_merchant[merchant_id].counts) == counts
    # and the history holds what the story says, element by element
    assert dict(by_merchant[a].counts) == {"missed": 1, "hidden_fee": 1, "upheld": 3, "remedy_late": 1,
                                           "reversed": 1, "risk_lock": 1}
    assert by_merchant[a].score == round(100 - (30 + 40 + 20 * 3 + 40 + 20 + 10) / 6, 1) == 66.7
    assert by_merchant[b].cases == 2 and by_merchant[b].score is None       # too few cases


def test_the_regulators_table_lists_the_worst_first_and_the_unscored_last(session, personas):
    make_history(personas)
    rows = compliance.records(OCTOBER)
    assert [r.name for r in rows] == ["官方直营店", "飞鱼卡盟"]


def test_every_count_is_the_number_of_cases_its_drill_down_lists(session, personas):
    make_history(personas)
    regulator, a = personas["regulator"], personas["merchant"].merchant_id
    record = next(r.record for r in compliance.records(OCTOBER) if r.merchant_id == a)
    from arbitration.cases import queries
    for key in cr.ELEMENTS:
        args = OCTOBER.drill(compliance.happening_name(key))
        happened = queries.parse_happened(args)
        listed = queries.count_cases(regulator, CaseFilter(merchant_id=a), happened)
        assert listed.n == record.count(key), key


def test_a_merchants_own_view_has_the_same_figures_the_cases_behind_them_and_its_months(session, personas):
    made = make_history(personas)
    view = compliance.merchant_view(personas["merchant"].merchant, OCTOBER)
    assert view.record.counts == next(r.record.counts for r in compliance.records(OCTOBER)
                                      if r.merchant_id == view.merchant.id)
    assert [c.number for c in view.cases["reversed"]] == [made["reversed"].number]
    assert {c.number for c in view.cases["upheld"]} == {made[k].number for k in ("silent", "hidden", "reversed")}
    assert [(m, r.cases) for m, r in view.history] == [(dt.date(2026, 9, 1), 6), (dt.date(2026, 10, 1), 0)]
    assert view.history[0][1].score == view.record.score and view.history[1][1].score is None


def test_cases_opened_outside_the_period_are_not_counted(session, personas):
    make_history(personas)
    assert compliance.records(compliance.Months(dt.date(2026, 10, 1), dt.date(2026, 10, 31))) == []


def test_the_statistics_ranking_uses_the_score(session, personas):
    make_history(personas)
    rows = stats.ranking(CaseFilter()).rows
    assert [r[:3] for r in rows] == [["官方直营店", 66.7, 6]]        # 飞鱼卡盟: too few cases, not ranked


@pytest.mark.parametrize("args, field", [({"from": "2026-13", "to": "2026-12"}, "from"),
                                         ({"from": "2026-01", "to": "十月"}, "to"),
                                         ({"from": "2026-01"}, "to"),
                                         ({"from": "2026-10", "to": "2026-01"}, "from")])
def test_a_bad_month_is_refused_naming_its_field(session, args, field):
    with pytest.raises(InvalidInput) as refused:
        compliance.parse_months(args, dt.date(2026, 9, 30))
    assert refused.value.field == field


def test_without_months_the_period_is_the_last_twelve(session):
    months = compliance.parse_months({}, dt.date(2026, 9, 30))
    assert (months.first, months.last) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))
