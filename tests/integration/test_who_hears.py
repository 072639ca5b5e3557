"""Every deadline that names someone who must act is told to that someone, at once, by the event that starts it
(DESIGN §8). The deadlines are derived, not listed: the case rules (workflow.DEADLINES and who acts in each), and
every `deadlines.schedule(...)` call of the code that names an actor, read from the source. Each is driven through
the real services; then the inbox of the person who must act holds a new notification with the deadline's time and
a link. A deadline added without a scenario here fails, and so does a scenario whose person hears nothing."""
from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

import arbitration
from arbitration.auth.models import Role, User
from arbitration.cases import services as cases
from arbitration.cases import workflow as wf
from arbitration.cases.models import Case
from arbitration.cases.workflow import CaseState
from arbitration.db import db
from arbitration.deadlines.models import Deadline
from arbitration.deadlines.services import sweep
from arbitration.notifications.models import Notification
from arbitration.notifications.services import text_of
from arbitration.orders import requests as order_requests
from arbitration.orders import services as orders
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy
from arbitration.web_format import format_local
from tests.factories import (FACTS_FOUND, RULING_REASONING, T0, create_user, make_case, make_order,
                             make_refused_order)

PACKAGE = Path(arbitration.__file__).parent
ACTORS = {"actor_user_id", "actor_merchant_id", "actor_role"}
# calls whose kind is computed, not written: where, and why a scenario below covers them
COMPUTED_KINDS = {
    "cases/services.py": "a case's deadline is its state's: the case rules (workflow.DEADLINES) below",
    "orders/timers.py": "a cancellation review held by a risk lock, looked at again each hour: the same deadline",
}
DESCRIPTION = "兑换时提示卡密无效，截图已上传。"


def _constants(tree: ast.Module) -> dict[str, str]:
    return {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for t in node.targets if isinstance(t, ast.Name)}


def scheduled_in_code() -> tuple[set[str], set[str]]:
    """(the kinds of the deadlines the code schedules naming someone to act, the modules where such a kind is
    computed)."""
    kinds, computed = set(), set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _constants(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "schedule" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "deadlines"):
                continue
            if not ACTORS & {k.arg for k in node.keywords}:
                continue
            kind = node.args[2]
            if isinstance(kind, ast.Constant):
                kinds.add(kind.value)
            elif isinstance(kind, ast.Name) and kind.id in names:
                kinds.add(names[kind.id])
            else:
                computed.add(path.relative_to(PACKAGE).as_posix())
    return kinds, computed


ORDER_KINDS, COMPUTED = scheduled_in_code()


# ---- what the person told must find ----

def _max_id(session, model) -> int:
    return session.scalar(sa.select(sa.func.max(model.id))) or 0


def _staff(session, merchant_id: int) -> list[User]:
    return session.scalars(sa.select(User).where(User.role == Role.merchant_staff, User.merchant_id == merchant_id,
                                                 User.active.is_(True))).all()


def _named(session, d: Deadline) -> list[User]:
    """Whom an order deadline names."""
    people = [session.get(User, d.actor_user_id)] if d.actor_user_id else []
    if d.actor_merchant_id:
        people += _staff(session, d.actor_merchant_id)
    assert d.actor_role is None, "a deadline waiting for a whole role: say here who is told"
    return people


def _case_people(session, case, d: Deadline) -> list[User]:
    """Who must act in the case's state, from the rule's `who`; a deadline naming one person must name them."""
    who = wf.who_acts(CaseState(d.kind), case.supplementary_party)
    buyer, staff = [session.get(User, case.buyer_id)], _staff(session, case.merchant_id)
    if who == "arbitrator":
        assert (d.actor_user_id, d.actor_merchant_id) == (case.arbitrator_id, None), "not the case's arbitrator"
        return [session.get(User, case.arbitrator_id)]
    if who == "buyer":
        assert (d.actor_user_id, d.actor_merchant_id) == (case.buyer_id, None)
        return buyer
    if who == "merchant":
        assert (d.actor_user_id, d.actor_merchant_id) == (None, case.merchant_id)
        return staff
    assert who == "both", who
    return buyer + staff


