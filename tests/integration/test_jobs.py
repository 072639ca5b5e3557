"""Background jobs run after the commit that asked for them, never after a rollback."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from arbitration.audit.models import Event
from arbitration.audit.services import record_event
from arbitration.db import commit, rollback
from arbitration.deadlines import services as deadlines
from arbitration.deadlines.services import sweep_deadlines
from arbitration.jobs.queue import huey, job
from tests.conftest import T0
from tests.factories import calls, schedule_test_deadline

ran: list[str] = []


@job()
def note(text: str):
    ran.append(text)
    record_event("test-job", 1, None, "test.job_ran", {"text": text})


def test_a_job_asked_for_in_a_transaction_runs_only_after_commit(session):
    ran.clear()
    note.enqueue_after_commit("after-commit")
    assert ran == []
    commit()
    assert ran == ["after-commit"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.action == "test.job_ran")) == 1


def test_a_job_asked_for_in_a_rolled_back_transaction_never_runs(session):
    ran.clear()
    note.enqueue_after_commit("never")
    rollback()
    commit()
    assert ran == []


def test_the_periodic_sweep_job_is_scheduled_every_minute_and_applies_due_deadlines(session, frozen_clock):
    for minute in (0, 1, 37):
        due = huey.read_periodic(dt.datetime(2026, 9, 30, 10, minute))
        assert "sweep_deadlines" in {task.name for task in due}
    calls.clear()
    schedule_test_deadline(77, hours=1)
    frozen_clock.freeze(T0 + dt.timedelta(hours=2))
    sweep_deadlines()
    assert len(calls) == 1
    assert deadlines.pending_for("test", 77) == []
