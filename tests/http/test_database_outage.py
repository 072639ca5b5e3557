"""The database going away while the app runs: requests fail cleanly (503, a message, nothing written) and
the app recovers by itself once the database is back, without a restart."""
from __future__ import annotations

import os
import shutil

import pytest
import sqlalchemy as sa

from arbitration import create_app
from arbitration.db import db
from arbitration.jobs import queue
from tests.conftest import POSTGRES_URL, app_config, login


@pytest.fixture
def own_app(tmp_path):
    saved = queue._app
    folder = tmp_path / "data"
    folder.mkdir()
    app = create_app(app_config(DATABASE_URL=f"sqlite:///{folder / 'app.db'}", STORAGE_URL=f"local://{tmp_path}/s"))
    with app.app_context():
        from flask_migrate import upgrade

        from tests.factories import create_personas

        upgrade()
        create_personas()
        db.session.commit()
    yield app, folder
    with app.app_context():
        db.engine.dispose()
    queue._app = saved


def test_requests_fail_cleanly_while_the_database_is_gone_and_recover_after(own_app, tmp_path):
    app, folder = own_app
    client = app.test_client()
    login(client, "buyer")
    assert client.get("/").status_code == 200
    with app.app_context():
        db.engine.dispose()                            # the open connections go, as when the server restarts
    hidden = tmp_path / "moved-away"
    shutil.move(folder, hidden)                        # ... and the database cannot be reached
    try:
        response = client.get("/")
        assert response.status_code == 503
        assert "无法连接数据库" in response.get_data(as_text=True)
    finally:
        shutil.move(hidden, folder)
    assert client.get("/").status_code == 200          # back, without restarting the app
    assert os.path.exists(folder / "app.db")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="ARBITRATION_TEST_POSTGRES_URL not set")
def test_connections_killed_by_a_postgres_restart_are_replaced_without_restarting_the_app(tmp_path):
    """pg_terminate_backend does to the app's pooled connections what a server restart does."""
    saved = queue._app
    url = POSTGRES_URL + ("&" if "?" in POSTGRES_URL else "?") + "application_name=restart-test"
    app = create_app(app_config(DATABASE_URL=url, STORAGE_URL=f"local://{tmp_path}/s"))
    try:
        client = app.test_client()
        login(client, "buyer")
        assert client.get("/").status_code == 200
        killer = sa.create_engine(POSTGRES_URL)
        with killer.begin() as conn:
            killed = conn.execute(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'restart-test' AND pid <> pg_backend_pid()")).scalar()
        killer.dispose()
        assert killed >= 1
        assert client.get("/").status_code == 200      # the pool noticed and reconnected
        assert client.get("/cases").status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()
        queue._app = saved