def started_and_told(session, act: Callable[[], object]) -> list[tuple[Deadline, list[Notification]]]:
    """Run `act`; for every deadline it started that waits for someone, that someone's new notifications carrying
    the deadline's time. Fails for a person told nothing."""
    deadlines_before, notes_before = _max_id(session, Deadline), _max_id(session, Notification)
    act()
    session.flush()
    started = session.scalars(sa.select(Deadline).where(Deadline.id > deadlines_before, Deadline.state == "pending")
                              .order_by(Deadline.id)).all()
    out = []
    for d in started:
        if d.subject_type == "case":
            people = _case_people(session, session.get(Case, int(d.subject_id)), d)
        else:
            people = _named(session, d)
        if not people:
            continue
        due, told = format_local(d.due_at), []
        for person in people:
            notes = [n for n in session.scalars(sa.select(Notification).where(
                Notification.id > notes_before, Notification.user_id == person.id)) if n.params.get("due") == due]
            assert notes, f"{person.username} must act on {d.kind} by {due} but was not told"
            assert all(n.link.startswith(("/orders/", "/cases/")) for n in notes)
            told += notes
        out.append((d, told))
    return out


def kinds_started(results) -> set[str]:
    return {d.kind for d, _told in results}


# ---- the order deadlines: scenarios by kind (each returns the action that starts it) ----

def placed(p):
    return lambda: make_order(p["buyer"], "pending_payment", merchant_staff=p["merchant"])


def delivered(p):
    order = make_order(p["buyer"], "paid", merchant_staff=p["merchant"])
    return lambda: orders.deliver_order(order, p["merchant"], card_codes=["KM-0001"])


def after_sales_resolved(p):
    """A partial refund ends the after-sales request: the delivered order's automatic confirmation runs again."""
    order = make_order(p["buyer"], "delivered", merchant_staff=p["merchant"])
    req = order_requests.request_after_sales(order, p["buyer"], problem="invalid_code", description=DESCRIPTION)
    return lambda: order_requests.respond_after_sales(order, req, p["merchant"], response="partial_refund",
                                                      amount_fen=2_000)


def unlocked(p):
    order = make_order(p["buyer"], "delivered", merchant_staff=p["merchant"], locked=True)
    return lambda: orders.unlock_order(order, p["support"], method="id_document", note="核对了身份证件")


def cancellation_paid(p):
    order = make_order(p["buyer"], "paid", merchant_staff=p["merchant"])
    return lambda: order_requests.request_cancellation(order, p["buyer"], reason="wrong_item")


def cancellation_delivered(p):
    order = make_order(p["buyer"], "delivered", merchant_staff=p["merchant"])
    return lambda: order_requests.request_cancellation(order, p["buyer"], ground="not_as_described",
                                                       description=DESCRIPTION)


def after_sales(p):
    order = make_order(p["buyer"], "delivered", merchant_staff=p["merchant"])
    return lambda: order_requests.request_after_sales(order, p["buyer"], problem="invalid_code",
                                                      description=DESCRIPTION)


def _after_sales_request(p):
    order = make_order(p["buyer"], "delivered", merchant_staff=p["merchant"])
    return order, order_requests.request_after_sales(order, p["buyer"], problem="invalid_code",
                                                     description=DESCRIPTION)


def reissued(p):
    order, req = _after_sales_request(p)
    return lambda: order_requests.respond_after_sales(order, req, p["merchant"], response="reissue",
                                                      codes=["KM-NEW-0002"])


def cancellation_refused(p):
    order = make_order(p["buyer"], "paid", merchant_staff=p["merchant"])
    req = order_requests.request_cancellation(order, p["buyer"], reason="wrong_item")
    return lambda: order_requests.review_cancellation(order, req, p["merchant"], approve=False,
                                                      text="卡密已出库，不能取消")


def after_sales_refused(p):
    order, req = _after_sales_request(p)
    return lambda: order_requests.respond_after_sales(order, req, p["merchant"], response="refuse",
                                                      text="卡密经核实有效")


def merchant_silent(p):
    _after_sales_request(p)
    return lambda: sweep(now=T0 + dt.timedelta(hours=49))


def reissue_failed(p):
    order, req = _after_sales_request(p)
    order_requests.respond_after_sales(order, req, p["merchant"], response="reissue", codes=["KM-NEW-0002"])
    return lambda: order_requests.verify_reissue(order, req, p["buyer"], works=False, note="补发的卡密同样提示无效")


def platform_fault(p):
    order = make_order(p["buyer"], "paid", merchant_staff=p["merchant"])
    return lambda: order_requests.report_platform_fault(order, p["buyer"], fault="duplicate_payment",
                                                        description="同一订单被扣款两次，付款记录已截图。")


ORDER_SCENARIOS = {
    "payment_window": (placed,),
    "auto_confirm": (delivered, after_sales_resolved, unlocked),
    "cancellation_review": (cancellation_paid,),
    "cancellation_response": (cancellation_delivered,),
    "after_sales_response": (after_sales,),
    "reissue_verification": (reissued,),
    "case_window": (cancellation_refused, after_sales_refused, merchant_silent, reissue_failed, platform_fault),
}


