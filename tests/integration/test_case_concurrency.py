"""Two parties acting on the same case at the same moment leave one consistent outcome (PostgreSQL)."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from arbitration.auth.models import User
from arbitration.cases import services as cases
from arbitration.cases.models import Case
from arbitration.cases.workflow import CaseState
from arbitration.db import commit, db, rollback
from arbitration.errors import DomainError
from tests.conftest import POSTGRES_URL


@pytest.fixture
def committed_case(app):
    """A case in negotiation, committed so that two connections see it; removed afterwards."""
    from arbitration.orders import requests as order_requests
    from tests.factories import make_order

    with app.app_context():
        buyer = db.session.scalar(sa.select(User).where(User.username == "buyer"))
        staff = db.session.scalar(sa.select(User).where(User.username == "merchant"))
        order = make_order(buyer, "paid", merchant_staff=staff)
        req = order_requests.request_cancellation(order, buyer, reason="wrong_item")
        order_requests.review_cancellation(order, req, staff, approve=False, text="不能取消的理由")
        case = cases.open_case(buyer, order, category="non_delivery", remedy="full_refund", amount_fen=None,
                               statement="并发测试：双方同时操作同一案件。")
        commit()
        ids = {"case": case.id, "order": order.id, "request": req.id}
        yield case.number
        _remove(ids)


def _remove(ids: dict) -> None:
    """Delete what the fixture committed (lifting the event log's guard for the test's own rows)."""
    run = db.session.execute
    run(sa.text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
    for subject_type, key in (("case", "case"), ("order", "order"), ("order_request", "request")):
        params = {"t": subject_type, "i": str(ids[key])}
        run(sa.text("DELETE FROM events WHERE subject_type = :t AND subject_id = :i"), params)
        run(sa.text("DELETE FROM event_chain_heads WHERE subject_type = :t AND subject_id = :i"), params)
        run(sa.text("DELETE FROM deadlines WHERE subject_type = :t AND subject_id = :i"), params)
    run(sa.text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
    run(sa.text("DELETE FROM notifications"))
    run(sa.text("DELETE FROM remedy_tasks WHERE case_id = :c"), {"c": ids["case"]})
    run(sa.text("DELETE FROM cases WHERE id = :c"), {"c": ids["case"]})
    run(sa.text("DELETE FROM refunds WHERE order_id = :o"), {"o": ids["order"]})
    run(sa.text("DELETE FROM escalations WHERE order_id = :o"), {"o": ids["order"]})
    run(sa.text("DELETE FROM order_requests WHERE order_id = :o"), {"o": ids["order"]})
    run(sa.text("DELETE FROM orders WHERE id = :o"), {"o": ids["order"]})
    commit()


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="ARBITRATION_TEST_POSTGRES_URL not set")
def test_an_acceptance_and_a_withdrawal_at_once_leave_one_outcome(app, committed_case):
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def act(who: str):
        with app.app_context():
            try:
                user = db.session.scalar(sa.select(User).where(User.username == who))
                case = cases.get_case(committed_case)
                barrier.wait()
                if who == "merchant":
                    cases.accept_claim(case, user)
                else:
                    cases.withdraw(case, user)
                commit()
                results[who] = "done"
            except DomainError as err:
                rollback()
                results[who] = f"refused: {err.message}"

    threads = [threading.Thread(target=act, args=(who,)) for who in ("merchant", "buyer")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(v.split(":")[0] for v in results.values()) == ["done", "refused"]
    with app.app_context():
        state = db.session.scalar(sa.select(Case.state).where(Case.number == committed_case))
        winner = next(who for who, v in results.items() if v == "done")
        assert state == (CaseState.enforcement if winner == "merchant" else CaseState.withdrawn)
