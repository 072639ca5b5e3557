"""PAdES B-LT when the chain offers it (issue 20): a platform certificate issued by a test CA names a CRL
distribution point on 127.0.0.1; the signed ruling then carries that CRL in its security store (DSS) and validates
from the file alone with the source gone. A source that does not answer stops the document being issued."""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from arbitration.pdf_render import html_to_pdf
from arbitration.signing import service as signing
from arbitration.signing.pades import RevocationUnavailable
from arbitration.signing.verify import OK, load_certs
from tests.integration.test_signing import issued_pdf
from tests.local_ca import SIGNER, LocalCa
from tests.local_tsa import local_tsa_fixture, with_tsa_fixture  # noqa: F401  (fixtures)


def validated(*args):
    """pyHanko's synchronous validation in a thread of its own: it runs asyncio.run, refused where the test process
    already runs a loop (after the browser journeys, Playwright's)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate_pdf_signature, *args).result()


@pytest.fixture
def local_ca(tmp_path):
    ca = LocalCa(tmp_path / "ca").start()
    yield ca
    ca.stop()


def test_a_ruling_signed_under_a_chain_with_a_crl_carries_the_crl_and_validates_long_term_without_the_network(
        session, personas, refused, config, with_tsa, local_ca):
    local_ca.configure(config)
    _ruling, data = issued_pdf(personas, refused)
    assert local_ca.requests >= 1                                   # the CRL was fetched while signing
    local_ca.stop()                                                 # from here on, the file alone

    report = signing.verify(data)
    assert report.valid and report.signer == SIGNER
    assert {c.key: c.state for c in report.checks} == {
        "signature": OK, "unchanged": OK, "certificate": OK, "timestamp": OK}

    reader = PdfFileReader(io.BytesIO(data))
    dss = DocumentSecurityStore.read_dss(reader)
    assert [ref.get_object().data for ref in dss.crls] == [local_ca.crl_der]
    roots, tsa_roots = load_certs([local_ca.root_file]), load_certs([with_tsa.ca_file])
    embedded = dss.as_validation_context({"trust_roots": roots, "allow_fetching": False,
                                          "revocation_mode": "hard-fail"})
    status = validated(reader.embedded_signatures[-1], embedded,
                       ValidationContext(trust_roots=tsa_roots, allow_fetching=False))
    assert status.bottom_line and status.trusted and not status.revoked
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted

    without = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="hard-fail", crls=[])
    status = validated(reader.embedded_signatures[-1], without,
                       ValidationContext(trust_roots=tsa_roots, allow_fetching=False))
    assert not status.trusted                                       # without the embedded CRL: not established


def test_an_unreachable_crl_source_refuses_to_sign_with_a_clear_error(
        app_ctx, config, with_tsa, tmp_path):
    ca = LocalCa(tmp_path / "down", unreachable=True).start()
    ca.configure(config)
    with pytest.raises(RevocationUnavailable, match="revocation data .* cannot be had now"):
        signing.sign(html_to_pdf("<html><body><p>争议处理决定书</p></body></html>"), "ruling")


def test_only_the_root_of_a_configured_chain_is_trusted_never_the_signing_certificate_itself(
        app_ctx, config, local_ca):
    """asn1crypto's `self_signed` is "no" / "maybe" / "yes": a truthiness test took every certificate of the chain,
    the platform's own leaf included, for a root, and the leaf's chain was never checked."""
    local_ca.configure(config)
    roots = signing.trust_roots()
    (root,) = load_certs((local_ca.root_file,))
    assert [c.sha256 for c in roots] == [root.sha256]
