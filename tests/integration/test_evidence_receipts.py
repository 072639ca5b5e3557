"""Evidence receipts (issue 20): each accepted file's SHA-256 is stamped by the time stamping authority (here a real
one on 127.0.0.1) in a job after the upload; the authority being down delays the receipt, never the evidence, and
never loses it; the receipt checks with `openssl ts -verify` alone; the dossier lists each file's hash and time."""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest

from arbitration.cases import services as cases
from arbitration.evidence import services as evidence
from arbitration.oversight import dossier
from arbitration.signing.tsa import TsaUnavailable
from tests.conftest import T0, client_of
from tests.factories import make_case
from tests.files import png
from tests.integration.test_rulings import pdf_text
from tests.local_tsa import local_tsa_fixture, with_tsa_fixture  # noqa: F401  (fixtures)

M = __import__("datetime").timedelta(minutes=1)


def _file(personas, case, name="付款截图.png", width=4):
    return evidence.add_file(personas["buyer"], cases.evidence_subject(case), filename=name, chunks=[png(width)],
                             kind="payment_record")


def _openssl_verify(tmp_path, tsr: bytes, sha256: str, ca_file: str) -> subprocess.CompletedProcess:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    (tmp_path / "receipt.tsr").write_bytes(tsr)
    return subprocess.run([openssl, "ts", "-verify", "-digest", sha256, "-in", str(tmp_path / "receipt.tsr"),
                           "-CAfile", ca_file], capture_output=True, text=True, timeout=60)


def test_an_accepted_files_hash_is_stamped_and_checks_with_openssl_alone(session, personas, with_tsa, tmp_path):
    ev = _file(personas, make_case())
    assert ev.tsr is None                                  # the job stamps it after the upload's commit
    evidence.stamp_evidence.call_local(ev.id)
    assert ev.tsr and ev.stamped_at is not None
    check = _openssl_verify(tmp_path, ev.tsr, ev.sha256, with_tsa.ca_file)
    assert check.returncode == 0 and "Verification: OK" in check.stdout, check.stdout + check.stderr
    other = _openssl_verify(tmp_path, ev.tsr, "ab" * 32, with_tsa.ca_file)    # another file's hash: refused
    assert other.returncode != 0


def test_the_authority_being_down_delays_the_receipt_without_losing_it(session, personas, with_tsa):
    case = make_case()
    ev = _file(personas, case)
    with_tsa.down()
    with pytest.raises(TsaUnavailable):
        evidence.stamp(ev)                                    # the job fails: the queue retries it
    assert ev.tsr is None and cases.case_files(case) == [ev]      # the evidence is there, usable
    assert evidence.stamp_pending(T0 + 5 * M) == 0            # the minute's sweep: still down, nothing lost
    with_tsa.up()
    assert evidence.stamp_pending(T0 + 5 * M) == 1
    assert ev.tsr is not None and evidence.unstamped() == []


def test_the_party_downloads_a_receipt_with_the_token_the_root_and_how_to_check(
        app, session, personas, with_tsa, tmp_path):
    ev = _file(personas, make_case())
    evidence.stamp_evidence.call_local(ev.id)
    response = client_of(app, "buyer").get(f"/evidence/{ev.id}/receipt")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == {"receipt.tsr", "README.txt", "tsa-root.pem"}
    readme = archive.read("README.txt").decode()
    assert ev.sha256 in readme and "openssl ts -verify" in readme
    root = tmp_path / "root.pem"
    root.write_bytes(archive.read("tsa-root.pem"))
    assert _openssl_verify(tmp_path, archive.read("receipt.tsr"), ev.sha256, str(root)).returncode == 0


def test_before_the_stamp_the_party_is_told_the_receipt_follows(app, session, personas, with_tsa):
    ev = _file(personas, make_case())
    client = client_of(app, "buyer")
    response = client.get(f"/evidence/{ev.id}/receipt")
    assert response.status_code == 302 and response.location.endswith(f"/evidence/{ev.id}/view")
    assert "回执将在时间戳机构答复后提供" in client.get(response.location).get_data(as_text=True)


def test_the_dossier_lists_each_files_hash_and_trusted_time(session, personas, config, with_tsa):
    case = make_case()
    stamped = _file(personas, case)
    evidence.stamp_evidence.call_local(stamped.id)
    config["TSA_URL"] = None                                      # the next file waits for its stamp
    waiting = _file(personas, case, "聊天记录.png", width=5)
    assert [f.id for f in cases.case_files(case)] == [stamped.id, waiting.id] and waiting.tsr is None
    text = pdf_text(dossier.render(case, dossier.Exporter("王监管", "监管人员"), T0)).replace("\n", "")
    assert "证据的可信时间戳" in text
    assert stamped.sha256 in text
    assert "尚未取得时间戳" in text
