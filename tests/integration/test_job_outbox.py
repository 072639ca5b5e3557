"""The job outbox (issue 16): a change that committed is a success even when its jobs cannot be queued; such a
job stays in `job_outbox` until the queue takes it, and runs once. After-commit hooks run each on its own."""
from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
import redis
import sqlalchemy as sa
from huey.storage import RedisStorage

from arbitration.audit.models import Event
from arbitration.audit.services import record_event
from arbitration.db import after_commit, commit, db
from arbitration.jobs import queue
from arbitration.jobs.models import OutboxJob
from arbitration.rulings import services as rulings
from arbitration.rulings.models import Ruling
from tests.conftest import POSTGRES_URL, T0, login
from tests.factories import issue_through_the_form, make_case

ran: list[str] = []


@queue.job()
def outbox_note(text: str, *, loud: bool = False):
    ran.append(text.upper() if loud else text)


def redis_down(monkeypatch):
    """The queue becomes a Redis that cannot be reached (a closed port); call what this returns to bring it back
    (the tests' immediate queue)."""
    huey, saved = queue.huey, (queue.huey._immediate, queue.huey.storage)
    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(huey, "storage", RedisStorage("arbitration", connection_pool=redis.ConnectionPool.from_url(
        "redis://127.0.0.1:1/7", socket_connect_timeout=1)))

    def back():
        huey._immediate, huey.storage = saved
    return back


def kept(session, job: str | None = None) -> list[OutboxJob]:
    session.expire_all()
    stmt = sa.select(OutboxJob).order_by(OutboxJob.id)
    return list(session.scalars(stmt.where(OutboxJob.job == job) if job else stmt))


# ---- after-commit hooks ----

def test_a_failing_after_commit_hook_is_logged_and_the_next_hook_still_runs(session, caplog, monkeypatch):
    after_hooks: list[str] = []

    def half_done_then_broken():
        record_event("test-hook", 1, None, "test.half_done", {})
        db.session.flush()
        raise RuntimeError("mail server on fire")

    after_commit(half_done_then_broken)
    after_commit(lambda: after_hooks.append("next"))
    record_event("test-hook", 1, None, "test.committed", {})
    with caplog.at_level(logging.ERROR, logger="arbitration.db"):
        commit()                                            # no exception: the change is made
    assert after_hooks == ["next"]
    [record] = [r for r in caplog.records if r.name == "arbitration.db"]
    assert "half_done_then_broken" in record.getMessage() and "mail server on fire" in record.exc_text
    actions = set(session.scalars(sa.select(Event.action).where(Event.subject_type == "test-hook")))
    assert actions == {"test.committed"}                    # what the failed hook left half-done is rolled back


# ---- the outbox ----

def test_a_job_is_written_with_its_transaction_and_gone_once_the_queue_has_it(session):
    ran.clear()
    outbox_note.enqueue_after_commit("hello", loud=True)
    session.flush()
    [row] = kept(session, "outbox_note")
    assert json.loads(row.arguments_json) == {"args": ["hello"], "kwargs": {"loud": True}}
    assert row.created_at == T0 and row.attempts == 0
    commit()
    assert ran == ["HELLO"] and kept(session) == []
    assert queue.flush() == (0, None) and ran == ["HELLO"]  # nothing left to run a second time


def test_a_job_the_queue_refuses_is_kept_with_its_attempts_and_error(session, monkeypatch):
    ran.clear()
    redis_down(monkeypatch)
    outbox_note.enqueue_after_commit("later")
    commit()
    [row] = kept(session)
    assert (row.job, row.attempts, row.last_attempt_at) == ("outbox_note", 1, T0)
    assert row.last_error.startswith("ConnectionError")
    queued, error = queue.flush()                           # still down: kept, one more attempt noted
    assert queued == 0 and error.startswith("ConnectionError")
    assert kept(session)[0].attempts == 2
    assert ran == []


def test_the_minute_flush_queues_what_was_left_and_each_job_runs_once(session, monkeypatch):
    ran.clear()
    queue_back = redis_down(monkeypatch)
    outbox_note.enqueue_after_commit("first")
    outbox_note.enqueue_after_commit("second")
    commit()
    assert [r.attempts for r in kept(session)] == [1, 0]    # the first refusal stops the hand-over
    queue_back()
    assert queue.flush_every_minute.call_local() == 2
    assert ran == ["first", "second"] and kept(session) == []
    assert queue.flush_every_minute.call_local() == 0 and ran == ["first", "second"]


def test_a_redis_queue_gives_up_connecting_after_three_seconds(monkeypatch):
    monkeypatch.setenv("ARBITRATION_QUEUE_URL", "redis://127.0.0.1:1/7")
    assert queue._make_huey().storage.pool.connection_kwargs["socket_connect_timeout"] == 3


def test_the_flush_is_a_periodic_task_of_every_minute():
    for minute in (0, 1, 59):
        assert "flush_job_outbox" in {t.name for t in queue.huey.read_periodic(dt.datetime(2026, 12, 1, 9, minute))}


