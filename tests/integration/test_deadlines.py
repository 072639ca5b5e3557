"""The deadline engine: scheduling, exactly-once sweeps, failures, reminders, concurrent sweepers."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from arbitration import clock
from arbitration.audit.models import Event
from arbitration.audit.services import record_event
from arbitration.calendar.services import load_calendar
from arbitration.db import db
from arbitration.deadlines import registry
from arbitration.deadlines import services as deadlines
from arbitration.deadlines.models import Deadline
from tests.conftest import POSTGRES_URL, T0
from tests.factories import calls, schedule_test_deadline

HOUR = dt.timedelta(hours=1)


@registry.consequence("test.explode", lambda: "always fails")
def _explode(deadline, now):
    record_event(deadline.subject_type, deadline.subject_id, None, "test.half_done", {}, now=now)
    raise RuntimeError("boom")


reminded: list[int] = []


@registry.reminder_handler
def _remind(deadline, now):
    if deadline.subject_type.startswith("test"):
        reminded.append(deadline.id)


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()
    reminded.clear()


def _applied_events(subject_type="test") -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(
        Event.subject_type == subject_type, Event.action == "test.consequence_applied"))


def test_a_deadline_is_stored_with_its_due_time_and_who_must_act(session, personas):
    row = schedule_test_deadline(1, hours=48, actor_merchant_id=personas["merchant"].merchant_id)
    assert row.state == "pending"
    assert row.due_at == T0 + 48 * HOUR
    assert row.actor_merchant_id == personas["merchant"].merchant_id


def test_nothing_happens_before_the_deadline(session):
    schedule_test_deadline(1, hours=48)
    result = deadlines.sweep(now=T0 + 47 * HOUR)
    assert result.applied == 0 and calls == []


def test_a_passed_deadline_is_applied_once_even_when_swept_twice(session):
    row = schedule_test_deadline(1, hours=48)
    first = deadlines.sweep(now=T0 + 49 * HOUR)
    second = deadlines.sweep(now=T0 + 50 * HOUR)
    assert (first.applied, second.applied) == (1, 0)
    assert calls == [row.id]
    session.refresh(row)
    assert row.state == "applied"
    assert _applied_events() == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(
        Event.action == "deadline.passed")) == 1


def test_a_met_deadline_never_fires(session):
    schedule_test_deadline(1, hours=48)
    assert deadlines.meet("test", 1) == 1
    assert deadlines.sweep(now=T0 + 100 * HOUR).applied == 0
    assert calls == []


def test_a_cancelled_deadline_never_fires(session):
    schedule_test_deadline(1, hours=48)
    deadlines.cancel("test", 1)
    assert deadlines.sweep(now=T0 + 100 * HOUR).applied == 0


def test_the_sweep_works_in_batches(session):
    rows = [schedule_test_deadline(i, hours=1) for i in range(7)]
    result = deadlines.sweep(now=T0 + 2 * HOUR, batch_size=3)
    assert result.applied == 7
    assert sorted(calls) == sorted(r.id for r in rows)


def test_a_failing_consequence_leaves_nothing_half_done_and_does_not_stop_the_others(session):
    bad = schedule_test_deadline(1, hours=1, consequence="test.explode")
    good = schedule_test_deadline(2, hours=1)
    result = deadlines.sweep(now=T0 + 2 * HOUR)
    assert (result.applied, result.failed) == (1, 1)
    assert calls == [good.id]
    session.refresh(bad)
    assert bad.state == "pending" and bad.attempts == 1 and "boom" in bad.last_error
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(
        Event.action == "test.half_done")) == 0


def test_a_consequence_that_keeps_failing_is_marked_failed_after_five_tries(session):
    bad = schedule_test_deadline(1, hours=1, consequence="test.explode")
    for i in range(5):
        deadlines.sweep(now=T0 + (2 + i) * HOUR)
    session.refresh(bad)
    assert bad.state == "failed" and bad.attempts == 5


def test_an_unknown_consequence_is_refused_when_scheduling(session):
    with pytest.raises(LookupError):
        schedule_test_deadline(1, consequence="no.such.thing")


def test_a_reminder_goes_out_once_when_its_time_comes(session):
    row = schedule_test_deadline(1, hours=48, remind_at=T0 + 24 * HOUR)
    assert deadlines.send_reminders(now=T0 + 23 * HOUR) == 0
    assert deadlines.send_reminders(now=T0 + 25 * HOUR) == 1
    assert deadlines.send_reminders(now=T0 + 26 * HOUR) == 0
    assert reminded == [row.id]


def test_awaiting_lists_what_a_person_must_act_on(session, personas):
    merchant = personas["merchant"]
    mine = schedule_test_deadline(1, actor_merchant_id=merchant.merchant_id)
    schedule_test_deadline(2, actor_merchant_id=personas["merchant_b"].merchant_id)
    by_role = schedule_test_deadline(3, actor_role="arbitrator")
    assert [d.id for d in deadlines.awaiting(merchant)] == [mine.id]
    assert [d.id for d in deadlines.awaiting(personas["arbitrator"])] == [by_role.id]


def test_a_deadline_in_working_days_into_an_unknown_year_is_flagged(session):
    cal = load_calendar()
    start = dt.datetime(2026, 12, 30, 2, 0, tzinfo=dt.timezone.utc)
    row = deadlines.schedule("test", 9, "test.review", "test.record", cal.add_working_days(start, 5),
                             started_at=start)
    assert row.calendar_fallback is True


def test_the_sweep_command_applies_due_deadlines(app, session):
    schedule_test_deadline(1, hours=1)
    clock.freeze(T0 + 2 * HOUR)
    result = app.test_cli_runner().invoke(args=["deadlines", "sweep"])
    assert result.exit_code == 0, result.output
    assert "applied 1" in result.output


# ---- two sweepers at once, on PostgreSQL (row locks + SKIP LOCKED + conditional claim) ----

@pytest.fixture
def committed(app):
    """Rows that really commit, so that separate connections see them; removed afterwards."""
    yield
    with app.app_context():
        db.session.execute(sa.text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
        db.session.execute(sa.delete(Event).where(Event.subject_type == "test-concurrent"))
        db.session.execute(sa.text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
        db.session.execute(sa.text("DELETE FROM event_chain_heads WHERE subject_type = 'test-concurrent'"))
        db.session.execute(sa.delete(Deadline).where(Deadline.subject_type == "test-concurrent"))
        db.session.commit()


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="ARBITRATION_TEST_POSTGRES_URL not set")
def test_two_sweeps_at_once_apply_each_deadline_exactly_once(app, committed):
    n = 120
    with app.app_context():
        for i in range(n):
            schedule_test_deadline(i, hours=1, subject_type="test-concurrent")
        db.session.commit()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweeper():
        try:
            with app.app_context():
                barrier.wait()
                results.append(deadlines.sweep(now=T0 + 2 * HOUR, batch_size=10))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sum(r.applied for r in results) == n
    with app.app_context():
        per_deadline = db.session.execute(
            sa.select(Event.subject_id, sa.func.count()).where(
                Event.subject_type == "test-concurrent", Event.action == "test.consequence_applied")
            .group_by(Event.subject_id)).all()
        assert len(per_deadline) == n and all(count == 1 for _, count in per_deadline)
        states = db.session.scalars(sa.select(Deadline.state).where(Deadline.subject_type == "test-concurrent"))
        assert set(states) == {"applied"}


# ---- the set-based path ----

@registry.consequence("test.batched", lambda: "a test consequence with a set-based path")
def _batched_one(deadline, now):
    calls.append(deadline.id)
    record_event(deadline.subject_type, deadline.subject_id, None, "test.consequence_applied",
                 {"deadline_id": deadline.id}, now=now)


@registry.batch("test.batched")
def _batched_many(due, now):
    calls.extend(-d.id for d in due)        # negative: applied by the set-based path
    if any(d.subject_id == "breaks-the-batch" for d in due):
        raise RuntimeError("one subject the set-based path cannot do")
    return [(d.subject_type, d.subject_id, None, "test.consequence_applied", {"deadline_id": d.id}) for d in due]


def _chain(subject_id) -> list[str]:
    return list(db.session.scalars(sa.select(Event.action).where(Event.subject_type == "test",
                                                                 Event.subject_id == str(subject_id))
                                   .order_by(Event.seq)))


def test_a_set_based_consequence_applies_its_whole_group_at_once_with_each_chain_in_order(session):
    rows = [schedule_test_deadline(i, hours=1, consequence="test.batched") for i in range(5)]
    record_event("test", 0, None, "a", {}, now=T0)              # a chain that exists already
    result = deadlines.sweep(now=T0 + 2 * HOUR, batch_size=3)
    assert (result.applied, result.batched, result.failed) == (5, 5, 0)
    assert sorted(calls) == sorted(-r.id for r in rows)
    assert _chain(0) == ["a", "test.consequence_applied", "deadline.passed"]
    assert all(_chain(i) == ["test.consequence_applied", "deadline.passed"] for i in range(1, 5))
    assert set(db.session.scalars(sa.select(Deadline.state).where(Deadline.consequence == "test.batched"))) == \
        {"applied"}
    from arbitration.audit.services import verify_subject
    assert all(verify_subject("test", i).intact for i in range(5))


def test_a_failing_set_based_group_is_applied_one_deadline_at_a_time_and_nothing_of_it_is_kept(session):
    rows = [schedule_test_deadline(i, hours=1, consequence="test.batched") for i in ("a", "breaks-the-batch", "c")]
    result = deadlines.sweep(now=T0 + 2 * HOUR)
    assert (result.applied, result.batched, result.failed) == (3, 0, 0)
    assert sorted(c for c in calls if c > 0) == sorted(r.id for r in rows)        # each by the per-deadline path
    assert all(_chain(s) == ["test.consequence_applied", "deadline.passed"] for s in ("a", "breaks-the-batch", "c"))


def test_a_subject_with_two_due_deadlines_in_one_batch_is_applied_one_deadline_at_a_time(session):
    first = schedule_test_deadline("same", hours=1, consequence="test.batched")
    second = schedule_test_deadline("same", hours=2, consequence="test.batched")
    other = schedule_test_deadline("other", hours=1, consequence="test.batched")
    result = deadlines.sweep(now=T0 + 3 * HOUR)
    assert (result.applied, result.batched) == (3, 1)
    assert sorted(calls) == sorted([first.id, second.id, -other.id])
    assert _chain("same") == ["test.consequence_applied", "deadline.passed"] * 2


def test_the_batched_and_the_per_deadline_sweep_give_the_same_chains(session):
    for i in range(4):
        schedule_test_deadline(f"b{i}", hours=1, consequence="test.batched")
    deadlines.sweep(now=T0 + 2 * HOUR, batched=False)
    assert calls and all(c > 0 for c in calls)
    assert all(_chain(f"b{i}") == ["test.consequence_applied", "deadline.passed"] for i in range(4))
