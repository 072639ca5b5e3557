"""A bulk export of two dozen committed cases, through the job queue, rendered by spawned worker processes that
open the same database: its manifest matches the cases. Two dozen is enough for what the size proves: progress
committed more than once (every PROGRESS_EVERY cases), more dossiers than the two processes keep in flight, every
kind of case (negotiation, offer, ruled; with and without evidence). (Its own SQLite file and store: the workers
cannot see the other tests' uncommitted transactions.)"""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
import sqlalchemy as sa

from arbitration import create_app
from arbitration.db import commit, db
from arbitration.jobs import queue
from tests.conftest import POSTGRES_URL, T0, app_config

CASES = 24      # > 2 × exports.PROGRESS_EVERY, a multiple of 3 and 4 (the mix of bench/data.py)


@pytest.fixture
def separate_app(tmp_path):
    saved = queue._app
    other = create_app(app_config(DATABASE_URL=f"sqlite:///{tmp_path / 'export.db'}",
                                  STORAGE_URL=f"local://{tmp_path / 'store'}", EXPORT_PROCESSES=2,
                                  RISK_ORDERS=10**9))
    yield other
    with other.app_context():
        db.engine.dispose()
    queue._app = saved


@pytest.mark.slow
@pytest.mark.skipif(bool(POSTGRES_URL), reason="runs once, in the SQLite pass (it uses its own SQLite file)")
def test_a_bulk_export_of_two_dozen_cases_completes_through_the_job_queue(separate_app):
    from flask_migrate import upgrade

    from arbitration.calendar.services import seed_from_package
    from arbitration.cases.filters import CaseFilter
    from arbitration.cases.models import Case
    from arbitration.evidence import services as evidence
    from arbitration.law.services import load_file
    from arbitration.merchants.models import Merchant
    from arbitration.oversight import exports
    from arbitration.oversight.models import Export
    from bench.data import make_cases
    from tests.factories import create_personas, personas

    with separate_app.app_context():
        upgrade()
        seed_from_package(T0)
        load_file(now=T0)
        create_personas()
        people = personas()
        staff = {db.session.get(Merchant, people[n].merchant_id): people[n] for n in ("merchant", "merchant_b")}
        make_cases(CASES, buyer=people["buyer"], staff_by_merchant=staff, now=T0)
        commit()
        export = exports.request_export(people["regulator"], CaseFilter(), with_evidence=True)
        export_id = export.id
        commit()                    # the job runs after the commit (at once in tests): two worker processes
        db.session.expire_all()
        export = db.session.get(Export, export_id)
        assert (export.state, export.total, export.done) == ("done", CASES, CASES), export.error
        numbers = set(db.session.scalars(sa.select(Case.number)))
        with evidence.store().open_read(export.zip_key) as fh:
            zf = zipfile.ZipFile(io.BytesIO(fh.read()))
        text = zf.read("manifest.csv").decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text), fieldnames=exports.MANIFEST_FIELDS))[1:]
        assert {r["case"] for r in rows} == numbers and len(rows) == CASES
        assert {n for n in zf.namelist() if n.startswith("dossiers/")} == {f"dossiers/{n}.pdf" for n in numbers}
        assert sum(int(r["evidence_files"]) for r in rows) == CASES // 4
        assert sum(r["outcome"] == "已作出处理决定" for r in rows) == CASES // 3
        actions = [a for (a,) in db.session.execute(sa.text(
            "SELECT action FROM events WHERE subject_type = 'export' ORDER BY id"))]
        assert actions == ["export.requested", "export.done"]
