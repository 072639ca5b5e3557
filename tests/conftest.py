"""Shared fixtures: one migrated database per test session, a rolled-back transaction per test,
a frozen clock, and one persona per role.

SQLite always; PostgreSQL when ARBITRATION_TEST_POSTGRES_URL is set (the suite then runs on it).
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import pytest

# one per process: under pytest-xdist each worker has its own folder (and so its own SQLite file and evidence store)
_INSTANCE = tempfile.mkdtemp(prefix=f"arb-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-")
os.environ["ARBITRATION_INSTANCE_PATH"] = _INSTANCE  # before the app (and its job queue) is imported
os.environ.pop("ARBITRATION_QUEUE_URL", None)

import sqlalchemy as sa  # noqa: E402
import flask_babel  # noqa: E402
from flask import g, has_app_context  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from arbitration import clock, create_app  # noqa: E402
from arbitration.db import db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("ARBITRATION_TEST_POSTGRES_URL")
from tests.factories import PASSWORD, T0, create_personas, make_refused_order  # noqa: E402
from tests.factories import personas as load_personas  # noqa: E402


def _compile_catalogs() -> None:
    """The tests read the Chinese UI: compile the .po catalogs if make did not."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as fh:
                catalog = read_po(fh)
            # written aside and renamed: pytest-xdist's workers (and the browser tests' server) may compile and read
            # the same catalog at once, and none must read a half-written file
            part = mo.with_name(f"{mo.name}.{os.getpid()}.part")
            with part.open("wb") as fh:
                write_mo(fh, catalog)
            os.replace(part, mo)


def pytest_configure(config):
    if POSTGRES_URL and getattr(config.option, "numprocesses", None):
        raise pytest.UsageError("the PostgreSQL pass runs in one process: its workers would share the one database "
                                "that each session resets (drop the -n option; the SQLite pass runs with -n 2)")


BROWSER_TESTS = "tests/browser/"     # node ids are relative to the root folder


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: only called when it is installed and -n is given
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` with every browser journey in one unit of work, whatever their marks: pytest-xdist 3.8
    groups by a suffix it writes into each test's node id, which pytest 9.2 no longer lets it change (xdist issue
    1386: the journeys were spread over both workers, each starting a server of its own). The journeys share one
    server whose clock some of them move: one unit goes whole to one worker, in collection order (tests/browser/
    conftest.py puts those moving the clock last). Every other test is a unit of its own."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class BrowserJourneysTogether(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(BROWSER_TESTS):
                return BROWSER_TESTS
            return super()._split_scope(nodeid)

    return BrowserJourneysTogether(config, log)


def database_url() -> str:
    return POSTGRES_URL or f"sqlite:///{_INSTANCE}/test.db"


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def app_config(**extra) -> dict:
    return {"TESTING": True, "DATABASE_URL": database_url(), "SECRET_KEY": "test-" + secrets.token_hex(8),
            "WTF_CSRF_ENABLED": False, "JOBS_IMMEDIATE": True, "EMBEDDED_WORKER": False,
            "DISPLAY_TIMEZONE": "Asia/Shanghai", "BABEL_DEFAULT_LOCALE": "zh",
            "RISK_ORDERS": 1000,  # tests make many orders at one frozen instant; the risk tests lower it
            **extra}


class FreshUserClient(FlaskClient):
    """Tests keep an app context pushed, which Flask reuses for the requests they make; Flask-Login
    caches the user in that context's `g`, Flask-Babel the locale. Forget both before each request,
    as a real server (a new context per request) would."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
            flask_babel.refresh()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app():
    _compile_catalogs()
    if POSTGRES_URL:
        reset_postgres(POSTGRES_URL)
    application = create_app(app_config())
    application.test_client_class = FreshUserClient
    from flask_migrate import upgrade

    with application.app_context():
        upgrade()  # the real migrations, not create_all: the suite runs on the schema production gets
        from arbitration.calendar.services import seed_from_package
        from arbitration.law.services import load_file

        seed_from_package(T0)
        load_file(now=T0)
        create_personas()
        db.session.commit()
    yield application
    with application.app_context():
        db.engine.dispose()


def redis_up() -> bool:
    """Whether Redis answers on 127.0.0.1:6379 (CI starts it; tests that need it skip without it)."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.freeze(T0)
    yield clock
    clock.reset()


@pytest.fixture
def config(app):
    """Change the app's configuration for one test."""
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def session(app, app_ctx):
    """Everything the test (and its requests) does happens inside one outer transaction, rolled back."""
    state = app.extensions["db"]
    conn = state.engine.connect()
    outer = conn.begin()
    state.bind_override = conn
    db._registry.remove()
    try:
        yield db.session
    finally:
        db._registry.remove()
        state.bind_override = None
        outer.rollback()
        conn.close()


@pytest.fixture
def isolated(app, session):
    """A context manager: whatever happens inside (requests included) is rolled back at its end."""
    import contextlib

    @contextlib.contextmanager
    def block():
        savepoint = app.extensions["db"].bind_override.begin_nested()
        try:
            yield
        finally:
            savepoint.rollback()
    return block


@pytest.fixture
def client(app, session):
    return app.test_client()


@pytest.fixture
def personas(session):
    return load_personas()


@pytest.fixture
def refused(session, personas):
    """A paid order of the buyer persona whose cancellation the merchant persona refused at T0: the buyer may
    open a case on it for 7 days."""
    return make_refused_order(personas["buyer"], personas["merchant"])


def login(client, username: str, password: str = PASSWORD):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def client_of(app, username: str):
    """A test client of its own, logged in as `username`."""
    client = app.test_client()
    login(client, username)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def login_as(client):
    def do(username: str):
        login(client, username)
        return client
    return do
