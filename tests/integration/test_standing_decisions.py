"""The decisions in force by category (precedents.models.StandingDecision), where similar past decisions are read
from: kept in the issuing transaction for reasoned and default rulings, moved to a reconsideration's ruling, and
always what the rulings themselves say is in force (so the similar decisions are those of the rulings)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from arbitration.auth.models import Role
from arbitration.cases import services as cases
from arbitration.deadlines.services import sweep
from arbitration.precedents import services as precedents
from arbitration.precedents.models import StandingDecision
from arbitration.rulings import services as rulings
from arbitration.rulings.models import Ruling
from arbitration.rulings.rules import Remedy
from tests.factories import T0, create_user, make_case

H = dt.timedelta(hours=1)


def _standing(session) -> dict[int, tuple[int, str]]:
    return {s.case_id: (s.ruling_id, s.category) for s in session.scalars(sa.select(StandingDecision))}


def _in_force_by_the_rulings(session) -> dict[int, tuple[int, str]]:
    """Each ruled case's latest round, read from the rulings as the similar decisions read them before the table."""
    from arbitration.cases.models import Case

    later = aliased(Ruling)
    rows = session.execute(sa.select(Ruling.case_id, Ruling.id, Case.category).join(Case, Case.id == Ruling.case_id)
                           .where(~sa.exists().where(later.case_id == Ruling.case_id, later.round > Ruling.round)))
    return {case_id: (ruling_id, category) for case_id, ruling_id, category in rows}


def test_an_issued_ruling_stands_for_its_case_in_its_category_within_the_issuing_transaction(session, personas):
    case = make_case("reconsideration_window", category="fraud", found=["paid_not_delivered"])
    ruling = session.scalar(sa.select(Ruling).where(Ruling.case_id == case.id))
    assert _standing(session)[case.id] == (ruling.id, "fraud")
    assert _standing(session) == _in_force_by_the_rulings(session)


def test_a_default_ruling_from_the_sweep_stands_too(session, personas, refused):
    case = make_case(order=refused)
    sweep(now=T0 + 49 * H)
    assert case.outcome == "default_ruling"
    ruling = session.scalar(sa.select(Ruling).where(Ruling.case_id == case.id))
    assert _standing(session)[case.id] == (ruling.id, case.category)
    assert _standing(session) == _in_force_by_the_rulings(session)


def test_a_reconsiderations_ruling_replaces_the_first_as_the_case_s_precedent(session, personas):
    second = create_user("arb_second", Role.arbitrator)
    case = make_case("reconsideration_window", found=["paid_not_delivered"])
    first = session.scalar(sa.select(Ruling).where(Ruling.case_id == case.id))
    cases.request_reconsideration(case, personas["merchant"], new_facts="游戏日志显示买家已经使用了该卡密")
    cases.no_more_evidence(case, personas["buyer"])
    again = rulings.issue_ruling(case, second, decision="partly_upheld", facts_found="复核查明卡密已被部分使用。",
                                 reasoning="复核查明卡密已被部分使用，商家应退还未使用部分对应的价款。",
                                 remedies=[Remedy("partial_refund", 3_000)], citations=["CRPL-53"],
                                 found_tags=["paid_not_delivered"])
    assert _standing(session)[case.id] == (again.id, case.category)
    assert first.id not in {ruling_id for ruling_id, _c in _standing(session).values()}
    assert _standing(session) == _in_force_by_the_rulings(session)
    other = make_case("review")
    shown = [s.ruling.number for s in precedents.similar(other)]
    assert again.number in shown and first.number not in shown


def test_similar_decisions_are_the_latest_standing_decisions_of_the_category_best_first(session, personas):
    older = [make_case("reconsideration_window", found=["paid_not_delivered"], decision="upheld") for _ in range(3)]
    elsewhere = make_case("reconsideration_window", category="hidden_fee", found=["paid_not_delivered"])
    case = make_case("review", arbitrator=personas["arbitrator"])
    shown = precedents.similar(case)
    numbers = {s.ruling.number for s in shown}
    expected = {session.scalar(sa.select(Ruling.number).where(Ruling.case_id == c.id)) for c in older}
    assert expected <= numbers
    assert session.scalar(sa.select(Ruling.number).where(Ruling.case_id == elsewhere.id)) not in numbers
    assert all(s.case.category == case.category and s.case.id != case.id for s in shown)
    assert [s.scored.score for s in shown] == sorted((s.scored.score for s in shown), reverse=True)
    assert all(s.scored.precedent.remedies == ("full_refund",) and s.scored.precedent.citations for s in shown)
