"""The job queue. One Huey instance, chosen by ARBITRATION_QUEUE_URL:

- unset: a SQLite file under instance/ and a consumer running inside the web process (embedded default);
- redis://host:port/db: Redis, with `huey_consumer arbitration.worker.huey` processes on any host.

Every job runs in an app context and is one unit of work (commit at the end, rollback on error).
"""
from __future__ import annotations

import functools
import logging
import os
import threading

from flask import Flask, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from arbitration import config
from arbitration.db import after_commit, commit, rollback

log = logging.getLogger(__name__)


def _make_huey():
    url = os.environ.get(config.PREFIX + "QUEUE_URL") or f"sqlite://{config.instance_path() / 'jobs.db'}"
    if url.startswith("redis://") or url.startswith("rediss://"):
        return RedisHuey("arbitration", url=url)
    if url.startswith("sqlite://"):
        path = url[len("sqlite://"):]
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        return SqliteHuey("arbitration", filename=path)
    raise RuntimeError(f"unsupported {config.PREFIX}QUEUE_URL: {url!r} (use redis://... or sqlite:///path)")


huey = _make_huey()
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
    """Decorator for a background job: `@job() def send_mail(...)`; call `.enqueue_after_commit(...)`."""
    def decorate(fn):
        @functools.wraps(fn)
        def in_app(*a, **kw):
            return _run_in_app(fn, *a, **kw)

        task = huey.task(retries=retries, retry_delay=retry_delay, name=fn.__name__, **kwargs)(in_app)

        def enqueue_after_commit(*a, **kw):
            after_commit(lambda: task(*a, **kw))

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
