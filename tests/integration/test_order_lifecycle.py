"""Orders through the real services and database: cancellation by state, fees, refunds, locks, timers."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from arbitration.audit.services import events_of
from arbitration.cases import services as cases
from arbitration.deadlines import services as deadlines
from arbitration.deadlines.services import sweep
from arbitration.errors import Conflict, InvalidInput, NotAllowed
from arbitration.merchants.services import add_fee_schedule
from arbitration.orders import requests as order_requests
from arbitration.orders import services
from arbitration.orders.models import Escalation, Refund
from arbitration.orders.refunds import issue_refund, mark_refund
from arbitration.orders.rules import Channel, OrderState
from tests.conftest import T0
from tests.factories import make_order

H = dt.timedelta(hours=1)


@pytest.fixture
def buyer(personas):
    return personas["buyer"]


@pytest.fixture
def staff(personas):
    return personas["merchant_b"]  # 飞鱼卡盟, a third-party agent


def order(personas, state="paid", **kw):
    return make_order(personas["buyer"], state, merchant_staff=personas["merchant_b"], **kw)


def state_of(session, o):
    session.refresh(o)
    return o.state


# ---- cancellation by state ----

def test_an_unpaid_order_is_cancelled_at_once(session, personas, buyer):
    o = order(personas, "pending_payment")
    assert order_requests.request_cancellation(o, buyer, reason="not_needed") is None
    assert o.state == OrderState.cancelled


def test_an_unpaid_order_closes_itself_when_the_payment_window_passes(session, personas):
    o = order(personas, "pending_payment")
    sweep(now=T0 + dt.timedelta(minutes=59))
    assert state_of(session, o) == OrderState.pending_payment
    sweep(now=T0 + dt.timedelta(minutes=61))
    assert state_of(session, o) == OrderState.closed


def test_a_paid_order_goes_to_review_with_a_2h_target_and_a_24h_limit(session, personas, buyer):
    o = order(personas)
    req = order_requests.request_cancellation(o, buyer, reason="duplicate_order")
    assert (req.state, req.target_at, req.due_at) == ("pending", T0 + 2 * H, T0 + 24 * H)
    assert o.state == OrderState.paid


def test_the_merchant_approves_and_the_money_goes_back_to_the_original_channel(session, personas, buyer, staff):
    o = order(personas, channel=Channel.wechat)
    req = order_requests.request_cancellation(o, buyer, reason="wrong_item")
    order_requests.review_cancellation(o, req, staff, approve=True)
    refund = session.scalar(sa.select(Refund).where(Refund.order_id == o.id))
    assert o.state == OrderState.refunded
    assert (refund.channel, refund.amount_fen, refund.state) == (Channel.wechat, 10_000, "pending")


def test_silence_for_24h_approves_the_cancellation_by_default(session, personas, buyer):
    o = order(personas)
    req = order_requests.request_cancellation(o, buyer, reason="not_needed")
    sweep(now=T0 + 23.9 * H)
    assert state_of(session, o) == OrderState.paid
    sweep(now=T0 + 24.1 * H)
    session.refresh(req)
    assert state_of(session, o) == OrderState.refunded and req.state == "auto_approved"


def test_a_rejection_needs_a_reason_and_makes_the_order_eligible_for_a_case_for_7_days(
        session, personas, buyer, staff):
    o = order(personas)
    req = order_requests.request_cancellation(o, buyer, reason="wrong_item")
    with pytest.raises(InvalidInput):
        order_requests.review_cancellation(o, req, staff, approve=False, text="")
    order_requests.review_cancellation(o, req, staff, approve=False, text="卡密已预留，无法取消")
    esc = session.scalar(sa.select(Escalation).where(Escalation.order_id == o.id))
    assert esc.origin == "cancellation_rejected" and esc.eligible_until == T0 + 7 * 24 * H
    assert esc.facts["request"]["response_text"] == "卡密已预留，无法取消"
    assert any(step["action"] == "order.request_cancellation" for step in esc.facts["timeline"])


def test_a_delivered_order_needs_a_ground_and_a_description(session, personas, buyer):
    o = order(personas, "delivered")
    with pytest.raises(InvalidInput):
        order_requests.request_cancellation(o, buyer, reason="not_needed")
    with pytest.raises(InvalidInput):
        order_requests.request_cancellation(o, buyer, ground="late_delivery", description="太慢")
    req = order_requests.request_cancellation(o, buyer, ground="not_as_described",
                                              description="页面写面值100元，实际到账50元")
    assert req.reason == "not_as_described" and req.due_at == T0 + 48 * H


@pytest.mark.parametrize("response, amount, state, refunded", [
    ("full_refund", None, OrderState.refunded, 10_000),
    ("partial_refund", 3_000, OrderState.delivered, 3_000),
    ("compensation", 1_000, OrderState.delivered, 1_000),
])
def test_the_merchant_answers_a_delivered_cancellation(session, personas, buyer, staff, response, amount, state,
                                                       refunded):
    o = order(personas, "delivered")
    req = order_requests.request_cancellation(o, buyer, ground="not_as_described", description="面值不符，只到账50元")
    order_requests.respond_cancellation(o, req, staff, response=response, amount_fen=amount)
    assert o.state == state
    assert sum(r.amount_fen for r in session.scalars(sa.select(Refund).where(Refund.order_id == o.id))) == refunded


def test_a_completed_order_cannot_be_cancelled_and_the_message_says_what_to_do(session, personas, buyer):
    o = order(personas, "completed")
    with pytest.raises(Conflict, match="请申请售后"):
        order_requests.request_cancellation(o, buyer, reason="not_needed")


def test_a_vague_or_unknown_reason_is_refused_with_what_to_choose(session, personas, buyer):
    o = order(personas)
    with pytest.raises(InvalidInput, match="请从列表中选择原因"):
        order_requests.request_cancellation(o, buyer, reason="other", reason_text="不想买了")
    with pytest.raises(InvalidInput):
        order_requests.request_cancellation(o, buyer, reason="because")
    assert services.open_request(o) is None


def test_a_second_open_request_on_the_same_order_is_refused(session, personas, buyer):
    o = order(personas)
    order_requests.request_cancellation(o, buyer, reason="wrong_item")
    with pytest.raises(Conflict):
        order_requests.request_cancellation(o, buyer, reason="not_needed")


# ---- fees ----

def test_a_disclosed_fee_is_charged_and_deducted_from_the_refund(session, personas, buyer, staff):
    add_fee_schedule(None, staff.merchant, paid_rate_bp=500, delivered_rate_bp=0, note="5%", now=T0 - H)
    o = order(personas, fee_shown=True)
    req = order_requests.request_cancellation(o, buyer, reason="not_needed")
    assert (req.fee_fen, req.hidden_fee) == (500, False)
    order_requests.review_cancellation(o, req, staff, approve=True)
    refund = session.scalar(sa.select(Refund).where(Refund.order_id == o.id))
    assert (refund.amount_fen, refund.fee_fen) == (9_500, 500)


def test_an_undisclosed_fee_is_never_charged_and_is_flagged(session, personas, buyer, staff):
    add_fee_schedule(None, staff.merchant, paid_rate_bp=1_000, delivered_rate_bp=0, note="10%", now=T0 - H)
    o = order(personas, fee_shown=False)
    req = order_requests.request_cancellation(o, buyer, reason="not_needed")
    assert (req.fee_fen, req.hidden_fee) == (0, True)
    order_requests.review_cancellation(o, req, staff, approve=False, text="手续费未付，不予取消")
    esc = session.scalar(sa.select(Escalation).where(Escalation.order_id == o.id))
    assert "hidden_fee" in esc.facts["tags"]


def test_a_fee_raised_after_purchase_charges_only_what_was_shown(session, personas, buyer, staff):
    add_fee_schedule(None, staff.merchant, paid_rate_bp=500, delivered_rate_bp=0, note="5%", now=T0 - H)
    o = order(personas, fee_shown=True)
    add_fee_schedule(None, staff.merchant, paid_rate_bp=1_000, delivered_rate_bp=0, note="10%")
    req = order_requests.request_cancellation(o, buyer, reason="not_needed")
    assert (req.fee_fen, req.hidden_fee) == (500, True)


def test_no_fee_when_the_merchant_is_at_fault(session, personas, buyer, staff):
    add_fee_schedule(None, staff.merchant, paid_rate_bp=500, delivered_rate_bp=0, note="5%", now=T0 - H)
    o = order(personas, fee_shown=True)
    req = order_requests.request_cancellation(o, buyer, reason="late_delivery")
    assert req.fee_fen == 0


# ---- refunds ----

def test_refunds_never_exceed_what_was_paid(session, personas, buyer, staff):
    o = order(personas, "delivered")
    issue_refund(o, 6_000)
    with pytest.raises(InvalidInput, match="最多还可退款"):
        issue_refund(o, 4_001)
    issue_refund(o, 4_000)
    with pytest.raises(InvalidInput):
        issue_refund(o, 1)


@pytest.mark.parametrize("amount", [0, -100, 12.5, True, "100"])
def test_refund_amounts_are_positive_whole_fen(session, personas, amount):
    o = order(personas, "delivered")
    with pytest.raises(InvalidInput):
        issue_refund(o, amount)


@pytest.mark.parametrize("channel, expected", [
    (Channel.balance, dt.date(2026, 9, 30)),     # at once
    (Channel.alipay, dt.date(2026, 10, 10)),     # 3 working days: Oct 8, 9 and the make-up Saturday 10
    (Channel.wechat, dt.date(2026, 10, 10)),
    (Channel.bank_card, dt.date(2026, 10, 15)),  # 7 working days: ..., 12, 13, 14, 15
])
def test_expected_arrival_counts_working_days_over_national_day(session, personas, channel, expected):
    o = order(personas, "delivered", channel=channel)
    refund = issue_refund(o, 1_000)
    assert refund.expected_by == expected
    assert refund.state == ("done" if channel == Channel.balance else "pending")


def test_a_failed_refund_is_retried_and_then_arrives(session, personas):
    o = order(personas, "delivered")
    refund = issue_refund(o, 1_000)
    with pytest.raises(InvalidInput):
        mark_refund(o, refund.id, "failed", None, reason="")
    mark_refund(o, refund.id, "failed", None, reason="银行卡已注销")
    issue_refund(o, 9_500)   # the failed one no longer counts against the cap...
    with pytest.raises(InvalidInput):
        mark_refund(o, refund.id, "retry", None)  # ...so retrying it would pay out too much
    o2 = order(personas, "delivered")
    r2 = issue_refund(o2, 1_000)
    mark_refund(o2, r2.id, "failed", None, reason="渠道超时")
    mark_refund(o2, r2.id, "retry", None)
    mark_refund(o2, r2.id, "done", None)
    assert (r2.state, r2.attempts) == ("done", 2)
    with pytest.raises(Conflict):
        mark_refund(o2, r2.id, "done", None)


# ---- receipt ----

def test_confirming_receipt_needs_the_goods_checked(session, personas, buyer):
    o = order(personas, "delivered")
    with pytest.raises(InvalidInput):
        services.confirm_receipt(o, buyer, goods_checked=False)
    services.confirm_receipt(o, buyer, goods_checked=True)
    assert o.state == OrderState.completed


def test_an_undelivered_order_cannot_be_confirmed(session, personas, buyer):
    with pytest.raises(Conflict):
        services.confirm_receipt(order(personas), buyer, goods_checked=True)


def test_a_delivered_order_confirms_itself_after_72h(session, personas):
    o = order(personas, "delivered")
    sweep(now=T0 + 71 * H)
    assert state_of(session, o) == OrderState.delivered
    sweep(now=T0 + 73 * H)
    assert state_of(session, o) == OrderState.completed


def test_an_open_request_holds_the_automatic_confirmation(session, personas, buyer):
    o = order(personas, "delivered")
    order_requests.request_after_sales(o, buyer, problem="invalid_code", description="卡密提示已被使用，无法兑换")
    sweep(now=T0 + 47 * H)
    assert state_of(session, o) == OrderState.delivered


# ---- someone else, twice, too late ----

def test_acting_on_someone_elses_order_is_refused(session, personas):
    o = order(personas, "delivered")
    with pytest.raises(NotAllowed):
        services.confirm_receipt(o, personas["buyer_b"], goods_checked=True)
    with pytest.raises(NotAllowed):
        order_requests.request_cancellation(o, personas["merchant"], ground="not_as_described",
                                            description="另一个商家的员工")
    assert o.state == OrderState.delivered


def test_answering_twice_or_after_the_default_is_refused(session, personas, buyer, staff):
    o = order(personas)
    req = order_requests.request_cancellation(o, buyer, reason="wrong_item")
    sweep(now=T0 + 25 * H)
    session.refresh(req)
    with pytest.raises(Conflict):
        order_requests.review_cancellation(o, req, staff, approve=False, text="太迟了也要拒绝")
    assert state_of(session, o) == OrderState.refunded


# ---- risk control ----

def test_the_fifth_order_within_ten_minutes_is_locked(session, personas, config):
    config["RISK_ORDERS"] = 5
    orders = [order(personas, "pending_payment", now=T0 + i * dt.timedelta(minutes=2)) for i in range(5)]
    assert [o.locked for o in orders] == [False, False, False, False, True]
    assert orders[-1].lock_reason == "many_orders"


def test_frequent_account_switching_locks_the_order(session, personas, staff):
    from arbitration.orders.rules import ProductType

    o = services.create_order(buyer=personas["buyer"], merchant=staff.merchant, product_type=ProductType.top_up,
                              product_name="直充", face_value_fen=1_000, amount_fen=1_000, channel=Channel.alipay,
                              account_switches_today=3)
    assert (o.locked, o.lock_reason) == (True, "account_switching")


def test_a_locked_order_cannot_be_cancelled_or_confirmed_until_support_unlocks_it(session, personas, buyer):
    o = order(personas, "delivered", locked=True)
    with pytest.raises(Conflict, match="风控锁定"):
        services.confirm_receipt(o, buyer, goods_checked=True)
    with pytest.raises(Conflict, match="风控锁定"):
        order_requests.request_cancellation(o, buyer, ground="not_as_described", description="面值不符，只到账50元")
    with pytest.raises(NotAllowed):
        services.unlock_order(o, buyer, method="id_document", note="自己解锁")
    with pytest.raises(InvalidInput):
        services.unlock_order(o, personas["support"], method="id_document", note="")
    services.unlock_order(o, personas["support"], method="id_document", note="核对身份证与实名信息一致")
    services.confirm_receipt(o, buyer, goods_checked=True)
    unlock = [e for e in events_of("order", o.id) if e.action == "order.unlock"][0]
    assert unlock.actor_id == personas["support"].id and unlock.data["method"] == "id_document"


# ---- after-sales ----

def test_after_sales_reissue_counts_as_accepted_after_72h_of_silence(session, personas, buyer, staff):
    o = order(personas, "completed")
    req = order_requests.request_after_sales(o, buyer, problem="invalid_code", description="卡密提示已被使用，无法兑换")
    assert req.due_at == T0 + 48 * H
    order_requests.respond_after_sales(o, req, staff, response="reissue", codes=["NEW-CODE-0001"], now=T0 + H)
    assert (req.state, req.verify_due_at) == ("reissued", T0 + 73 * H)
    sweep(now=T0 + 72 * H)
    session.refresh(req)
    assert req.state == "reissued"
    sweep(now=T0 + 74 * H)
    session.refresh(req)
    assert req.state == "accepted"


def test_a_failed_reissue_makes_the_order_eligible_for_a_case(session, personas, buyer, staff):
    o = order(personas, "delivered")
    req = order_requests.request_after_sales(o, buyer, problem="invalid_code", description="卡密提示已被使用，无法兑换")
    order_requests.respond_after_sales(o, req, staff, response="reissue", codes=["NEW-CODE-0001"])
    order_requests.verify_reissue(o, req, buyer, works=False, note="补发的卡密同样提示已被使用")
    assert req.state == "failed"
    assert session.scalar(sa.select(Escalation.origin).where(Escalation.order_id == o.id)) == "after_sales_failed"


def test_a_merchant_silent_for_48h_on_after_sales_sends_it_to_the_platform(session, personas, buyer):
    o = order(personas, "delivered")
    req = order_requests.request_after_sales(o, buyer, problem="not_activated", description="会员开通后账号没有权益")
    sweep(now=T0 + 49 * H)
    session.refresh(req)
    assert req.state == "timed_out"
    esc = session.scalar(sa.select(Escalation).where(Escalation.order_id == o.id))
    assert esc.origin == "merchant_timeout" and "merchant_timeout" in esc.facts["tags"]


def test_a_refusal_of_after_sales_needs_a_reason(session, personas, buyer, staff):
    o = order(personas, "delivered")
    req = order_requests.request_after_sales(o, buyer, problem="invalid_code", description="卡密提示已被使用，无法兑换")
    with pytest.raises(InvalidInput):
        order_requests.respond_after_sales(o, req, staff, response="refuse", text="")
    with pytest.raises(InvalidInput):
        order_requests.respond_after_sales(o, req, staff, response="reissue", codes=[])
    with pytest.raises(InvalidInput):
        order_requests.respond_after_sales(o, req, staff, response="partial_refund", amount_fen=20_000)
    assert req.state == "pending"


def test_a_platform_fault_goes_straight_to_a_case(session, personas, buyer):
    o = order(personas, "delivered")
    order_requests.report_platform_fault(o, buyer, fault="duplicate_payment", description="同一订单被扣款两次，已截图")
    assert session.scalar(sa.select(Escalation.origin).where(Escalation.order_id == o.id)) == "platform_fault"


def test_every_change_is_in_the_orders_event_chain(session, personas, buyer, staff):
    o = order(personas)
    req = order_requests.request_cancellation(o, buyer, reason="wrong_item")
    order_requests.review_cancellation(o, req, staff, approve=True)
    actions = [e.action for e in events_of("order", o.id)]
    assert actions == ["order.created", "order.pay", "order.request_cancellation", "order.request_filed",
                       "order.review_cancellation", "order.refund_issued"]


def test_a_merchant_silent_for_48h_on_a_delivered_cancellation_sends_it_to_the_platform(session, personas, buyer):
    o = order(personas, "delivered")
    req = order_requests.request_cancellation(o, buyer, ground="late_delivery", description="付款后超过24小时才收到卡密")
    sweep(now=T0 + 47 * H)
    session.refresh(req)
    assert req.state == "pending"
    sweep(now=T0 + 49 * H)
    session.refresh(req)
    assert req.state == "timed_out"
    esc = session.scalar(sa.select(Escalation).where(Escalation.order_id == o.id))
    assert esc.origin == "merchant_timeout" and "delivery_delay" in esc.facts["tags"]


def test_policy_changes_apply_to_new_orders_only(session, personas, buyer, staff):
    from arbitration.merchants.models import Merchant
    from arbitration.merchants.services import update_policy

    before = order(personas, "pending_payment")
    merchant = session.get(Merchant, staff.merchant_id)
    values = {f: getattr(merchant, f) for f in Merchant.POLICY_FIELDS}
    update_policy(None, merchant, {**values, "payment_window_minutes": 15})
    after = order(personas, "pending_payment")
    sweep(now=T0 + dt.timedelta(minutes=16))
    assert (state_of(session, before), state_of(session, after)) == (OrderState.pending_payment, OrderState.closed)


# ---- found in review ----

def test_the_reissue_check_acts_only_on_the_request_awaiting_it(session, personas, buyer, staff):
    o = order(personas, "delivered")
    old = order_requests.request_after_sales(o, buyer, problem="invalid_code", description="卡密提示已被使用，无法兑换")
    order_requests.respond_after_sales(o, old, staff, response="refuse", text="卡密已核实有效")
    current = order_requests.request_after_sales(o, buyer, problem="invalid_code", description="再次兑换仍然失败了，提示卡密无效")
    order_requests.respond_after_sales(o, current, staff, response="reissue", codes=["NEW-2"])
    with pytest.raises(Conflict):
        order_requests.verify_reissue(o, old, buyer, works=True)
    assert old.state == "rejected" and current.state == "reissued"


def test_a_locked_order_is_not_refunded_by_default_until_it_is_unlocked(session, personas, buyer):
    o = order(personas)
    req = order_requests.request_cancellation(o, buyer, reason="wrong_item")
    services.lock_order(o, personas["support"], "manual")
    sweep(now=T0 + 25 * H)
    assert state_of(session, o) == OrderState.paid
    services.unlock_order(o, personas["support"], method="phone_callback", note="已回拨实名手机核实", now=T0 + 26 * H)
    sweep(now=T0 + 27 * H)
    session.refresh(req)
    assert state_of(session, o) == OrderState.refunded and req.state == "auto_approved"


def test_an_answer_after_the_deadline_is_refused(session, personas, buyer, staff):
    o = order(personas)
    req = order_requests.request_cancellation(o, buyer, reason="wrong_item")
    with pytest.raises(Conflict, match="期限已于"):
        order_requests.review_cancellation(o, req, staff, approve=False, text="卡密已出库无法取消", now=T0 + 25 * H)
    assert req.state == "pending"


def test_the_automatic_confirmation_starts_again_when_a_refused_request_ends(session, personas, buyer, staff):
    o = order(personas, "delivered")
    req = order_requests.request_after_sales(o, buyer, problem="invalid_code", description="卡密兑换时提示已被使用")
    order_requests.respond_after_sales(o, req, staff, response="refuse", text="卡密已核实有效", now=T0 + 10 * H)
    sweep(now=T0 + 81 * H)
    assert state_of(session, o) == OrderState.delivered   # a new 72 h window from the refusal
    sweep(now=T0 + 83 * H)
    assert state_of(session, o) == OrderState.completed


def test_the_automatic_confirmation_starts_again_when_the_order_is_unlocked(session, personas, buyer):
    o = order(personas, "delivered")
    services.lock_order(o, personas["support"], "manual")
    sweep(now=T0 + 73 * H)                                 # the window passes while locked: nothing happens
    assert state_of(session, o) == OrderState.delivered
    services.unlock_order(o, personas["support"], method="id_document", note="核对身份证一致", now=T0 + 74 * H)
    sweep(now=T0 + 145 * H)
    assert state_of(session, o) == OrderState.delivered
    sweep(now=T0 + 147 * H)
    assert state_of(session, o) == OrderState.completed


def test_a_fee_that_takes_everything_still_lets_the_cancellation_through(session, personas, buyer, staff):
    add_fee_schedule(None, staff.merchant, paid_rate_bp=10_000, delivered_rate_bp=0, note="100%", now=T0 - H)
    o = order(personas, fee_shown=True)
    req = order_requests.request_cancellation(o, buyer, reason="not_needed")
    result = sweep(now=T0 + 25 * H)
    assert (result.applied, result.failed) >= (1, 0) and result.failed == 0
    assert state_of(session, o) == OrderState.refunded
    assert session.scalar(sa.select(sa.func.count()).select_from(Refund).where(Refund.order_id == o.id)) == 0
    assert req.fee_fen == 10_000


def test_a_partial_refund_of_everything_left_refunds_the_order(session, personas, buyer, staff):
    o = order(personas, "delivered")
    req = order_requests.request_cancellation(o, buyer, ground="not_as_described", description="面值不符，只到账50元")
    order_requests.respond_cancellation(o, req, staff, response="partial_refund", amount_fen=10_000)
    assert o.state == OrderState.refunded


def test_the_case_window_is_the_buyers_deadline_met_when_a_case_opens(session, personas, buyer):
    o = order(personas)
    req = order_requests.request_cancellation(o, buyer, reason="wrong_item")
    order_requests.review_cancellation(o, req, personas["merchant_b"], approve=False, text="卡密已出库，不能取消")
    [window] = [d for d in deadlines.pending_for("order", o.id) if d.kind == "case_window"]
    escalation = session.scalar(sa.select(Escalation).where(Escalation.order_id == o.id))
    assert (window.actor_user_id, window.due_at, window.remind_at) == \
        (buyer.id, escalation.eligible_until, escalation.eligible_until - 24 * H)
    assert window in deadlines.awaiting(buyer)
    cases.open_case(buyer, o, category="non_delivery", remedy="full_refund", amount_fen=None,
                    statement="付款后商家拒绝取消，也一直没有发货。")
    session.refresh(window)
    assert window.state == "met" and escalation.case_opened_at == T0


def test_a_case_window_that_passes_only_closes(session, personas, buyer):
    o = order(personas)
    req = order_requests.request_cancellation(o, buyer, reason="wrong_item")
    order_requests.review_cancellation(o, req, personas["merchant_b"], approve=False, text="卡密已出库，不能取消")
    sweep(now=T0 + 7 * 24 * H + H)
    assert [d.kind for d in deadlines.all_for("order", o.id) if d.state == "applied"] == ["case_window"]
    assert state_of(session, o) == OrderState.paid and deadlines.awaiting(buyer) == []
    with pytest.raises(Conflict):
        cases.open_case(buyer, o, category="non_delivery", remedy="full_refund", amount_fen=None,
                        statement="付款后商家拒绝取消，也一直没有发货。", now=T0 + 7 * 24 * H + H)
