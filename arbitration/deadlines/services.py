"""Scheduling, meeting, cancelling and sweeping deadlines."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit.chain import canonical_json
from arbitration.audit import events
from arbitration.audit.services import record_event, record_events
from arbitration.calendar.rules import Due
from arbitration.db import commit, db
from arbitration.deadlines import registry
from arbitration.deadlines.models import Deadline
from arbitration.jobs.queue import every_minute

log = logging.getLogger(__name__)
# inlined, not bound: the sweep's partial indexes (state = 'pending') must match a prepared statement's plan too
PENDING = sa.literal("pending", literal_execute=True)


events.declare({
    "deadline.passed": _l("A deadline passed: its published outcome applies"),
})


def touched(subject_type: str, subject_id) -> None:
    """The subject's pending deadlines changed: let the features that keep a summary of them know."""
    for fn in registry.watchers(subject_type):
        fn(str(subject_id))


def reminder_before(due_at: dt.datetime, window_hours: float) -> dt.datetime:
    """When to remind for a deadline counted in hours: 24 h before it (halfway for shorter windows)."""
    return due_at - dt.timedelta(hours=min(24, window_hours / 2))


def schedule(subject_type: str, subject_id, kind: str, consequence: str, due: Due, *,
             started_at: dt.datetime, remind_at: dt.datetime | None = None, actor_user_id: int | None = None,
             actor_merchant_id: int | None = None, actor_role: str | None = None,
             data: dict | None = None, working_days: int | None = None) -> Deadline:
    """`working_days`: the deadline is `due`, that many working days after `started_at`; a calendar change
    recomputes it from them while it was counted without some year's holidays (deadlines.recompute)."""
    row = _new_row(subject_type, subject_id, kind, consequence, due, started_at=started_at, remind_at=remind_at,
                   actor_user_id=actor_user_id, actor_merchant_id=actor_merchant_id, actor_role=actor_role,
                   data=data, working_days=working_days)
    db.session.add(row)
    db.session.flush()
    touched(subject_type, subject_id)
    return row


def _new_row(subject_type: str, subject_id, kind: str, consequence: str, due: Due, *, started_at: dt.datetime,
             remind_at: dt.datetime | None = None, actor_user_id: int | None = None,
             actor_merchant_id: int | None = None, actor_role: str | None = None, data: dict | None = None,
             working_days: int | None = None) -> Deadline:
    registry.get(consequence)  # fail early on a typo
    return Deadline(subject_type=subject_type, subject_id=str(subject_id), kind=kind, consequence=consequence,
                    state="pending", started_at=started_at, due_at=due.at, remind_at=remind_at,
                    actor_user_id=actor_user_id, actor_merchant_id=actor_merchant_id, actor_role=actor_role,
                    calendar_fallback=due.fell_back, working_days=working_days, data_json=canonical_json(data or {}),
                    attempts=0)


def schedule_many(plans: list[dict]) -> list[Deadline]:
    """`schedule` for many deadlines at once (each plan: schedule's arguments by name): one flush, the watchers
    told once per subject type (touched_many)."""
    rows = [_new_row(**plan) for plan in plans]
    db.session.add_all(rows)
    db.session.flush()
    for subject_type in sorted({r.subject_type for r in rows}):
        touched_many(subject_type, [r.subject_id for r in rows if r.subject_type == subject_type])
    return rows


def _close(subject_type: str, subject_id, kind: str | None, state: str, now: dt.datetime) -> int:
    stmt = (sa.update(Deadline)
            .where(Deadline.subject_type == subject_type, Deadline.subject_id == str(subject_id),
                   Deadline.state == "pending")
            .values(state=state, closed_at=now))
    if kind:
        stmt = stmt.where(Deadline.kind == kind)
    count = db.session.execute(stmt.execution_options(synchronize_session=False)).rowcount
    if count:
        touched(subject_type, subject_id)
    return count


