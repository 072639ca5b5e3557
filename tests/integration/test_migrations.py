"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from arbitration import create_app
from arbitration.calendar.services import seed_from_package
from arbitration.cases import services as cases
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.feed import changes
from arbitration.search.schema import include_object
from tests.conftest import POSTGRES_URL, app_config
from tests.factories import T0, create_personas, make_case
from tests.factories import personas as load_personas


def _check(url: str) -> None:
    app = create_app(app_config(DATABASE_URL=url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            options = {"compare_type": True, "include_object": include_object}
            diff = compare_metadata(MigrationContext.configure(conn, opts=options), db.metadata)
        assert diff == [], diff
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}, "the downgrade left tables"
        upgrade()
        db.engine.dispose()


def test_an_empty_sqlite_database_upgrades_to_head_and_matches_the_models(tmp_path):
    _check(f"sqlite:///{tmp_path / 'fresh.db'}")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="ARBITRATION_TEST_POSTGRES_URL not set")
def test_an_empty_postgres_database_upgrades_to_head_and_matches_the_models():
    name = "arb_migrations_" + uuid.uuid4().hex[:8]
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        _check(sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_0035_fills_the_supplementary_note_of_cases_asked_before_from_their_events(tmp_path):
    app = create_app(app_config(DATABASE_URL=f"sqlite:///{tmp_path / 'asked.db'}"))
    with app.app_context():
        upgrade()
        seed_from_package(T0)
        create_personas()
        case = make_case("supplementary")
        number = case.number
        db.session.commit()
        downgrade(revision="0034_refund_arrival_fallback")
        upgrade()
        db.session.expire_all()
        assert db.session.scalar(sa.select(Case.supplementary_note).where(Case.number == number)) == "请补充付款记录截图"
        db.session.close()
        db.engine.dispose()


def test_0047_fills_when_each_case_last_changed_from_its_latest_event(tmp_path):
    app = create_app(app_config(DATABASE_URL=f"sqlite:///{tmp_path / 'changed.db'}"))
    with app.app_context():
        upgrade()
        seed_from_package(T0)
        create_personas()
        quiet, answered = make_case(now=T0), make_case(now=T0)
        cases.accept_claim(answered, load_personas()["merchant"], now=T0 + dt.timedelta(hours=1))
        numbers = quiet.number, answered.number
        db.session.commit()
        downgrade(revision="0046_public_library")
        upgrade()
        db.session.expire_all()
        found = dict(db.session.execute(sa.select(Case.number, Case.changed_at).where(Case.number.in_(numbers))).all())
        assert found == {numbers[0]: T0, numbers[1]: T0 + dt.timedelta(hours=1)}
        listed = changes.changed_since(changes.parse_since(None), now=T0 + dt.timedelta(days=1)).rows
        assert [row.case.number for row in listed] == list(numbers)       # in the order they changed
        db.session.close()
        db.engine.dispose()
