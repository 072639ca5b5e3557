"""What anyone can check on a signed PDF, with pyHanko's validator: the signature itself, that no byte changed
or was added after signing, that the certificate is the platform's (its chain ends at a root we publish), and
the RFC 3161 timestamp's time and authority. Results are codes and facts; the words are the caller's."""
from __future__ import annotations

import asyncio
import datetime as dt
import io
from dataclasses import dataclass, field

from asn1crypto import tsp
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

OK, FAIL, ABSENT = "ok", "fail", "absent"


@dataclass(frozen=True)
class Check:
    key: str          # "signature", "unchanged", "certificate", "timestamp"
    state: str        # OK, FAIL, ABSENT (no timestamp: not a failure, but said)
    reason: str = ""  # a code for the failure: "revoked", "expired", "untrusted", "added", "altered", ...


@dataclass(frozen=True)
class Report:
    signed: bool
    checks: tuple[Check, ...] = ()
    signer: str = ""
    signer_certificate_sha256: str = ""
    development: bool = False
    signer_reported_at: dt.datetime | None = None
    timestamp_at: dt.datetime | None = None
    timestamp_authority: str = ""
    reason: str = ""
    problem: str = ""       # the file could not be read as a PDF
    extra: dict = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.signed and all(c.state != FAIL for c in self.checks)

    def check(self, key: str) -> Check | None:
        return next((c for c in self.checks if c.key == key), None)


def load_certs(paths) -> list:
    """asn1crypto certificates from PEM or DER files (a file may hold several PEM certificates)."""

    return list(load_certs_from_pemder(list(paths))) if paths else []


def _name(cert) -> str:
    subject = cert.subject.native
    return subject.get("common_name") or subject.get("organization_name") or cert.subject.human_friendly


def _validation_data_only(status) -> bool:
    """The signed revision is followed only by validation data (the security store a PAdES B-LT signature adds
    after signing: certificates, CRLs, OCSP answers), which changes nothing a reader sees."""
    return status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and \
        status.modification_level == ModificationLevel.LTA_UPDATES


def verify_pdf(data: bytes, trust_roots: list, tsa_roots: list, now: dt.datetime | None = None) -> Report:

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as err:
        return Report(False, problem=f"{type(err).__name__}: {err}"[:200])
    if not signatures:
        return Report(False)
    sig = signatures[-1]
    moment = now or dt.datetime.now(dt.timezone.utc)
    vc = ValidationContext(trust_roots=trust_roots, allow_fetching=False, moment=moment)
    tvc = ValidationContext(trust_roots=tsa_roots, allow_fetching=False, moment=moment)
    try:
        status = validate_pdf_signature(sig, signer_validation_context=vc, ts_validation_context=tvc)
    except (SignatureValidationError, PdfReadError, ValueError, KeyError, TypeError) as err:
        return Report(True, (Check("signature", FAIL, "unreadable"),), problem=f"{type(err).__name__}: {err}"[:200])
    cert = status.signing_cert
    checks = [Check("signature", OK if status.valid else FAIL, "" if status.valid else "bad-signature")]
    if not status.intact:
        checks.append(Check("unchanged", FAIL, "altered"))
    elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE and not _validation_data_only(status):
        checks.append(Check("unchanged", FAIL, "added"))
    else:
        checks.append(Check("unchanged", OK))
    not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    if status.trusted:
        checks.append(Check("certificate", OK))
    elif status.revoked:
        checks.append(Check("certificate", FAIL, "revoked"))
    elif not_after < (status.timestamp_validity.timestamp if status.timestamp_validity else moment):
        checks.append(Check("certificate", FAIL, "expired"))
    else:
        checks.append(Check("certificate", FAIL, "untrusted"))
    ts = status.timestamp_validity
    ts_at, authority = None, ""
    if ts is None:
        checks.append(Check("timestamp", ABSENT))
    else:
        ts_at, authority = ts.timestamp, _name(ts.signing_cert)
        if not (ts.valid and ts.intact):
            checks.append(Check("timestamp", FAIL, "bad-timestamp"))
        elif not ts.trusted:
            checks.append(Check("timestamp", FAIL, "untrusted-authority"))
        else:
            checks.append(Check("timestamp", OK))
    reason = str(sig.sig_object.get("/Reason", ""))
    return Report(True, tuple(checks), signer=_name(cert), signer_certificate_sha256=cert.sha256.hex(),
                  development="DEVELOPMENT" in reason, signer_reported_at=status.signer_reported_dt,
                  timestamp_at=ts_at, timestamp_authority=authority, reason=reason)


@dataclass(frozen=True)
class TokenCheck:
    ok: bool
    at: dt.datetime | None
    authority: str
    reason: str = ""     # "imprint" (stamps other data), "signature", "untrusted-authority", "unreadable"


def check_timestamp(response_der: bytes, digest: bytes, tsa_roots: list) -> TokenCheck:
    """Whether a stored TimeStampResp stamps `digest` (SHA-256), signed by an authority chaining to `tsa_roots`."""
    try:
        token = tsp.TimeStampResp.load(response_der)["time_stamp_token"]
        signed = token["content"]
        tst = signed["encap_content_info"]["content"].parsed
        at = tst["gen_time"].native
        if tst["message_imprint"]["hashed_message"].native != digest:
            return TokenCheck(False, at, "", "imprint")
        vc = ValidationContext(trust_roots=tsa_roots, allow_fetching=False)
        status = asyncio.run(validate_tst_signed_data(signed, vc, lambda _algo: digest))
    except (ValueError, KeyError, TypeError, SignatureValidationError) as err:
        return TokenCheck(False, None, "", f"unreadable: {err}"[:120])
    authority = _name(status["signing_cert"]) if status.get("signing_cert") is not None else ""
    if not (status.get("valid") and status.get("intact", True)):
        return TokenCheck(False, at, authority, "signature")
    path_ok = status.get("trust_problem_indic") is None
    return TokenCheck(path_ok, at, authority, "" if path_ok else "untrusted-authority")
