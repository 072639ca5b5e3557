"""The order page's stage bar and "now" panel (orders/now.py), against the order rules table."""
from __future__ import annotations

import itertools

import pytest

from arbitration.orders import now as panel
from arbitration.orders import rules
from arbitration.orders.rules import Action, OrderFacts, OrderRole, OrderState

S, R = OrderState, OrderRole
BUTTON_ACTIONS = {"cancel": Action.cancel, "confirm_receipt": Action.confirm_receipt,
                  "request_cancellation": Action.request_cancellation,
                  "request_after_sales": Action.request_after_sales,
                  "report_platform_fault": Action.report_platform_fault, "withdraw_request": Action.withdraw_request,
                  "verify_reissue": Action.verify_reissue, "unlock": Action.unlock}


@pytest.mark.parametrize("state,role,open_request,locked", list(itertools.product(
    S, [R.buyer, R.merchant, R.support, R.admin, None], [None, "cancellation", "after_sales", "reissued"],
    [False, True])))
def test_every_button_the_panel_offers_is_one_the_rules_table_allows(state, role, open_request, locked):
    facts = OrderFacts(state=state, locked=locked,
                       open_request="after_sales" if open_request == "reissued" else open_request,
                       reissue_awaiting_verification=open_request == "reissued")
    allowed = frozenset(rules.allowed_actions(role, facts)) if role else frozenset()
    now = panel.now(panel.Facts(state=state, role=role, actions=allowed, open_request=open_request, locked=locked))
    assert now.headline
    for key in now.buttons:
        if key in BUTTON_ACTIONS and key not in ("withdraw_request", "verify_reissue", "unlock"):
            assert BUTTON_ACTIONS[key] in allowed, (state, role, key)
    if locked and role in (R.support, R.admin):
        assert now.buttons == ("unlock",) and now.yours


def test_a_refused_request_puts_opening_a_case_first_for_the_buyer_only():
    facts = dict(state=S.paid, actions=frozenset(), case_window_open=True)
    assert panel.now(panel.Facts(role=R.buyer, **facts)).buttons == ("open_case",)
    assert "open_case" not in panel.now(panel.Facts(role=R.merchant, **facts)).buttons


def test_the_stage_bar_shows_the_way_out_an_order_took_and_a_refund_still_on_its_way():
    assert [s.status for s in panel.stage_bar(S.delivered, frozenset({S.pending_payment, S.paid, S.delivered}))] \
        == ["done", "done", "current", "todo"]
    bar = panel.stage_bar(S.refunded, frozenset({S.pending_payment, S.paid}), refund_on_its_way=True)
    assert [(s.label, s.status) for s in bar] == [("Ordered", "done"), ("Paid", "done"), ("Refund on its way", "exit")]
