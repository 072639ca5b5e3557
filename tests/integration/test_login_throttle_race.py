"""On PostgreSQL with committed rows: a burst of simultaneous wrong guesses at one account from one address gets
no more passwords checked than the limit, and leaves the owner able to log in from elsewhere."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from arbitration.auth import services
from arbitration.auth.models import LoginAttempt, LoginLock
from arbitration.db import commit, db, rollback
from arbitration.errors import NotAllowed
from tests.conftest import POSTGRES_URL
from tests.factories import PASSWORD

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not POSTGRES_URL, reason="ARBITRATION_TEST_POSTGRES_URL not set")]

ATTACKER, OWNER = "10.66.0.1", "10.66.0.2"
BURST = 24


@pytest.fixture
def checked(monkeypatch):
    """The passwords checked against a hash, whichever thread checked them."""
    seen: list[str] = []
    lock = threading.Lock()
    real = services.check_password

    def counting(user, password):
        with lock:
            seen.append(password)
        return real(user, password)

    monkeypatch.setattr(services, "check_password", counting)
    return seen


@pytest.fixture
def committed_attempts(app):
    """The burst commits its failures and lock rows (the personas were committed by the app fixture); they go
    afterwards."""
    yield
    with app.app_context():
        db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == "buyer"))
        db.session.execute(sa.delete(LoginLock).where(LoginLock.key.in_(["buyer", ATTACKER, OWNER])))
        commit()


def test_a_burst_of_simultaneous_guesses_checks_no_more_than_the_limit_and_spares_the_owner(
        app, checked, committed_attempts):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]
    barrier = threading.Barrier(BURST)
    statuses: list[int] = []

    def guess(n: int) -> None:
        client = app.test_client()           # its own request, session and connection
        barrier.wait()
        response = client.post("/login", data={"username": "buyer", "password": f"wrong-guess-{n:02d}"},
                               environ_base={"REMOTE_ADDR": ATTACKER})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(checked) == limit, checked
    assert sorted(statuses) == [400] * limit + [403] * (BURST - limit)     # wrong password / wait, unchecked
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(
            LoginAttempt.username == "buyer")) == limit

    # the right password from the attacker's address is refused without being checked
    refused = app.test_client().post("/login", data={"username": "buyer", "password": PASSWORD},
                                     environ_base={"REMOTE_ADDR": ATTACKER})
    assert refused.status_code == 403 and len(checked) == limit
    # the owner, from another address, logs in (through the service, rolled back: the event log keeps no trace)
    with app.app_context():
        try:
            assert services.authenticate("buyer", PASSWORD, OWNER).username == "buyer"
        finally:
            rollback()
        with pytest.raises(NotAllowed):
            services.authenticate("buyer", PASSWORD, ATTACKER)
        rollback()
