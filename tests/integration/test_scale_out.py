"""Scale-out on PostgreSQL and Redis with real processes that share nothing but the database, Redis and the
object store: two job consumers (`huey_consumer`), two `flask deadlines sweep` loops and four app processes
(two buyers, two merchants' staff) reading and writing the same cases at once. Afterwards every due deadline is
applied once, every job done once, no update lost, no event duplicated, every hash chain intact."""
from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from tests.conftest import ROOT, redis_up

PG = os.environ.get("ARBITRATION_TEST_POSTGRES_URL")
REDIS_DB = 7


pytestmark = [pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.skipif(not PG, reason="ARBITRATION_TEST_POSTGRES_URL not set"),
              pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")]


@pytest.fixture
def scale_db():
    """A database of its own next to the suite's (the processes need committed data), dropped afterwards."""
    base, name = PG.rsplit("/", 1)
    name = f"{name}_scale_out"
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def _env(url: str, instance) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBITRATION_")}
    env.update({"ARBITRATION_DATABASE_URL": url, "ARBITRATION_INSTANCE_PATH": str(instance),
                "ARBITRATION_QUEUE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}", "ARBITRATION_SECRET_KEY": "scale-out",
                "FLASK_APP": "wsgi:app", "PYTHONPATH": str(ROOT)})
    return env


def _start(cmd, env, log):
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(procs):
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def test_two_workers_two_sweepers_and_four_app_processes_apply_everything_once(scale_db, tmp_path):
    import redis

    env = _env(scale_db, tmp_path)
    history_ends = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)   # every running deadline is due
    t_gen = time.monotonic()
    gen = subprocess.run([sys.executable, "bench/generate.py", "--url", scale_db, "--orders", "1500", "--cases",
                          "600", "--merchants", "20", "--buyers", "200", "--arbitrators", "6", "--now",
                          history_ends.isoformat()], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert gen.returncode == 0, gen.stdout[-2000:] + gen.stderr[-3000:]
    print(f"generated in {time.monotonic() - t_gen:.0f} s")
    engine = sa.create_engine(scale_db)
    with engine.begin() as conn:
        due = {r.id: r for r in conn.execute(sa.text(
            "SELECT id, subject_type, subject_id FROM deadlines WHERE state = 'pending' AND due_at <= now()"))}
        # the contested cases: in evidence, all with one buyer and one merchant, worked by four app processes
        targets = conn.execute(sa.text("SELECT id, number FROM cases WHERE state = 'evidence' ORDER BY id LIMIT 12"
                                       )).all()
        ids = [t.id for t in targets]
        buyers = conn.execute(sa.text("SELECT id, username FROM users WHERE role = 'buyer' AND username LIKE 'b%' "
                                      "ORDER BY id LIMIT 2")).all()
        staff = conn.execute(sa.text("SELECT id, username, merchant_id FROM users WHERE role = 'merchant_staff' "
                                     "AND username LIKE 'staff%' ORDER BY id LIMIT 2")).all()
        half = len(ids) // 2
        for group, buyer, member in ((ids[:half], buyers[0], staff[0]), (ids[half:], buyers[1], staff[1])):
            conn.execute(sa.text("UPDATE cases SET buyer_id = :b, merchant_id = :m WHERE id = ANY(:ids)"),
                         {"b": buyer.id, "m": member.merchant_id, "ids": group})
            conn.execute(sa.text("UPDATE orders SET buyer_id = :b, merchant_id = :m "
                                 "WHERE id IN (SELECT order_id FROM cases WHERE id = ANY(:ids))"),
                         {"b": buyer.id, "m": member.merchant_id, "ids": group})
    assert len(due) > 100 and len(targets) == 12
    numbers = [t.number for t in targets]
    groups = [(buyers[0].username, numbers[:half]), (staff[0].username, numbers[:half]),
              (buyers[1].username, numbers[half:]), (staff[1].username, numbers[half:])]
    queue = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    queue.flushdb()
    started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(seconds=5)   # the DB's clock

    log = open(tmp_path / "processes.log", "w")
    consumer = [sys.executable, "-m", "huey.bin.huey_consumer", "arbitration.worker.huey", "-w", "2",
                "-k", "thread"]
    flask = f"{shlex.quote(sys.executable)} -m flask"
    sweeper = ["bash", "-c", f"while true; do {flask} deadlines sweep --batch-size 25; sleep 0.2; done"]
    background = [_start(consumer, env, log), _start(consumer, env, log), _start(sweeper, env, log),
                  _start(sweeper, env, log)]
    t0 = time.monotonic()
    try:
        writers = [subprocess.Popen([sys.executable, "-m", "tests.integration.scale_writer", user, ",".join(nums), "6"],
                                    cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for user, nums in groups]
        # a guard against a hang, not a speed check: the writers took 66 s beside one other test run on 2 cores
        outputs = [w.communicate(timeout=300) for w in writers]
        for w, (out, err) in zip(writers, outputs):
            assert w.returncode == 0, err[-3000:]
        reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
        print(f"writers done after {time.monotonic() - t0:.0f} s")
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                left = conn.execute(sa.text("SELECT count(*) FROM deadlines WHERE state = 'pending' "
                                            "AND due_at <= now()")).scalar()
                rendering = conn.execute(sa.text("SELECT count(*) FROM rulings WHERE pdf_state <> 'ready' "
                                                 "AND issued_at > :t"), {"t": started}).scalar()
            if not left and not rendering and not queue.llen("huey.redis.arbitration"):
                break
            time.sleep(1)
    finally:
        _stop(background)
        log.close()
    print(f"all applied and rendered after {time.monotonic() - t0:.0f} s")
    processes_log = (tmp_path / "processes.log").read_text()
    assert not left and not rendering, (left, rendering, processes_log[-3000:])

    with engine.connect() as conn:
        passed = Counter(json.loads(d)["deadline_id"] for (d,) in conn.execute(sa.text(
            "SELECT data_json FROM events WHERE action = 'deadline.passed'")))
        states = dict(conn.execute(sa.text("SELECT id, state FROM deadlines WHERE id = ANY(:ids)"),
                                   {"ids": list(due)}).all())
        pdf_events = Counter(json.loads(d)["ruling"] for (d,) in conn.execute(sa.text(
            "SELECT data_json FROM events WHERE action = 'ruling.pdf_ready'")))
        rulings = conn.execute(sa.text("SELECT number FROM rulings WHERE issued_at > :t"),
                               {"t": started}).scalars().all()
        messages = Counter(dict(conn.execute(sa.text(
            "SELECT c.number, count(*) FROM case_messages m JOIN cases c ON c.id = m.case_id "
            "WHERE c.id = ANY(:ids) GROUP BY c.number"), {"ids": ids}).all()))
        message_events = Counter(dict(conn.execute(sa.text(
            "SELECT c.number, count(*) FROM events e JOIN cases c ON e.subject_type = 'case' "
            "AND e.subject_id = CAST(c.id AS VARCHAR) WHERE e.action = 'case.message' AND c.id = ANY(:ids) "
            "GROUP BY c.number"), {"ids": ids}).all()))
        closings = Counter(dict(conn.execute(sa.text(
            "SELECT c.number, count(*) FROM events e JOIN cases c ON e.subject_type = 'case' "
            "AND e.subject_id = CAST(c.id AS VARCHAR) WHERE e.action = 'case.evidence_closed' AND c.id = ANY(:ids) "
            "GROUP BY c.number"), {"ids": ids}).all()))
        target_states = set(conn.execute(sa.text("SELECT state FROM cases WHERE id = ANY(:ids)"),
                                         {"ids": ids}).scalars())
        dup_seq = conn.execute(sa.text("SELECT count(*) FROM (SELECT subject_type, subject_id, seq FROM events "
                                       "GROUP BY 1, 2, 3 HAVING count(*) > 1) d")).scalar()
    engine.dispose()

    print(f"{len(due)} due, {Counter(states.values())}, {len(rulings)} PDFs, {sum(messages.values())} messages, "
          f"closed by a party: {sum(len(r['closed']) for r in reports)} of {len(numbers)}")
    # every deadline due at the start was applied (or met by a party first), and applied exactly once
    assert set(states.values()) <= {"applied", "met"}, Counter(states.values())
    applied = [i for i, s in states.items() if s == "applied"]
    assert len(applied) > 100 and all(passed[i] == 1 for i in applied)
    assert max(passed.values()) == 1
    # every job done once: each default ruling's PDF rendered and recorded exactly once
    assert rulings and all(pdf_events[n] == 1 for n in rulings), (len(rulings), pdf_events.most_common(3))
    assert queue.llen("huey.redis.arbitration") == 0
    # no lost update: every message a writer was told was sent is stored, with its one event
    sent = Counter()
    for report in reports:
        sent.update(report["sent"])
    assert messages == sent == message_events
    # the contested evidence windows closed once each, whoever closed them (a party or the sweep)
    assert target_states == {"review"} and all(closings[n] == 1 for n in numbers), (target_states, closings)
    assert dup_seq == 0
    verify = subprocess.run([sys.executable, "-m", "flask", "audit", "verify"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0 and "intact" in verify.stdout, verify.stdout[-2000:] + verify.stderr[-2000:]
