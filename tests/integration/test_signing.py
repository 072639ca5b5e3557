"""Signed documents (issue 20): every issued ruling is signed as the platform (PAdES), timestamped by the time
stamping authority when one is configured (here a real one on 127.0.0.1 with its own test CA), and checks as
valid with pyHanko's validator and poppler's pdfsig; one byte changed after signing fails every check."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from arbitration.rulings import pdf as ruling_pdfs
from arbitration.rulings import services as rulings
from arbitration.signing import service as signing
from arbitration.signing.keys import development_files
from arbitration.signing.verify import ABSENT, FAIL, OK
from tests.conftest import T0
from tests.factories import make_case
from tests.integration.test_rulings import rule, stored_pdf
from tests.local_tsa import local_tsa_fixture, with_tsa_fixture  # noqa: F401  (fixtures)


def issued_pdf(personas, refused) -> tuple[object, bytes]:
    ruling = rule(make_case("review", order=refused), personas["arbitrator"])
    rulings.make_pdf(ruling)
    return ruling, stored_pdf(ruling)


def pdfsig(data: bytes, tmp_path) -> str:
    tool = shutil.which("pdfsig")
    if tool is None:
        pytest.skip("poppler's pdfsig is not installed (Debian package poppler-utils; `make test` installs it)")
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=60).stdout


def flip_one_byte(data: bytes) -> bytes:
    """One byte of the page content changed (inside the signed range, outside the signature's own bytes)."""
    at = data.index(b"stream\n") + 40
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def test_an_issued_ruling_is_signed_timestamped_and_valid_for_pyhanko_and_pdfsig(
        session, personas, refused, with_tsa, tmp_path):
    ruling, data = issued_pdf(personas, refused)
    report = signing.verify(data)
    assert report.valid and report.signed
    assert {c.key: c.state for c in report.checks} == {
        "signature": OK, "unchanged": OK, "certificate": OK, "timestamp": OK}
    assert report.timestamp_authority == "Test Time Stamping Authority" and report.timestamp_at is not None
    assert report.development and "DEVELOPMENT" in report.reason      # the embedded default says what it is
    out = pdfsig(data, tmp_path)
    assert "Signature is Valid." in out and "Total document signed" in out, out
    assert "ETSI.CAdES.detached" in out                                 # PAdES
    assert "timestamp" in out.lower() or "Signing Time" in out


def test_one_byte_changed_after_signing_fails_the_checks_and_pdfsig(session, personas, refused, tmp_path):
    _ruling, data = issued_pdf(personas, refused)
    altered = flip_one_byte(data)
    report = signing.verify(altered)
    assert not report.valid and report.check("unchanged").state == FAIL
    assert "Signature is Valid." not in pdfsig(altered, tmp_path)


def test_without_an_authority_the_ruling_is_signed_without_a_timestamp_and_says_so(session, personas, refused):
    _ruling, data = issued_pdf(personas, refused)
    report = signing.verify(data)
    assert report.valid and report.check("timestamp").state == ABSENT
    last_page = PdfReader(io.BytesIO(data)).pages[-1]
    annots = [a.get_object() for a in last_page.get("/Annots", [])]
    widget = next(a for a in annots if a.get("/FT") == "/Sig")
    assert widget["/Rect"][3] > widget["/Rect"][1]                       # a visible block on the last page
    appearance = widget["/AP"]["/N"].get_object()
    assert appearance.get_data()                                          # drawn (the text is glyph ids)


def test_the_signed_ruling_stays_pdf_a_3b_with_every_font_embedded(session, personas, refused):
    _ruling, data = issued_pdf(personas, refused)
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp
    producer = reader.trailer["/Info"].get_object()["/Producer"]
    assert f'pdf:Producer="{producer}"'.encode() in xmp                # Info and XMP agree (PDF/A 6.6.2.3.1)
    assert "/OutputIntents" in reader.trailer["/Root"]
    widget = next(a.get_object() for a in reader.pages[-1]["/Annots"] if a.get_object().get("/FT") == "/Sig")
    fonts = widget["/AP"]["/N"].get_object()["/Resources"]["/Font"]
    for ref in fonts.values():
        descendant = ref.get_object()["/DescendantFonts"][0].get_object()
        assert any(k in descendant["/FontDescriptor"] for k in ("/FontFile2", "/FontFile3")), descendant


def test_a_document_signed_by_another_key_is_not_the_platforms(session, personas, refused, config, tmp_path):
    ruling = rule(make_case("review", order=refused), personas["arbitrator"])
    other = development_files(str(tmp_path / "other"), "冒充的平台")
    config.update(SIGNING_KEY=other.key, SIGNING_CERT=other.cert)
    forged = ruling_pdfs.ruling_pdf(ruling)                    # the same document, signed by a key not ours
    config.update(SIGNING_KEY=None, SIGNING_CERT=None)
    report = signing.verify(forged)
    assert report.check("certificate").state == FAIL and report.check("certificate").reason == "untrusted"


def test_a_pkcs12_archive_from_the_configuration_signs(session, personas, refused, config, tmp_path):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, load_pem_private_key, pkcs12
    from cryptography.x509 import load_pem_x509_certificate

    files = development_files(str(tmp_path / "p12"), "配置的平台")
    key = load_pem_private_key(open(files.key, "rb").read(), None)
    cert = load_pem_x509_certificate(open(files.cert, "rb").read())
    archive = tmp_path / "platform.p12"
    archive.write_bytes(pkcs12.serialize_key_and_certificates(b"platform", key, cert, None,
                                                              BestAvailableEncryption(b"secret")))
    config.update(SIGNING_PKCS12=str(archive), SIGNING_PKCS12_PASSWORD="secret")
    _ruling, data = issued_pdf(personas, refused)
    report = signing.verify(data)
    assert report.valid and report.signer == "配置的平台 (development)"


def test_the_verify_command_explains_each_check_and_fails_for_an_altered_copy(
        app, session, personas, refused, with_tsa, tmp_path):
    ruling, data = issued_pdf(personas, refused)
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(data)
    bad.write_bytes(flip_one_byte(data))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rulings", "verify", str(good)])
    assert result.exit_code == 0, result.output
    assert f"ISSUED ruling {ruling.number}" in result.output and "VALID" in result.output
    assert "Test Time Stamping Authority" in result.output and "[OK    ] 可信时间" in result.output
    result = runner.invoke(args=["rulings", "verify", "--lang", "en", str(bad)])
    assert result.exit_code == 1 and "NOT VALID" in result.output
    assert "changed after it was signed" in result.output


def test_the_public_verify_page_shows_each_check_in_plain_words(client, session, personas, refused, with_tsa):
    ruling, data = issued_pdf(personas, refused)
    page = client.post("/rulings/verify", data={"file": (io.BytesIO(data), "ruling.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert ruling.number in page and "Test Time Stamping Authority" in page
    assert page.count("✓") == 5 and "✗" not in page
    page = client.post("/rulings/verify", data={"file": (io.BytesIO(flip_one_byte(data)), "ruling.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "✗" in page


def test_a_regulators_dossier_is_signed_as_the_platform_with_its_trusted_time(session, personas, refused, with_tsa):
    from arbitration.oversight import dossier

    case = make_case("review", order=refused)
    data = dossier.render(case, dossier.Exporter("王监管", "监管人员"), T0)
    report = signing.verify(data)
    assert report.valid and report.check("timestamp").state == OK
    assert "案件卷宗" in report.reason


def test_signing_and_checking_work_when_the_callers_thread_runs_an_event_loop(session, personas, refused, with_tsa):
    """pyHanko's synchronous API runs asyncio.run: under an async server, or Playwright's sync API in this very
    process, the caller's thread already runs a loop, and signing must not fail there."""
    import asyncio

    from arbitration.pdf_render import html_to_pdf

    _ruling, data = issued_pdf(personas, refused)
    unsigned = html_to_pdf("<html><body><p>争议处理决定书</p></body></html>")

    async def inside_a_loop():
        return signing.sign(unsigned, "ruling"), signing.verify(data)

    try:
        asyncio.get_running_loop()          # already so (after the browser journeys, Playwright's loop runs here)
        signed, report = signing.sign(unsigned, "ruling"), signing.verify(data)
    except RuntimeError:
        signed, report = asyncio.run(inside_a_loop())
    assert report.valid and report.check("timestamp").state == OK
    assert signing.verify(signed).signed
