"""Opening a case from a refused request, negotiation, and the published defaults, with a frozen clock."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from arbitration.audit.services import events_of
from arbitration.cases import services as cases
from arbitration.cases.workflow import CaseState
from arbitration.deadlines.services import sweep
from arbitration.errors import Conflict, InvalidInput, NotAllowed
from arbitration.orders import requests as order_requests
from tests.conftest import T0
from tests.factories import make_case, make_refused_order

H = dt.timedelta(hours=1)


def state(session, case):
    session.refresh(case)
    return case.state


def test_a_buyer_opens_a_case_with_a_number_and_the_snapshots(session, personas, refused):
    case = make_case(order=refused)
    assert re.fullmatch(r"ARB-2026-\d{6}", case.number)
    assert case.state == CaseState.negotiation and case.origin == "cancellation_rejected"
    assert case.order_snapshot["order"]["number"] == refused.number
    assert case.policy["negotiation"] == {"hours": 48, "working_days": 0, "consequence": "default_ruling"}
    assert [e.action for e in events_of("case", case.id)] == ["case.opened"]


def test_case_numbers_follow_each_other(session, personas, refused):
    first = make_case(order=refused)
    second = make_case(order=make_refused_order())
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_a_second_case_on_the_same_order_is_refused(session, personas, refused):
    make_case(order=refused)
    with pytest.raises(Conflict):
        make_case(order=refused)


def test_a_case_cannot_be_opened_after_the_7_day_window(session, personas, refused):
    with pytest.raises(Conflict, match="7"):
        make_case(order=refused, now=T0 + dt.timedelta(days=7, hours=1))


def test_only_the_orders_buyer_opens_a_case(session, personas, refused):
    with pytest.raises(NotAllowed):
        cases.open_case(personas["buyer_b"], refused, category="other", remedy="full_refund", amount_fen=None,
                        statement="我不是这个订单的买家")


@pytest.mark.parametrize("kw", [{"category": "bored"}, {"remedy": "apology"}, {"statement": "短"},
                                {"remedy": "partial_refund", "amount_fen": 1_000_000}])
def test_bad_case_input_is_refused_and_nothing_is_created(session, personas, refused, kw):
    with pytest.raises(InvalidInput):
        make_case(order=refused, **kw)
    assert cases.open_case_on(refused.id) is None


def test_an_open_case_holds_the_order(session, personas, refused):
    make_case(order=refused)
    with pytest.raises(Conflict):
        order_requests.request_cancellation(refused, personas["buyer"], reason="not_needed")


def test_the_merchant_accepting_moves_the_case_to_enforcement(session, personas, refused):
    case = make_case(order=refused)
    cases.accept_claim(case, personas["merchant"])
    assert case.state == CaseState.enforcement and case.outcome == "accepted"


def test_an_offer_the_buyer_accepts_is_a_settlement(session, personas, refused):
    case = make_case(order=refused)
    with pytest.raises(InvalidInput):
        cases.make_offer(case, personas["merchant"], remedy="partial_refund", amount_fen=999_999)
    cases.make_offer(case, personas["merchant"], remedy="partial_refund", amount_fen=5_000, text="退一半")
    assert case.state == CaseState.offer_pending
    with pytest.raises(NotAllowed):
        cases.answer_offer(case, personas["merchant"], accept=True)
    cases.answer_offer(case, personas["buyer"], accept=True)
    assert case.state == CaseState.enforcement and case.outcome == "settled"


def test_a_refusal_goes_to_evidence_with_the_least_loaded_arbitrator(session, personas, refused):
    case = make_case(order=refused)
    cases.refuse_claim(case, personas["merchant"], reason="卡密已经发出，买家已使用")
    assert case.state == CaseState.evidence
    assert case.arbitrator_id is not None


def test_merchant_silence_for_48h_upholds_the_claim_by_default(session, personas, refused):
    case = make_case(order=refused)
    sweep(now=T0 + 47 * H)
    assert state(session, case) == CaseState.negotiation
    sweep(now=T0 + 49 * H)
    assert state(session, case) == CaseState.reconsideration_window and case.outcome == "default_ruling"
    with pytest.raises(Conflict):
        cases.accept_claim(case, personas["merchant"])


def test_an_unanswered_offer_lapses_after_72h_and_goes_to_arbitration(session, personas, refused):
    case = make_case(order=refused)
    cases.make_offer(case, personas["merchant"], remedy="reissue", amount_fen=None, now=T0 + H)
    sweep(now=T0 + 72 * H)
    assert state(session, case) == CaseState.offer_pending
    sweep(now=T0 + 74 * H)
    assert state(session, case) == CaseState.evidence and case.arbitrator_id is not None


def test_the_evidence_window_closes_after_3_days_and_review_runs_5_working_days_over_national_day(
        session, personas, refused):
    from arbitration.deadlines.models import Deadline

    case = make_case(order=refused)
    cases.refuse_claim(case, personas["merchant"], reason="卡密已经发出，买家已使用")
    sweep(now=T0 + 73 * H)
    assert state(session, case) == CaseState.review
    review = session.scalar(sa.select(Deadline).where(Deadline.subject_type == "case",
                                                      Deadline.subject_id == str(case.id),
                                                      Deadline.state == "pending"))
    # started Sat 3 Oct 11:00 (Shanghai), in the holiday: Oct 8, 9, 10 (make-up Saturday), 12, 13
    assert review.due_at == dt.datetime(2026, 10, 13, 3, 0, tzinfo=dt.timezone.utc)


def test_the_buyer_may_withdraw_before_a_ruling(session, personas, refused):
    case = make_case(order=refused)
    with pytest.raises(NotAllowed):
        cases.withdraw(case, personas["merchant"])
    cases.withdraw(case, personas["buyer"])
    assert case.state == CaseState.withdrawn and case.closed_at is not None


# ---- the arbitrator's and the supervisor's tools ----

@pytest.fixture
def in_evidence(session, personas, refused):
    return make_case("evidence", order=refused)


def test_supplementary_evidence_reopens_one_partys_window_for_48h(session, personas, in_evidence):
    from arbitration.auth.models import User

    arbitrator = session.get(User, in_evidence.arbitrator_id)
    cases.no_more_evidence(in_evidence, personas["merchant"])
    with pytest.raises(InvalidInput):
        cases.request_supplementary(in_evidence, arbitrator, party="merchant", note="")
    cases.request_supplementary(in_evidence, arbitrator, party="merchant", note="请提供发卡记录截图", now=T0 + H)
    assert in_evidence.state == CaseState.supplementary and not in_evidence.merchant_evidence_closed
    sweep(now=T0 + 48 * H)
    assert state(session, in_evidence) == CaseState.supplementary
    sweep(now=T0 + 50 * H)
    assert state(session, in_evidence) == CaseState.review


def test_only_the_assigned_arbitrator_acts_on_the_case(session, personas, in_evidence):
    from arbitration.auth.models import Role
    from tests.factories import create_user

    other = create_user("arb_other", Role.arbitrator)
    with pytest.raises(NotAllowed):
        cases.request_supplementary(in_evidence, other, party="buyer", note="请补充聊天记录")


def test_a_deadline_is_extended_once_with_a_reason(session, personas, in_evidence):
    from arbitration.auth.models import User

    arbitrator = session.get(User, in_evidence.arbitrator_id)
    due = cases.running_deadline(in_evidence).due_at
    with pytest.raises(InvalidInput):
        cases.extend_deadline(in_evidence, arbitrator, hours=24, reason="")
    with pytest.raises(InvalidInput):
        cases.extend_deadline(in_evidence, arbitrator, hours=10_000, reason="太长的延期")
    cases.extend_deadline(in_evidence, arbitrator, hours=24, reason="双方正在补充材料")
    assert cases.running_deadline(in_evidence).due_at == due + 24 * H
    with pytest.raises(Conflict):
        cases.extend_deadline(in_evidence, arbitrator, hours=24, reason="再延一次")
    sweep(now=due + H)
    assert state(session, in_evidence) == CaseState.evidence


def test_a_supervisor_reassigns_with_a_reason(session, personas, in_evidence):
    from arbitration.auth.models import Role
    from tests.factories import create_user

    other = create_user("arb_second", Role.arbitrator)
    with pytest.raises(NotAllowed):
        cases.reassign(in_evidence, personas["buyer"], arbitrator_id=other.id, reason="我想换人")
    with pytest.raises(InvalidInput):
        cases.reassign(in_evidence, personas["supervisor"], arbitrator_id=personas["buyer"].id, reason="换成买家")
    cases.reassign(in_evidence, personas["supervisor"], arbitrator_id=other.id, reason="原仲裁员休假")
    assert in_evidence.arbitrator_id == other.id
    assert [e for e in events_of("case", in_evidence.id) if e.action == "case.reassign"][0].data["reason"] == \
        "原仲裁员休假"


def test_a_missed_review_escalates_without_changing_the_outcome(session, personas, in_evidence):
    sweep(now=T0 + 73 * H)                       # evidence closes: review starts on Oct 3 (holiday)
    assert state(session, in_evidence) == CaseState.review
    sweep(now=dt.datetime(2026, 10, 13, 4, 0, tzinfo=dt.timezone.utc))
    session.refresh(in_evidence)
    assert in_evidence.state == CaseState.review and in_evidence.escalated