def test_a_job_handed_over_by_a_flush_first_is_not_queued_again_by_its_commit_hook(session):
    """The process that committed may die before its hook runs, or a flush may take the row first."""
    ran.clear()
    outbox_note.enqueue_after_commit("once")
    [hand_over] = session.info.pop("after_commit")
    commit()
    assert kept(session)[0].job == "outbox_note" and ran == []
    assert queue.flush() == (1, None)
    hand_over()                                             # late: the row is gone, nothing is queued
    assert ran == ["once"]


def test_a_row_of_an_unknown_job_is_kept_for_the_operator_and_does_not_hold_up_the_others(session):
    ran.clear()
    session.add(OutboxJob(job="renamed_long_ago", arguments_json='{"args": [], "kwargs": {}}', created_at=T0,
                          attempts=0))
    outbox_note.enqueue_after_commit("after it")
    session.info.pop("after_commit")
    commit()
    assert queue.flush() == (1, None) and ran == ["after it"]
    [row] = kept(session)
    assert row.job == "renamed_long_ago" and "no job named" in row.last_error


def test_the_flush_command_queues_what_is_left_and_fails_while_the_queue_refuses(app, session, monkeypatch):
    ran.clear()
    outbox_note.enqueue_after_commit("by hand")
    session.info.pop("after_commit")
    commit()
    queue_back = redis_down(monkeypatch)
    result = app.test_cli_runner().invoke(args=["jobs", "flush"])
    assert result.exit_code == 1 and "0 jobs queued, 1 left in the outbox" in result.output, result.output
    assert "ConnectionError" in result.output
    queue_back()
    result = app.test_cli_runner().invoke(args=["jobs", "flush"])
    assert result.exit_code == 0 and "1 jobs queued, 0 left in the outbox" in result.output, result.output
    assert ran == ["by hand"]


def test_the_deadline_sweep_command_queues_what_is_left_too(app, session):
    """Sites that sweep from cron (consumers without their periodic tasks) still get the outbox emptied."""
    ran.clear()
    outbox_note.enqueue_after_commit("swept")
    session.info.pop("after_commit")
    commit()
    result = app.test_cli_runner().invoke(args=["deadlines", "sweep"])
    assert result.exit_code == 0 and "job outbox: 1 queued" in result.output, result.output
    assert ran == ["swept"] and kept(session) == []


# ---- a web action while the queue is down ----

def test_issuing_a_ruling_while_redis_is_down_succeeds_and_its_pdf_is_rendered_once_the_queue_is_back(
        client, session, personas, monkeypatch):
    rendered: list[int] = []
    make_pdf = rulings.make_pdf
    monkeypatch.setattr(rulings, "make_pdf", lambda ruling, now=None: rendered.append(ruling.id) or make_pdf(ruling))
    case = make_case("review", arbitrator=personas["arbitrator"])
    queue_back = redis_down(monkeypatch)
    login(client, "arbitrator")
    response = issue_through_the_form(client, case)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.number}")
    session.expire_all()
    [ruling] = session.scalars(sa.select(Ruling).where(Ruling.case_id == case.id)).all()
    assert ruling.pdf_state == "pending" and rendered == []          # issued; its document waits for the queue
    [row] = kept(session, "render_ruling")
    assert json.loads(row.arguments_json)["args"] == [ruling.id] and row.last_error.startswith("ConnectionError")
    assert client.get(f"/cases/{case.number}").status_code == 200

    queue_back()                                                     # Redis is back
    queue.flush_every_minute.call_local()
    queue.flush_every_minute.call_local()
    session.expire_all()
    assert session.get(Ruling, ruling.id).pdf_state == "ready"
    assert rendered == [ruling.id] and kept(session) == []


# ---- several flushers at once (PostgreSQL: row locks) ----

@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="ARBITRATION_TEST_POSTGRES_URL not set")
def test_a_row_another_flusher_holds_is_skipped_not_waited_for_nor_queued_twice(app, app_ctx):
    ran.clear()
    engine = db.engine
    with engine.begin() as conn:
        row_id = conn.execute(sa.insert(OutboxJob).values(
            job="outbox_note", arguments_json='{"args": ["held"], "kwargs": {}}', created_at=T0, attempts=0)
            .returning(OutboxJob.id)).scalar_one()
    try:
        with engine.connect() as other:
            held = other.begin()
            other.execute(sa.select(OutboxJob.id).where(OutboxJob.id == row_id).with_for_update())
            assert queue.flush() == (0, None) and ran == []      # another consumer has it: skipped at once
            other.execute(sa.delete(OutboxJob).where(OutboxJob.id == row_id))
            ran.append("held")                                   # ... which queues it and deletes the row
            held.commit()
        assert queue.flush() == (0, None) and ran == ["held"]
    finally:
        with engine.begin() as conn:
            conn.execute(sa.delete(OutboxJob).where(OutboxJob.id == row_id))
        db._registry.remove()