def meet_many(subject_type: str, subject_ids, now: dt.datetime) -> int:
    """`meet` for many subjects of one type at once (every pending deadline of each): one UPDATE."""
    ids = sorted({str(i) for i in subject_ids})
    if not ids:
        return 0
    count = db.session.execute(
        sa.update(Deadline).where(Deadline.subject_type == subject_type, Deadline.subject_id.in_(ids),
                                  Deadline.state == "pending")
        .values(state="met", closed_at=now).execution_options(synchronize_session=False)).rowcount
    if count:
        touched_many(subject_type, ids)
    return count


def meet(subject_type: str, subject_id, kind: str | None = None, now: dt.datetime | None = None) -> int:
    """The awaited action happened in time: the pending deadline(s) will not fire."""
    return _close(subject_type, subject_id, kind, "met", now or clock.now_utc())


def cancel(subject_type: str, subject_id, kind: str | None = None, now: dt.datetime | None = None) -> int:
    return _close(subject_type, subject_id, kind, "cancelled", now or clock.now_utc())


def all_for(subject_type: str, subject_id) -> list[Deadline]:
    """Every deadline the subject ever had, in the order they started (dossiers, the API)."""
    return list(db.session.scalars(
        sa.select(Deadline).where(Deadline.subject_type == subject_type, Deadline.subject_id == str(subject_id))
        .order_by(Deadline.started_at, Deadline.id)))


def pending_for(subject_type: str, subject_id) -> list[Deadline]:
    return list(db.session.scalars(
        sa.select(Deadline).where(Deadline.subject_type == subject_type, Deadline.subject_id == str(subject_id),
                                  Deadline.state == "pending").order_by(Deadline.due_at)))


def awaiting(user, limit: int = 20) -> list[Deadline]:
    """Pending deadlines the user must act on (as themselves, as their merchant's staff, or by role)."""
    role = getattr(user.role, "value", user.role)
    who = [Deadline.actor_user_id == user.id, Deadline.actor_role == role]
    if getattr(user, "merchant_id", None):
        who.append(Deadline.actor_merchant_id == user.merchant_id)
    # one partial index per kind of actor (ix_deadlines_pending_actor_*), combined by a bitmap OR
    return list(db.session.scalars(
        sa.select(Deadline).where(Deadline.state == PENDING, sa.or_(*who)).order_by(Deadline.due_at).limit(limit)))


class SubjectBusy(Exception):
    """Someone is acting on the deadline's subject right now: the sweep leaves the deadline for its next run."""


def _held() -> set[tuple[str, str]]:
    """The subjects locked in the current transaction (or savepoint: a rolled-back savepoint releases its locks)."""
    session = db.session
    current = session.get_nested_transaction() or session.get_transaction()
    held = session.info.get("subject_locks")
    if held is None or held[0] is not current:
        held = session.info["subject_locks"] = (current, set())
    return held[1]


def hold(subject_type: str, subject_id, row, *, with_subjects: tuple[tuple[str, object], ...] = ()) -> None:
    """Lock a subject for an action, in the one order every actor takes (PostgreSQL row locks; SQLite transactions
    are serial already): the pending deadlines of the subject and of `with_subjects` (an order's open requests),
    by id, then the subject's own row, read afresh. Once per transaction. A person waits for the sweep; the sweep,
    which already holds the deadline it applies, never waits for a person: a lock it cannot take at once means
    someone is acting on the subject, and the deadline is left for the next sweep (SubjectBusy). Both orders meet
    without a deadlock. Lock before changing anything on the row."""
    held = _held()
    key = (subject_type, str(subject_id))
    if key in held:
        return
    if row in db.session.dirty:
        raise RuntimeError(f"{subject_type} {subject_id} was changed before it was locked: lock it first")
    sweeping = db.session.info.get("sweeping", False)
    subjects = [key, *((t, str(i)) for t, i in with_subjects)]
    try:
        db.session.execute(sa.select(Deadline.id).where(
            sa.or_(*(sa.and_(Deadline.subject_type == t, Deadline.subject_id == i) for t, i in subjects)),
            Deadline.state == "pending").order_by(Deadline.id).with_for_update(nowait=sweeping))
        db.session.refresh(row, with_for_update={"nowait": True} if sweeping else True)
    except sa.exc.OperationalError as err:
        if sweeping and getattr(err.orig, "sqlstate", None) == "55P03":      # lock_not_available
            raise SubjectBusy(f"{subject_type} {subject_id}") from err
        raise
    held.add(key)


