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
