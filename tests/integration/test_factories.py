"""The test factories reach every state of an order and of a case through the real services."""
from __future__ import annotations

import pytest

from arbitration.audit.services import verify_subject
from arbitration.cases.workflow import CaseState
from arbitration.orders.rules import OrderState
from tests.factories import make_case, make_order


@pytest.mark.parametrize("state", [s.value for s in OrderState])
def test_an_order_is_made_in_every_state(session, personas, state):
    order = make_order(personas["buyer"], state, merchant_staff=personas["merchant"])
    assert order.state == OrderState(state)


@pytest.mark.parametrize("state", [s.value for s in CaseState])
def test_a_case_is_made_in_every_state_with_an_intact_log(session, personas, state):
    case = make_case(state)
    assert case.state == CaseState(state)
    assert verify_subject("case", case.id).intact