def hold_many(subject_type: str, table: sa.Table, ids, *, with_subjects: tuple[tuple[str, object], ...] = ()) -> None:
    """`hold` for many subjects of one type at once (the sweep's batches), in the same order: their pending
    deadlines (and those of `with_subjects`: (subject type, a select of ids)) in one ordered SELECT … FOR UPDATE,
    then their rows in another. The sweep never waits: NOWAIT, and SubjectBusy if any of them is locked."""
    ids = sorted(int(i) for i in ids)
    if not ids:
        return
    table_d = Deadline.__table__
    which = [sa.and_(table_d.c.subject_type == subject_type, table_d.c.subject_id.in_([str(i) for i in ids]))]
    which += [sa.and_(table_d.c.subject_type == t, table_d.c.subject_id.in_(sel)) for t, sel in with_subjects]
    try:
        db.session.execute(sa.select(table_d.c.id).where(sa.or_(*which), table_d.c.state == "pending")
                           .order_by(table_d.c.id).with_for_update(nowait=True))
        db.session.execute(sa.select(table.c.id).where(table.c.id.in_(ids)).order_by(table.c.id)
                           .with_for_update(nowait=True))
    except sa.exc.OperationalError as err:
        if getattr(err.orig, "sqlstate", None) == "55P03":      # lock_not_available
            raise SubjectBusy(f"{subject_type} among {len(ids)}") from err
        raise
    held = _held()
    held.update((subject_type, str(i)) for i in ids)


def mark_held(subject_type: str, subject_id) -> None:
    """A subject made in this transaction: no one else can see it, nothing to lock."""
    _held().add((subject_type, str(subject_id)))


@dataclass
class SweepResult:
    applied: int = 0
    failed: int = 0
    reminded: int = 0
    deferred: int = 0           # left for the next sweep: someone was acting on the subject
    batched: int = 0            # of the applied, how many by their consequence's set-based path


def _claim(deadline_id: int, now: dt.datetime) -> bool:
    """Atomically move one deadline from pending to applied; False if someone else got it first (the generator's
    templates fire one deadline so)."""
    res = db.session.execute(
        sa.update(Deadline).where(Deadline.id == deadline_id, Deadline.state == "pending")
        .values(state="applied", closed_at=now).execution_options(synchronize_session=False))
    return res.rowcount == 1


_CLAIMED = tuple(Deadline.__table__.c[name] for name in (
    "id", "subject_type", "subject_id", "kind", "consequence", "due_at", "started_at", "data_json", "actor_user_id",
    "actor_merchant_id", "actor_role", "attempts"))


def _claim_batch(now: dt.datetime, size: int, after: tuple[dt.datetime, int] | None) -> list:
    """Claim the next due deadlines in (due_at, id) order after `after` with one statement: UPDATE … WHERE id IN
    (SELECT … FOR UPDATE SKIP LOCKED) RETURNING. The SELECT is a range of the partial index ix_deadlines_pending_due
    however many deadlines were ever written; another sweeper's rows are skipped; SQLite runs it in the sweep's one
    transaction. The claimed rows, in due order."""
    table = Deadline.__table__
    inner = sa.select(table.c.id).where(table.c.state == PENDING, table.c.due_at <= now)
    if after is not None:
        inner = inner.where(sa.tuple_(table.c.due_at, table.c.id)
                            > sa.tuple_(sa.literal(after[0], table.c.due_at.type), sa.literal(after[1])))
    inner = inner.order_by(table.c.due_at, table.c.id).limit(size).with_for_update(skip_locked=True)
    rows = db.session.execute(
        sa.update(table).where(table.c.id.in_(inner.scalar_subquery()), table.c.state == "pending")
        .values(state="applied", closed_at=now).returning(*_CLAIMED)).all()
    return sorted(rows, key=lambda r: (r.due_at, r.id))


