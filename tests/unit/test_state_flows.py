"""The state tables of requests, refunds, exports and webhook deliveries, move by move."""
from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from arbitration.api.rules import DELIVERY_FLOW
from arbitration.flows import IllegalMove
from arbitration.orders.rules import REFUND_FLOW, REQUEST_FLOW
from arbitration.oversight.rules import EXPORT_FLOW
from arbitration.rulings.review_rules import DRAFT_FLOW

FLOWS = [REQUEST_FLOW, REFUND_FLOW, EXPORT_FLOW, DELIVERY_FLOW, DRAFT_FLOW]
EXPECTED = {
    ("request", "pending", "rejected"): True, ("request", "reissued", "failed"): True,
    ("request", "rejected", "pending"): False, ("request", "pending", "accepted"): False,
    ("request", "timed_out", "approved"): False,
    ("refund", "pending", "done"): True, ("refund", "failed", "pending"): True, ("refund", "done", "failed"): False,
    ("refund", "done", "pending"): False,
    ("export", "queued", "cancelled"): True, ("export", "running", "done"): True, ("export", "done", "running"): False,
    ("export", "queued", "done"): False, ("export", "cancelled", "running"): False,
    ("webhook delivery", "dead", "delivered"): True, ("webhook delivery", "pending", "pending"): True,
    ("ruling draft", "draft", "issued"): True, ("ruling draft", "in_review", "issued"): False,
    ("ruling draft", "returned", "issued"): False, ("ruling draft", "approved", "issued"): True,
    ("ruling draft", "approved", "draft"): True, ("ruling draft", "issued", "draft"): False,
}


@pytest.mark.parametrize("flow,frm,to", [(f, a, b) for f in FLOWS for a, b in itertools.product(f.states, repeat=2)])
def test_a_row_moves_exactly_as_its_table_says(flow, frm, to):
    row = SimpleNamespace(state=frm)
    if flow.allows(frm, to):
        assert flow.move(row, to) == frm and row.state == to
    else:
        with pytest.raises(IllegalMove):
            flow.move(row, to)
        assert row.state == frm
    if (flow.name, frm, to) in EXPECTED:
        assert flow.allows(frm, to) is EXPECTED[(flow.name, frm, to)]


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.name)
def test_every_state_is_reachable_from_a_start_and_the_ends_are_final(flow):
    reached, frontier = set(flow.start), set(flow.start)
    while frontier:
        frontier = {to for frm in frontier for to in flow.targets(frm)} - reached
        reached |= frontier
    assert reached == set(flow.states)
    for state in ("rejected", "accepted", "timed_out", "done", "cancelled"):
        if state in flow.states and flow is not DELIVERY_FLOW and flow is not REFUND_FLOW:
            assert flow.is_final(state)


def test_a_row_cannot_be_created_in_a_state_its_table_does_not_start_in():
    with pytest.raises(IllegalMove):
        REQUEST_FLOW.check_start("approved")
    assert REFUND_FLOW.check_start("done") == "done"      # to the account balance: at once
