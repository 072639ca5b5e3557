"""On PostgreSQL with committed rows: two requests with the same Idempotency-Key at the same moment; one runs, the
other waits for its commit and gets its recorded response (the unique index orders them)."""
from __future__ import annotations

import secrets
import threading
import time

import pytest
import sqlalchemy as sa

from arbitration import clock
from arbitration.api import idempotency
from arbitration.api.errors import ApiError
from arbitration.api.models import ApiClient, IdempotencyKey
from arbitration.db import commit, db, rollback
from tests.conftest import POSTGRES_URL

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not POSTGRES_URL, reason="ARBITRATION_TEST_POSTGRES_URL not set")]


@pytest.fixture
def committed_client(app):
    with app.app_context():     # a bare row: the event log is append-only, and this one is deleted afterwards
        client = ApiClient(name="race", token_prefix="kmapi_race", token_sha256=secrets.token_hex(32),
                           scopes_json='["orders:write"]', created_at=clock.now_utc(), webhook_events_json="[]")
        db.session.add(client)
        commit()
        client_id = client.id
    yield client_id
    with app.app_context():
        db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.client_id == client_id))
        db.session.execute(sa.delete(ApiClient).where(ApiClient.id == client_id))
        commit()


def test_the_same_key_at_the_same_moment_runs_once_and_the_other_gets_its_response(app, committed_client):
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def request(name):
        with app.app_context():
            try:
                barrier.wait()
                earlier = idempotency.reserve(committed_client, "same-key")
                if earlier is None:
                    time.sleep(0.5)          # the other request is at the unique index by now, waiting
                    idempotency.record(committed_client, "same-key", "fp", 201, {"number": name})
                    commit()
                    results[name] = "ran"
                else:
                    results[name] = idempotency.replay(earlier, "fp")
                    commit()
            except ApiError as err:
                rollback()
                results[name] = err.code

    threads = [threading.Thread(target=request, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    ran = [n for n, r in results.items() if r == "ran"]
    assert len(ran) == 1, results
    other = "b" if ran == ["a"] else "a"
    assert results[other] == (201, {"number": ran[0]})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey).where(
            IdempotencyKey.client_id == committed_client)) == 1