def _unclaim(deadline_id: int) -> None:
    """Pending again (left for the next sweep): the claim is undone, nothing else was written."""
    db.session.execute(sa.update(Deadline.__table__).where(Deadline.__table__.c.id == deadline_id)
                       .values(state="pending", closed_at=None))


def touched_many(subject_type: str, subject_ids) -> None:
    """`touched` for many subjects of one type: their batch watchers in one statement each, where the feature gave
    one (registry.on_change_many), else each subject's watchers."""
    ids = sorted({str(i) for i in subject_ids})
    if not ids:
        return
    many = registry.batch_watchers(subject_type)
    if many:
        for fn in many:
            fn(ids)
    else:
        for subject_id in ids:
            touched(subject_type, subject_id)


def _passed(row) -> tuple:
    return (row.subject_type, row.subject_id, None, "deadline.passed",
            {"deadline_id": row.id, "kind": row.kind, "consequence": row.consequence,
             "due_at": row.due_at.isoformat()})


def _apply_batch(consequence: registry.Consequence, rows: list, now: dt.datetime) -> bool:
    """The consequence's set-based path for a group of claimed deadlines, in a savepoint; False (nothing kept) if
    it failed or a subject was busy: the caller then takes them one by one."""
    savepoint = db.session.begin_nested()
    db.session.info["sweeping"] = True
    try:
        specs = list(consequence.apply_batch(rows, now) or ())
        db.session.flush()
        db.session.expire_all()        # set-based statements changed rows the session may hold
        for subject_type in sorted({r.subject_type for r in rows}):
            touched_many(subject_type, [r.subject_id for r in rows if r.subject_type == subject_type])
        record_events(specs + [_passed(r) for r in rows], now=now)
        savepoint.commit()
        return True
    except Exception as exc:  # noqa: BLE001  the per-deadline path tells the broken one from the others
        savepoint.rollback()
        if not isinstance(exc, (SubjectBusy, sa.exc.OperationalError)):
            log.warning("batch of %s (%d deadlines) failed, applying them one by one: %s",
                        consequence.name, len(rows), exc, exc_info=True)
        return False
    finally:
        db.session.info["sweeping"] = False


def _apply_one(deadline_id: int, now: dt.datetime, result: SweepResult) -> None:
    """Today's per-deadline path for a claimed deadline, in its own savepoint."""
    savepoint = db.session.begin_nested()
    db.session.info["sweeping"] = True
    try:
        deadline = db.session.get(Deadline, deadline_id, populate_existing=True)
        registry.get(deadline.consequence).apply(deadline, now)
        touched(deadline.subject_type, deadline.subject_id)
        record_event(*_passed(deadline), now=now)
        savepoint.commit()
        result.applied += 1
    except SubjectBusy:
        savepoint.rollback()
        _unclaim(deadline_id)         # pending again, applied by the next sweep
        result.deferred += 1
    except Exception as exc:  # one broken consequence must not stop the others
        savepoint.rollback()
        log.exception("deadline %s failed", deadline_id)
        _record_failure(deadline_id, exc, now)
        result.failed += 1
    finally:
        db.session.info["sweeping"] = False


