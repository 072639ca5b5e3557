"""The bulk export's dossiers are signed like the single dossier download (issue 20): every PDF in the ZIP is PAdES-
signed with the platform's key, timestamped by the configured authority (here the tests' local one), in this
process (one process) and in the spawned rendering processes alike. (Its own SQLite file and store: the rendering
processes cannot see the other tests' uncommitted transactions.)"""
from __future__ import annotations

import io
import zipfile

import pytest

from arbitration import create_app
from arbitration.db import commit, db
from arbitration.jobs import queue
from arbitration.signing import service as signing
from arbitration.signing.verify import OK
from tests.conftest import POSTGRES_URL, T0, app_config
from tests.local_tsa import local_tsa_fixture  # noqa: F401  (fixture)

CASES = 3


@pytest.fixture
def export_app(tmp_path, local_tsa):
    local_tsa.up()
    saved = queue._app
    other = create_app(app_config(DATABASE_URL=f"sqlite:///{tmp_path / 'export.db'}",
                                  STORAGE_URL=f"local://{tmp_path / 'store'}", RISK_ORDERS=10**9,
                                  TSA_URL=local_tsa.url, TSA_CA=(local_tsa.ca_file,)))
    yield other
    with other.app_context():
        db.engine.dispose()
    queue._app = saved


def exported_dossiers(app, processes: int) -> dict[str, bytes]:
    from flask_migrate import upgrade

    from arbitration.calendar.services import seed_from_package
    from arbitration.law.services import load_file
    from arbitration.merchants.models import Merchant
    from arbitration.oversight import exports
    from arbitration.cases.filters import CaseFilter
    from arbitration.storage import app_store
    from bench.data import make_cases
    from tests.factories import create_personas, personas

    upgrade()
    seed_from_package(T0)
    load_file(now=T0)
    create_personas()
    people = personas()
    staff = {db.session.get(Merchant, people[n].merchant_id): people[n] for n in ("merchant", "merchant_b")}
    make_cases(CASES, buyer=people["buyer"], staff_by_merchant=staff, now=T0)
    commit()
    export = exports.request_export(people["regulator"], CaseFilter(), enqueue=False)
    commit()
    export = exports.build(export.id, processes=processes)
    assert export.state == "done", export.error
    with app_store().open_read(export.zip_key) as fh:
        zf = zipfile.ZipFile(io.BytesIO(fh.read()))
    return {n: zf.read(n) for n in zf.namelist() if n.startswith("dossiers/")}


@pytest.mark.slow
@pytest.mark.skipif(bool(POSTGRES_URL), reason="runs once, in the SQLite pass (it uses its own SQLite file)")
@pytest.mark.parametrize("processes", [1, 2], ids=["in-process", "rendering-processes"])
def test_every_dossier_in_a_bulk_export_is_signed_and_timestamped_as_the_platform(export_app, processes):
    with export_app.app_context():
        dossiers = exported_dossiers(export_app, processes)
        assert len(dossiers) == CASES
        for name, data in dossiers.items():
            report = signing.verify(data)
            assert report.valid, (name, report)
            assert {c.key: c.state for c in report.checks} == {
                "signature": OK, "unchanged": OK, "certificate": OK, "timestamp": OK}, name
            assert "案件卷宗" in report.reason and report.timestamp_authority == "Test Time Stamping Authority"
