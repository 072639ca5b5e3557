"""The job queue. One Huey instance, chosen by ARBITRATION_QUEUE_URL:

- unset: a SQLite file under instance/ and a consumer running inside the web process (embedded default);
- redis://host:port/db: Redis, with `huey_consumer arbitration.worker.huey` processes on any host.

Every job runs in an app context and is one unit of work (commit at the end, rollback on error).

A job asked for with `.enqueue_after_commit(...)` goes through the outbox (`job_outbox`, jobs/models.py): a row
written in the asking transaction, handed to Huey after the commit and deleted once Huey has it. A row the
queue could not take (Redis down) or that no process handed over (it died after the commit) is handed over by
`flush()`: every minute on the consumers, in `flask deadlines sweep` and in `flask jobs flush`.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import threading

import redis
import sqlalchemy as sa
from flask import Flask, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper
from huey.consumer import Consumer

from arbitration import clock, config
from arbitration.db import after_commit, commit, db, rollback
from arbitration.jobs.models import OutboxJob

log = logging.getLogger(__name__)


def _make_huey():
    url = os.environ.get(config.PREFIX + "QUEUE_URL") or f"sqlite://{config.instance_path() / 'jobs.db'}"
    if url.startswith("redis://") or url.startswith("rediss://"):
        # a request hands its jobs over after its commit: an unreachable Redis must fail fast, not after the
        # system's TCP timeout (a socket_connect_timeout in the URL's query still wins)
        return RedisHuey("arbitration", connection_pool=redis.ConnectionPool.from_url(url, socket_connect_timeout=3))
    if url.startswith("sqlite://"):
        path = url[len("sqlite://"):]
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        return SqliteHuey("arbitration", filename=path)
    raise RuntimeError(f"unsupported {config.PREFIX}QUEUE_URL: {url!r} (use redis://... or sqlite:///path)")


huey = _make_huey()
_tasks: dict[str, TaskWrapper] = {}     # the jobs by name, for handing outbox rows over
_app: Flask | None = None
_embedded: Consumer | None = None
_lock = threading.Lock()


class _EmbeddedConsumer(Consumer):
    """A consumer living in the web process: worker threads only, leaving signals to the server."""

    def _set_signal_handlers(self):
        pass


def init_app(app: Flask) -> None:
    global _app
    _app = app
    if app.config.get("JOBS_IMMEDIATE"):
        huey.immediate = True  # tests: jobs run synchronously, in memory


def start_embedded_consumer() -> bool:
    """Run the consumer inside this process (the embedded default's `flask serve`)."""
    global _embedded
    if huey.immediate or not (_app and _app.config.get("EMBEDDED_WORKER")):
        return False
    with _lock:
        if _embedded is None:
            _embedded = _EmbeddedConsumer(huey, workers=2, worker_type="thread", periodic=True)
            _embedded.start()
            log.info("embedded job consumer started")
    return True


def _run_in_app(fn, *args, **kwargs):
    def unit():
        try:
            result = fn(*args, **kwargs)
            commit()
            return result
        except Exception:
            rollback()
            raise

    if has_app_context():
        return unit()
    if _app is None:   # a consumer started without building the app (arbitration.worker builds it)
        raise RuntimeError("no app: start consumers with `huey_consumer arbitration.worker.huey`")
    with _app.app_context():
        return unit()


def job(retries: int = 3, retry_delay: int = 30, **kwargs):
    """Decorator for a background job: `@job() def send_mail(...)`; call `.enqueue_after_commit(...)` with
    arguments JSON can hold (they are kept in the outbox until the queue has them)."""
    def decorate(fn):
        @functools.wraps(fn)
        def in_app(*a, **kw):
            return _run_in_app(fn, *a, **kw)

        task = huey.task(retries=retries, retry_delay=retry_delay, name=fn.__name__, **kwargs)(in_app)
        _tasks[fn.__name__] = task

        def enqueue_after_commit(*a, **kw):
            row = OutboxJob(job=fn.__name__, arguments_json=json.dumps({"args": a, "kwargs": kw}, sort_keys=True),
                            created_at=clock.now_utc(), attempts=0)
            db.session.add(row)
            _hand_over_after_commit().rows.append(row)

        task.enqueue_after_commit = enqueue_after_commit
        return task
    return decorate


def every_minute(name: str):
    """Decorator for a periodic job run by the consumers every minute, as one unit of work in an app context."""
    def decorate(fn):
        @huey.periodic_task(crontab(minute="*"), name=name)
        @functools.wraps(fn)
        def periodic():
            return _run_in_app(fn)
        return periodic
    return decorate


# ---- the outbox: handing rows to the queue ----

def _claim():
    # several consumers (and `flask jobs flush`) at once: each takes rows no one else holds, none waits
    return (sa.select(OutboxJob).with_for_update(skip_locked=True)
            .execution_options(populate_existing=True))


class _HandOver:
    """The after-commit hook of one transaction: queue the jobs it wrote, unless a flush has them (or had them)."""

    def __init__(self) -> None:
        self.rows: list[OutboxJob] = []

    def __call__(self) -> None:
        ids = [row.id for row in self.rows]          # known once the commit has flushed the rows
        rows = list(db.session.scalars(_claim().where(OutboxJob.id.in_(ids)).order_by(OutboxJob.id)))
        if not rows:
            db.session.rollback()
            return
        _hand_over(rows, clock.now_utc())

    def __repr__(self) -> str:
        return f"job hand-over of {sorted({row.job for row in self.rows})}"


def _hand_over_after_commit() -> _HandOver:
    """One hand-over per transaction: it stops at the first job the queue refuses (the rest wait for a flush),
    so a request does not try a down queue once per job."""
    for hook in db.session.info.get("after_commit", ()):
        if isinstance(hook, _HandOver):
            return hook
    hook = _HandOver()
    after_commit(hook)
    return hook


def _hand_over(rows: list[OutboxJob], now: dt.datetime) -> tuple[int, str | None]:
    """Enqueue the claimed rows in order and delete each one Huey took, in the transaction that claimed them.
    The first enqueue that fails ends the hand-over (the queue is down: the rest would fail too); its row keeps
    the attempt and the error. Returns (jobs queued, that error)."""
    session = db.session
    queued = 0
    for row in rows:
        row_id, name, arguments = row.id, row.job, json.loads(row.arguments_json)
        task = _tasks.get(name)
        if task is None:              # a job renamed or removed by a release: kept for the operator, not retried
            _note_failure(row_id, f"no job named {name!r} in this process", now)
            log.error("outbox row %s: no job named %r; kept", row_id, name)
            continue
        try:
            huey.enqueue(task.s(*arguments["args"], **arguments["kwargs"]))
        except Exception as err:
            error = f"{type(err).__name__}: {err}"[:300]
            _note_failure(row_id, error, now)
            session.commit()
            log.warning("job %s (outbox row %s) not queued, kept for the next flush: %s", name, row_id, error)
            return queued, error
        # Huey has it. Should this commit fail (the process dies), the row stays and a flush queues the job a
        # second time: the jobs are written to be run again harmlessly (docs/DECISIONS.md, "Job outbox").
        session.execute(sa.delete(OutboxJob).where(OutboxJob.id == row_id))
        queued += 1
        if huey.immediate:            # tests: the job ran just now, in this session, and may have ended the
            session.commit()          # transaction; make its row's deletion part of what it did
    session.commit()
    return queued, None


def _note_failure(row_id: int, error: str, now: dt.datetime) -> None:
    db.session.execute(sa.update(OutboxJob).where(OutboxJob.id == row_id).values(
        attempts=OutboxJob.attempts + 1, last_error=error, last_attempt_at=now))


def flush(batch_size: int = 100, now: dt.datetime | None = None) -> tuple[int, str | None]:
    """Hand to the queue every outbox row no one else is handing over, oldest first, a batch per transaction.
    Stops at the first row the queue refuses. Returns (jobs queued, the queue's error if it refused one)."""
    now = now or clock.now_utc()
    queued, after = 0, 0
    while True:
        rows = list(db.session.scalars(_claim().where(OutboxJob.id > after).order_by(OutboxJob.id)
                                       .limit(batch_size)))
        if not rows:
            db.session.rollback()
            return queued, None
        after = rows[-1].id
        handed, error = _hand_over(rows, now)
        queued += handed
        if error:
            return queued, error


def outbox_backlog() -> tuple[int, dt.datetime | None]:
    """(rows waiting, when the oldest was written): what an operator watches."""
    count, oldest = db.session.execute(sa.select(sa.func.count(), sa.func.min(OutboxJob.created_at))).one()
    return count, oldest


@every_minute("flush_job_outbox")
def flush_every_minute() -> int:
    """Every minute, on the consumers: queue the jobs that were not queued after their commit."""
    queued, error = flush()
    if queued or error:
        log.info("job outbox: %s queued%s", queued, f", stopped: {error}" if error else "")
    return queued
