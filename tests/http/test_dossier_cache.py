"""A case's dossier is rendered once per state of the case: a second download of an unchanged case is the stored copy
(the same bytes, no rendering); a change to the case, another exporter or another variant renders it again; a chain
broken since then is rendered again too."""
from __future__ import annotations

import pytest

from arbitration.audit import anchors
from arbitration.cases.messaging import add_note
from arbitration.oversight import dossier, dossier_cache
from arbitration.storage import app_store
from tests.conftest import T0, client_of
from tests.factories import make_case


@pytest.fixture
def renders(monkeypatch):
    made = []
    real = dossier.render

    def counted(*args, **kwargs):
        made.append(args[0].id)
        return real(*args, **kwargs)

    monkeypatch.setattr(dossier, "render", counted)
    return made


def _kept(case) -> list[str]:
    return list(app_store().iter_keys(f"{dossier_cache.PREFIX}/{case.id}/"))


def test_a_second_download_of_an_unchanged_case_is_the_stored_copy(app, session, personas, renders):
    case = make_case("review")
    regulator = client_of(app, "regulator")
    first = regulator.get(f"/cases/{case.number}/dossier")
    second = regulator.get(f"/cases/{case.number}/dossier")
    assert first.status_code == second.status_code == 200 and first.data.startswith(b"%PDF")
    assert second.data == first.data and renders == [case.id]
    assert len(_kept(case)) == 1


def test_a_change_to_the_case_renders_it_again_and_replaces_the_old_copy(app, session, personas, renders):
    case = make_case("review")
    regulator = client_of(app, "regulator")
    before = _kept(case) or None
    regulator.get(f"/cases/{case.number}/dossier")
    kept = _kept(case)
    add_note(case, personas["arbitrator"], body="核对了卡密的发放记录。", now=T0)
    session.commit()
    again = regulator.get(f"/cases/{case.number}/dossier")
    assert again.status_code == 200 and renders == [case.id, case.id]
    assert before is None and len(_kept(case)) == 1 and _kept(case) != kept


def test_another_exporter_or_evidence_attached_is_rendered_for_them(app, session, personas, renders):
    case = make_case("review")
    client_of(app, "regulator").get(f"/cases/{case.number}/dossier")
    client_of(app, "supervisor").get(f"/cases/{case.number}/dossier")
    client_of(app, "supervisor").get(f"/cases/{case.number}/dossier?evidence=1")
    assert renders == [case.id] * 3


def test_a_chain_that_no_longer_verifies_is_rendered_again(app, session, personas, renders, monkeypatch):
    case = make_case("review")
    regulator = client_of(app, "regulator")
    regulator.get(f"/cases/{case.number}/dossier")

    class Broken:
        intact = False

    monkeypatch.setattr(dossier_cache, "verify_subject", lambda *a: Broken())
    regulator.get(f"/cases/{case.number}/dossier")
    assert renders == [case.id, case.id]


def test_the_retention_purge_removes_the_stored_dossiers_of_the_case(app, session, personas, renders):
    import datetime as dt

    from arbitration.oversight import retention

    case = make_case("closed", now=T0)
    assert client_of(app, "regulator").get(f"/cases/{case.number}/dossier").status_code == 200
    assert len(_kept(case)) == 1
    assert retention.purge(now=T0 + dt.timedelta(days=3 * 365 + 2)).cases == 1
    assert _kept(case) == []


def test_a_new_anchor_renders_the_dossier_again_since_it_names_the_last_anchor(app, session, personas, renders):
    case = make_case("review")
    regulator = client_of(app, "regulator")
    regulator.get(f"/cases/{case.number}/dossier")
    anchors.take()
    session.commit()
    regulator.get(f"/cases/{case.number}/dossier")
    assert renders == [case.id, case.id]
