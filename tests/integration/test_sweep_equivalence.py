"""The set-based sweep has the same outcomes as the per-deadline sweep: two copies of one generated platform whose
every running deadline is due, swept at the same instant one deadline at a time and in batches, end with the same
cases, orders, requests, deadlines, notifications and events (ids and times aside; the hashes cover the rest), and
every chain verifies. On SQLite always, on PostgreSQL when the suite has one."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import pytest
import sqlalchemy as sa

from tests.conftest import ROOT

PG = os.environ.get("ARBITRATION_TEST_POSTGRES_URL")
# every kind of consequence the generated history has running, including each one with a set-based path
EXPECTED = {"case.default_ruling", "case.offer_lapsed", "case.evidence_closed", "case.ruling_final", "case.escalate",
            "order.auto_confirm"}
SET_BASED = {"case.escalate", "case.evidence_closed", "case.ruling_final", "order.auto_confirm", "case.default_ruling",
             "case.offer_lapsed"}


AUDIT_KEY = "k-equivalence:" + "5e" * 32


def _env(url: str, instance) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBITRATION_")}
    env.update({"ARBITRATION_DATABASE_URL": url, "ARBITRATION_INSTANCE_PATH": str(instance),
                "ARBITRATION_SECRET_KEY": "equivalence", "FLASK_APP": "wsgi:app", "PYTHONPATH": str(ROOT),
                "ARBITRATION_AUDIT_KEY": AUDIT_KEY})     # one platform: every process keys the chains alike
    return env


def _run(args, env, timeout=180):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not PG, reason="ARBITRATION_TEST_POSTGRES_URL not set")])])
def two_copies(request, tmp_path):
    """A generated platform whose history ended 30 days ago (every running deadline due), and a copy of it."""
    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path}/one.db", f"sqlite:///{tmp_path}/two.db"]
    else:
        base, name = PG.rsplit("/", 1)
        urls = [f"{base}/{name}_eq_one", f"{base}/{name}_eq_two"]
        admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for url in urls:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
            conn.exec_driver_sql(f"CREATE DATABASE {urls[0].rsplit('/', 1)[1]}")
    ends = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(days=30)
    _run(["bench/generate.py", "--url", urls[0], "--orders", "200", "--cases", "100", "--merchants", "5", "--buyers",
          "30", "--arbitrators", "3", "--now", ends.isoformat()], _env(urls[0], tmp_path / "gen"))
    if request.param == "sqlite":
        shutil.copyfile(urls[0].split("///", 1)[1], urls[1].split("///", 1)[1])
        yield urls
        return
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {urls[1].rsplit('/', 1)[1]} TEMPLATE {urls[0].rsplit('/', 1)[1]}")
    yield urls
    with admin.connect() as conn:
        for url in urls:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
    admin.dispose()


def _snapshot(url: str) -> dict:
    """What the sweep's outcomes are, without ids of rows the sweep wrote and without times."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        q = lambda sql: [tuple(r) for r in conn.execute(sa.text(sql))]  # noqa: E731
        snap = {
            "cases": q("SELECT id, state, arbitrator_id, escalated, buyer_evidence_closed, merchant_evidence_closed, "
                       "queue_due_at IS NULL, closed_at IS NULL FROM cases ORDER BY id"),
            "orders": q("SELECT id, state, locked, completed_at IS NULL, ended_at IS NULL FROM orders ORDER BY id"),
            "requests": q("SELECT id, state FROM order_requests ORDER BY id"),
            "deadlines": q("SELECT subject_type, subject_id, kind, consequence, state, attempts, actor_user_id, "
                           "actor_merchant_id, actor_role FROM deadlines ORDER BY subject_type, subject_id, kind, "
                           "consequence, state, attempts"),
            "notifications": sorted(q("SELECT user_id, kind, params_json, link FROM notifications")),
            "events": q("SELECT subject_type, subject_id, seq, actor_id, actor_role, action, data_json FROM events "
                        "ORDER BY subject_type, subject_id, seq"),
            "heads": q("SELECT subject_type, subject_id, seq FROM event_chain_heads ORDER BY subject_type, subject_id"),
            "rulings": q("SELECT case_id, round, kind, decision, remedies_json FROM rulings ORDER BY case_id, round"),
            "tasks": q("SELECT case_id, remedy, state FROM remedy_tasks ORDER BY case_id, remedy"),
            "due": dict(q("SELECT consequence, count(*) FROM deadlines WHERE state = 'pending' GROUP BY consequence")),
        }
    engine.dispose()
    return snap


def _due(url: str, now: dt.datetime) -> dict:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = dict(tuple(r) for r in conn.execute(sa.text(
            "SELECT consequence, count(*) FROM deadlines WHERE state = 'pending' AND due_at <= :now "
            "GROUP BY consequence"), {"now": now.replace(tzinfo=None)}))
    engine.dispose()
    return found


def test_the_batched_sweep_ends_where_the_per_deadline_sweep_ends(two_copies, tmp_path):
    one, two = two_copies
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    due = _due(one, now)
    assert EXPECTED <= set(due), sorted(due.items())
    counts = [json.loads(_run(["-m", "tests.integration.sweep_runner", now.isoformat(), mode, "10"],
                              _env(url, tmp_path / mode)).strip().splitlines()[-1])
              for url, mode in ((one, "one_by_one"), (two, "batched"))]
    batched = sum(n for name, n in due.items() if name in SET_BASED)
    assert counts[0]["batched"] == 0 and counts[1]["batched"] >= batched > 0     # the set-based path did its part
    counts[1]["batched"] = 0
    assert counts[0] == counts[1] and counts[0]["applied"] == sum(due.values()) and counts[0]["failed"] == 0
    before, after = _snapshot(one), _snapshot(two)
    for table in before:
        assert before[table] == after[table], table
    assert _due(two, now) == {}
    for url, mode in ((one, "one_by_one"), (two, "batched")):
        verify = _run(["-m", "flask", "audit", "verify"], _env(url, tmp_path / mode))
        assert "intact" in verify and "broken" not in verify.lower(), verify[-1000:]
