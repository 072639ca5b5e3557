"""Enforcement tasks and reconsideration, with a frozen clock."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from arbitration.cases import enforcement
from arbitration.cases import services as cases
from arbitration.cases.workflow import CaseState
from arbitration.deadlines.services import sweep
from arbitration.errors import Conflict, InvalidInput, NotAllowed
from arbitration.orders.models import Refund
from arbitration.orders.rules import OrderState
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy
from tests.conftest import T0
from tests.factories import make_case

H = dt.timedelta(hours=1)


def refunds(session, order):
    return session.scalars(sa.select(Refund).where(Refund.order_id == order.id)).all()


def test_an_accepted_claim_becomes_a_refund_task_that_closes_the_case(session, personas, refused):
    case = make_case(order=refused)
    cases.accept_claim(case, personas["merchant"])
    (task,) = enforcement.tasks_of(case)
    assert (task.remedy, task.owner, task.state) == ("full_refund", "merchant", "open")
    with pytest.raises(NotAllowed):
        enforcement.complete_task(case, task, personas["buyer"])
    enforcement.complete_task(case, task, personas["merchant"])
    assert case.state == CaseState.closed and case.closed_at is not None
    assert [r.amount_fen for r in refunds(session, refused)] == [10_000]
    assert refused.state == OrderState.paid  # the refund is recorded on the order; its state is the order's own


def test_a_settlement_carries_out_the_accepted_offer(session, personas, refused):
    case = make_case(order=refused)
    cases.make_offer(case, personas["merchant"], remedy="partial_refund", amount_fen=4_000)
    cases.answer_offer(case, personas["buyer"], accept=True)
    (task,) = enforcement.tasks_of(case)
    assert (task.remedy, task.amount_fen) == ("partial_refund", 4_000)
    enforcement.complete_task(case, task, personas["merchant"])
    assert [r.amount_fen for r in refunds(session, refused)] == [4_000]


def test_a_reissue_task_needs_a_note_of_what_was_done(session, personas, refused):
    case = make_case(order=refused)
    cases.make_offer(case, personas["merchant"], remedy="reissue", amount_fen=None)
    cases.answer_offer(case, personas["buyer"], accept=True)
    (task,) = enforcement.tasks_of(case)
    with pytest.raises(InvalidInput):
        enforcement.complete_task(case, task, personas["merchant"], note="")
    enforcement.complete_task(case, task, personas["merchant"], note="已补发卡密 NEW-0001")
    with pytest.raises(Conflict):
        enforcement.complete_task(case, task, personas["merchant"], note="再做一次")


def test_a_default_ruling_becomes_final_after_7_days_and_is_enforced(session, personas, refused):
    case = make_case(order=refused)
    sweep(now=T0 + 49 * H)                          # merchant silent: default ruling
    sweep(now=T0 + 49 * H + 7 * 24 * H + H)         # nobody asked for reconsideration: final
    session.refresh(case)
    assert case.state == CaseState.enforcement
    assert [t.remedy for t in enforcement.tasks_of(case)] == ["full_refund"]


def test_a_missed_enforcement_deadline_escalates(session, personas, refused):
    case = make_case(order=refused)
    cases.accept_claim(case, personas["merchant"])   # Wed 30 Sep: 1 working day is Thu 8 Oct
    sweep(now=dt.datetime(2026, 10, 7, 12, 0, tzinfo=dt.timezone.utc))
    session.refresh(case)
    assert not case.escalated
    sweep(now=dt.datetime(2026, 10, 8, 3, 0, tzinfo=dt.timezone.utc))
    session.refresh(case)
    assert case.escalated and case.state == CaseState.enforcement


def test_reconsideration_once_per_party_by_a_different_arbitrator(session, personas, refused):
    from arbitration.auth.models import Role
    from tests.factories import create_user

    create_user("arb_two", Role.arbitrator)
    case = make_case(order=refused)
    cases.refuse_claim(case, personas["merchant"], reason="卡密已经发出，买家已使用")
    first = case.arbitrator_id
    sweep(now=T0 + 49 * H)  # (the negotiation deadline was met: nothing happens)
    cases.no_more_evidence(case, personas["buyer"])
    cases.no_more_evidence(case, personas["merchant"])
    rulings.issue_ruling(case, personas["arbitrator"], decision="upheld", facts_found="商家收款后未发货且拒绝取消。",
                         reasoning="商家以预收款方式提供商品却未按约定提供，应当退回预付款。",
                         remedies=[Remedy("full_refund")], citations=["CRPL-53"])
    assert case.state == CaseState.reconsideration_window
    with pytest.raises(InvalidInput):
        cases.request_reconsideration(case, personas["merchant"], new_facts="短")
    with pytest.raises(NotAllowed):
        cases.request_reconsideration(case, personas["buyer_b"], new_facts="我不是当事人，但想复核")
    cases.request_reconsideration(case, personas["merchant"], new_facts="发现买家已在游戏内使用卡密的日志")
    assert case.state == CaseState.reconsideration and case.arbitrator_id not in (None, first)
    case.state = CaseState.reconsideration_window
    session.flush()
    with pytest.raises(Conflict):
        cases.request_reconsideration(case, personas["merchant"], new_facts="再次申请复核，有新的事实")
