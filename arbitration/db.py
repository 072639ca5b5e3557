"""The database: declarative base with a naming convention, engine set-up, one session per request."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import sqlalchemy as sa
import threading

from flask import Flask, current_app, g, has_app_context, has_request_context
from flask.globals import request_ctx
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes in Python, naive UTC in the database (same on SQLite and PostgreSQL)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC datetime")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


def _sqlite_on_connect(dbapi_connection, _record):
    # Let SQLAlchemy (not pysqlite) control transactions, so SAVEPOINT works and BEGIN is explicit.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_on_begin(conn):
    # IMMEDIATE takes the write lock at the start: a read that later writes never dead-ends in
    # SQLITE_BUSY, and the busy timeout makes concurrent writers wait their turn.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """Holds the metadata and hands out the current app's session (`db.session`)."""

    metadata = Base.metadata

    def __init__(self) -> None:
        self._registry = scoped_session(self._new_session, scopefunc=self._scope)

    @staticmethod
    def _scope():
        # one session per request, else per app context (CLI command, job), else per thread. (A
        # request may reuse an app context that is already pushed, as in tests: it still gets its own.)
        if has_request_context():
            return ("request", id(request_ctx._get_current_object()))
        if has_app_context():
            return ("app", id(g._get_current_object()))
        return ("thread", threading.get_ident())

    @staticmethod
    def _new_session() -> Session:
        state = current_app.extensions["db"]
        return Session(bind=state.bind_override or state.engine, expire_on_commit=False,
                       join_transaction_mode="create_savepoint")

    def init_app(self, app: Flask) -> None:
        app.extensions["db"] = _State(make_engine(app.config["DATABASE_URL"]))

        @app.teardown_request
        def _remove_request_session(_exc):
            self._registry.remove()

        @app.teardown_appcontext
        def _remove_session(_exc):
            self._registry.remove()

    @property
    def engine(self) -> sa.Engine:
        return current_app.extensions["db"].engine

    @property
    def session(self) -> Session:
        return self._registry()


class _State:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.bind_override: sa.Connection | None = None  # tests bind sessions to an outer transaction


db = Database()


def insert_ignore(table, values: dict):
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL (for get-or-create of lock rows)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).values(**values).on_conflict_do_nothing()


# ---- side effects after commit (CONVENTIONS #3) ----

def after_commit(fn: Callable[[], None]) -> None:
    """Run `fn` once the current transaction has committed; dropped if it rolls back."""
    db.session.info.setdefault("after_commit", []).append(fn)


def commit() -> None:
    """Commit the unit of work (request, CLI command, job), then run its after-commit hooks.

    Once the commit returns the change is made: a hook that fails cannot undo it, so it must not fail the unit
    of work either (the user would read "nothing was changed"). Each hook runs on its own; a failure is logged,
    whatever it left in the session is rolled back, and the next hook runs. Hooks that must not be lost keep
    their work in the database first (the job outbox, arbitration/jobs/queue.py)."""
    session = db.session
    session.commit()
    hooks = session.info.pop("after_commit", [])
    for fn in hooks:
        try:
            fn()
        except Exception:
            log.exception("after-commit hook %s failed; the transaction before it had committed", _name(fn))
            try:
                rollback()
            except Exception:       # the database went away too: the next hook finds out for itself
                log.exception("rolling back after the failed hook %s failed", _name(fn))


def _name(fn) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def rollback() -> None:
    session = db.session
    session.rollback()
    session.info.pop("after_commit", None)