def test_the_source_is_read_as_expected():
    assert ORDER_KINDS >= {"payment_window", "auto_confirm", "case_window"}
    assert COMPUTED == set(COMPUTED_KINDS), "a deadline whose kind is computed: say which scenario covers it"


@pytest.mark.parametrize("kind", sorted(ORDER_KINDS | set(ORDER_SCENARIOS)))
def test_every_order_deadline_naming_someone_tells_them_when_it_starts(session, personas, kind):
    assert kind in ORDER_KINDS, f"no deadline {kind} is scheduled any more: drop its scenario"
    assert kind in ORDER_SCENARIOS, f"the code schedules {kind} for someone: add a scenario and a notification"
    for scenario in ORDER_SCENARIOS[kind]:
        results = started_and_told(session, scenario(personas))
        assert kind in kinds_started(results), f"{scenario.__name__} does not start {kind}"


# ---- the case deadlines: one scenario per state of the rules ----

def _arbitrator(case) -> User:
    return db.session.get(User, case.arbitrator_id)


def case_scenario(state: CaseState, p, asked: str = "buyer"):
    S = CaseState
    if state == S.negotiation:
        order = make_refused_order(p["buyer"], p["merchant"])
        return lambda: cases.open_case(p["buyer"], order, category="non_delivery", remedy="full_refund",
                                       amount_fen=None, statement="付款后商家拒绝取消，也一直没有发货。")
    if state in (S.offer_pending, S.evidence, S.enforcement):
        case = make_case(order=make_refused_order(p["buyer"], p["merchant"]))
        return {S.offer_pending: lambda: cases.make_offer(case, p["merchant"], remedy="partial_refund",
                                                          amount_fen=5_000, text="退一半"),
                S.evidence: lambda: cases.refuse_claim(case, p["merchant"], reason="卡密已发出，买家已使用"),
                S.enforcement: lambda: cases.accept_claim(case, p["merchant"])}[state]
    if state == S.supplementary:
        case = make_case("evidence", order=make_refused_order(p["buyer"], p["merchant"]))
        return lambda: cases.request_supplementary(case, _arbitrator(case), party=asked, note="请补充付款记录截图")
    if state == S.review:
        case = make_case("evidence", order=make_refused_order(p["buyer"], p["merchant"]))
        cases.no_more_evidence(case, p["buyer"])
        return lambda: cases.no_more_evidence(case, p["merchant"])
    if state == S.reconsideration_window:
        case = make_case("review", order=make_refused_order(p["buyer"], p["merchant"]))
        return lambda: rulings.issue_ruling(case, _arbitrator(case), decision="upheld", facts_found=FACTS_FOUND,
                                            reasoning=RULING_REASONING, remedies=[Remedy("full_refund")],
                                            citations=["CRPL-53"])
    if state == S.reconsideration:
        case = make_case("reconsideration_window", order=make_refused_order(p["buyer"], p["merchant"]))
        create_user("arb_second", Role.arbitrator)       # a different arbitrator looks again
        return lambda: cases.request_reconsideration(case, p["merchant"], new_facts="游戏日志显示买家已经使用了该卡密")
    raise AssertionError(f"the case rules name someone in {state.value}: add a scenario and a notification")


CASE_RULES = [(rule.state, asked) for rule in wf.DEADLINES
              for asked in (("buyer", "merchant") if rule.who == "asked" else ("",))]


@pytest.mark.parametrize("state,asked", CASE_RULES, ids=[f"{s.value}{'-' + a if a else ''}" for s, a in CASE_RULES])
def test_every_case_deadline_tells_who_must_act_when_it_starts(session, personas, state, asked):
    results = started_and_told(session, case_scenario(state, personas, asked or "buyer"))
    assert state.value in kinds_started(results)


def test_the_party_asked_for_more_evidence_reads_the_arbitrators_words(session, personas):
    results = started_and_told(session, case_scenario(CaseState.supplementary, personas, "merchant"))
    [(deadline, told)] = results
    assert [n.kind for n in told] == ["supplementary"]
    assert "请补充付款记录截图" in text_of(told[0]) and format_local(deadline.due_at) in text_of(told[0])


def test_the_reconsideration_waits_for_the_new_arbitrator_not_the_first(session, personas):
    results = started_and_told(session, case_scenario(CaseState.reconsideration, personas))
    [(deadline, told)] = results
    second = session.scalar(sa.select(User).where(User.username == "arb_second"))
    assert deadline.actor_user_id == second.id and {n.user_id for n in told} == {second.id}