def sweep(now: dt.datetime | None = None, batch_size: int = 200, max_batches: int | None = None,
          batched: bool = True) -> SweepResult:
    """Apply every due consequence exactly once, a batch per transaction (the sweep commits: it is
    its own unit of work, run by the CLI command or the periodic job).

    Each batch is claimed with one statement (_claim_batch), then grouped by consequence: a consequence that offers
    `apply_batch` applies its whole group set-based in a savepoint; a group that fails there, a consequence without
    it, and a subject with two deadlines in the batch go one deadline at a time, each in its own savepoint, as
    before (`batched=False`: every deadline so; the equivalence test compares the two). Safe with several
    sweepers: PostgreSQL skips rows another sweeper has locked, and the claim is a conditional UPDATE. A failing
    consequence is rolled back to its savepoint, counted, and retried by a later sweep (marked failed after 5
    tries); a subject someone is acting on is left for the next sweep.
    """
    now = now or clock.now_utc()
    result = SweepResult()
    last = None
    batches = 0
    while max_batches is None or batches < max_batches:
        rows = _claim_batch(now, batch_size, last)
        if not rows:
            break
        batches += 1
        last = (rows[-1].due_at, rows[-1].id)
        one_by_one = rows
        if batched:
            seen: dict[tuple[str, str], int] = {}
            for r in rows:
                seen[(r.subject_type, r.subject_id)] = seen.get((r.subject_type, r.subject_id), 0) + 1
            groups: dict[str, list] = {}
            for r in rows:
                if seen[(r.subject_type, r.subject_id)] == 1 and registry.get(r.consequence).apply_batch:
                    groups.setdefault(r.consequence, []).append(r)
            done = set()
            for name, group in groups.items():
                if _apply_batch(registry.get(name), group, now):
                    done.update(r.id for r in group)
                    result.applied += len(group)
                    result.batched += len(group)
            one_by_one = [r for r in rows if r.id not in done]
        for r in one_by_one:
            _apply_one(r.id, now, result)
        commit()
    result.reminded = send_reminders(now, batch_size)
    return result


def _record_failure(deadline_id: int, exc: Exception, now: dt.datetime) -> None:
    row = db.session.get(Deadline, deadline_id, populate_existing=True)
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if row.attempts >= 5:
        row.state, row.closed_at = "failed", now
    else:
        row.state, row.closed_at = "pending", None        # the claim is undone: tried again by a later sweep
    db.session.flush()
    if row.state == "failed":
        touched(row.subject_type, row.subject_id)


def send_reminders(now: dt.datetime | None = None, batch_size: int = 200) -> int:
    """Call the registered reminder handlers once per deadline whose reminder time has come."""
    now = now or clock.now_utc()
    sent = 0
    while True:
        ids = list(db.session.scalars(
            sa.select(Deadline.id).where(Deadline.state == PENDING, Deadline.remind_at <= now,
                                         Deadline.reminded_at.is_(None))
            # in the partial index's order (ix_deadlines_pending_remind): a range, not a sort of all that are due
            .order_by(Deadline.remind_at, Deadline.id).limit(batch_size).with_for_update(skip_locked=True)))
        if not ids:
            return sent
        for deadline_id in ids:
            claimed = db.session.execute(
                sa.update(Deadline).where(Deadline.id == deadline_id, Deadline.reminded_at.is_(None))
                .values(reminded_at=now).execution_options(synchronize_session=False)).rowcount
            if claimed:
                deadline = db.session.get(Deadline, deadline_id, populate_existing=True)
                for handler in registry.reminder_handlers():
                    handler(deadline, now)
                sent += 1
        commit()


@every_minute("sweep_deadlines")
def sweep_deadlines():
    """Every minute, on the queue's consumers: apply due deadline consequences and send due reminders."""
    result = sweep(batch_size=current_app.config["SWEEP_BATCH_SIZE"])
    if result.applied or result.failed or result.reminded:
        log.info("sweep: %s applied, %s failed, %s reminded", result.applied, result.failed, result.reminded)
    return result.applied
