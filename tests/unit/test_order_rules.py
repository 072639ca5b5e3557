"""The order rules table, cell by cell, against the platform's rules written out independently here."""
from __future__ import annotations

import itertools

import pytest

from arbitration.orders import rules
from arbitration.orders.rules import Action, OrderFacts, OrderRole, OrderState

S, R, A = OrderState, OrderRole, Action
LIVE = {S.pending_payment, S.paid, S.delivered, S.completed}

# (action) -> (states where it applies, roles who may do it), from DESIGN §2 and the cancellation guide
SPEC = {
    A.pay: ({S.pending_payment}, {R.system}),
    A.deliver: ({S.paid}, {R.merchant, R.system}),
    A.close_unpaid: ({S.pending_payment}, {R.system}),
    A.cancel: ({S.pending_payment}, {R.buyer}),
    A.request_cancellation: ({S.paid, S.delivered}, {R.buyer}),
    A.review_cancellation: ({S.paid}, {R.merchant}),
    A.respond_cancellation: ({S.delivered}, {R.merchant}),
    A.approve_cancellation_by_default: ({S.paid}, {R.system}),
    A.confirm_receipt: ({S.delivered}, {R.buyer}),
    A.auto_confirm: ({S.delivered}, {R.system}),
    A.request_after_sales: ({S.delivered, S.completed}, {R.buyer}),
    A.respond_after_sales: ({S.delivered, S.completed}, {R.merchant}),
    A.verify_reissue: ({S.delivered, S.completed}, {R.buyer, R.system}),
    A.report_platform_fault: ({S.paid, S.delivered, S.completed, S.refunded, S.cancelled, S.closed},
                              {R.buyer, R.support}),
    A.lock: (LIVE, {R.support, R.admin, R.system}),
    A.unlock: (LIVE, {R.support, R.admin}),
    A.withdraw_request: ({S.paid, S.delivered, S.completed}, {R.buyer}),
}

# the facts under which each action's guards pass
ENABLING = {
    A.review_cancellation: dict(open_request="cancellation"),
    A.respond_cancellation: dict(open_request="cancellation"),
    A.approve_cancellation_by_default: dict(open_request="cancellation"),
    A.respond_after_sales: dict(open_request="after_sales"),
    A.verify_reissue: dict(open_request="after_sales", reissue_awaiting_verification=True),
    A.unlock: dict(locked=True),
    A.withdraw_request: dict(open_request="cancellation"),
}


def test_the_spec_names_every_action_of_the_table():
    assert set(SPEC) == set(Action) == set(rules.RULES)


@pytest.mark.parametrize("action, state, role", list(itertools.product(Action, OrderState, OrderRole)),
                         ids=lambda v: v.value)
def test_every_cell_of_the_table(action, state, role):
    states, roles = SPEC[action]
    facts = OrderFacts(state=state, **ENABLING.get(action, {}))
    problem = rules.check(action, role, facts)
    if state not in states:
        assert problem == "state"
    elif role not in roles:
        assert problem == "role"
    else:
        assert problem is None


@pytest.mark.parametrize("action", [A.cancel, A.request_cancellation, A.confirm_receipt, A.auto_confirm,
                                    A.request_after_sales, A.review_cancellation, A.respond_cancellation,
                                    A.approve_cancellation_by_default])
def test_a_locked_order_cannot_be_cancelled_confirmed_or_requested(action):
    state = next(iter(SPEC[action][0]))
    role = next(iter(SPEC[action][1]))
    facts = OrderFacts(state=state, locked=True, **ENABLING.get(action, {}))
    assert rules.check(action, role, facts) == "locked"


@pytest.mark.parametrize("action", [A.request_cancellation, A.confirm_receipt, A.auto_confirm,
                                    A.request_after_sales, A.report_platform_fault])
def test_an_open_request_or_case_blocks_a_second_one_and_confirmation(action):
    state = S.delivered
    role = next(iter(SPEC[action][1]))
    assert rules.check(action, role, OrderFacts(state=state, open_request="cancellation")) == "request_open"
    assert rules.check(action, role, OrderFacts(state=state, open_case=True)) == "request_open"


def test_answers_need_an_open_request_of_their_kind():
    assert rules.check(A.review_cancellation, R.merchant, OrderFacts(S.paid)) == "no_cancellation"
    assert rules.check(A.respond_after_sales, R.merchant, OrderFacts(S.delivered, open_request="cancellation")) \
        == "no_after_sales"
    assert rules.check(A.verify_reissue, R.buyer, OrderFacts(S.delivered, open_request="after_sales")) == "no_reissue"


def test_the_buttons_a_buyer_sees_on_a_paid_order():
    assert rules.allowed_actions(R.buyer, OrderFacts(S.paid)) == [A.request_cancellation, A.report_platform_fault]


def test_an_action_cannot_lead_to_a_state_outside_its_outcomes():
    assert rules.target_state(A.review_cancellation, S.paid, S.refunded) == S.refunded
    assert rules.target_state(A.review_cancellation, S.paid, None) == S.paid
    with pytest.raises(ValueError):
        rules.target_state(A.review_cancellation, S.paid, S.completed)


@pytest.mark.parametrize("code, text, problem", [
    ("wrong_item", "", None), ("other", "充值账号填错了，需要重新下单", None), ("other", "不想买了", "vague"),
    ("other", "", "vague"), ("other", "随便", "vague"), ("changed_mind", "", "unknown"), ("", "", "unknown"),
])
def test_cancellation_reasons_come_from_the_list_and_other_must_be_specific(code, text, problem):
    assert rules.reason_problem(code, text) == problem


def test_fees_are_basis_points_rounded_in_the_buyers_favour():
    assert rules.cancellation_fee(9_999, 500) == 499
    assert rules.cancellation_fee(10_000, 0) == 0
    with pytest.raises(ValueError):
        rules.cancellation_fee(-1, 500)


def test_refundable_never_goes_below_zero():
    assert rules.refundable(10_000, 3_000) == 7_000
    assert rules.refundable(10_000, 12_000) == 0


def test_risk_control_locks_on_many_orders_or_account_switching():
    t = rules.RiskThresholds(orders=5, within_minutes=10, account_switches=3)
    assert rules.risk_reason(4, 0, t) is None
    assert rules.risk_reason(5, 0, t) == "many_orders"
    assert rules.risk_reason(1, 3, t) == "account_switching"
