"""Checking a document anyone holds: the platform's signature on it (arbitration.signing.verify) and whether it
is a ruling issued here (its SHA-256 in our records), each check explained in plain words."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from arbitration.rulings import services
from arbitration.signing import service as signing
from arbitration.signing.verify import ABSENT, FAIL, OK, Report


@dataclass(frozen=True)
class Explained:
    key: str
    state: str          # ok, fail, absent
    title: str
    meaning: str


TITLES = {"signature": _l("Electronic signature"), "unchanged": _l("Unchanged since signing"),
          "certificate": _l("Signed by the platform"), "timestamp": _l("Trusted time"),
          "record": _l("In our records")}


def _meaning(key: str, state: str, reason: str, report: Report, found) -> str:
    if key == "signature":
        if state == OK:
            return str(_l("The signature is mathematically valid: it was made with the private key of the "
                          "certificate of %(signer)s.", signer=report.signer))
        return str(_l("The signature does not match the file: it was not made by that key, or it is damaged."))
    if key == "unchanged":
        if state == OK:
            return str(_l("Not one byte changed since signing: the signature covers the whole file."))
        if reason == "added":
            return str(_l("Something was added to the file after it was signed: what you see may not be what "
                          "was signed."))
        return str(_l("The file was changed after it was signed: its content no longer matches the signature."))
    if key == "certificate":
        if state == OK:
            text = str(_l("The certificate is the platform's: it leads to the root certificate we publish."))
            if report.development:
                text += " " + str(_l("It is a DEVELOPMENT certificate, made for testing: this installation is not "
                                     "a production one."))
            return text
        if reason == "revoked":
            return str(_l("The platform's certificate was revoked: do not rely on this signature."))
        if reason == "expired":
            return str(_l("The certificate had expired when the document was signed."))
        return str(_l("The certificate is not the platform's: whoever signed this is not us."))
    if key == "timestamp":
        if state == OK:
            return str(_l("The time stamping authority %(authority)s confirms that the document existed in this "
                          "form at %(time)s (its own clock, not ours).", authority=report.timestamp_authority,
                          time=report.timestamp_at.strftime("%Y-%m-%d %H:%M:%S UTC")))
        if state == ABSENT:
            return str(_l("No trusted timestamp: the signing time comes from the platform's own clock and no third "
                          "party confirms it (no time stamping authority was configured)."))
        if reason == "untrusted-authority":
            return str(_l("The timestamp was issued by %(authority)s, an authority we do not recognise.",
                          authority=report.timestamp_authority))
        return str(_l("The timestamp does not match the signature: it is damaged or was replaced."))
    if found is not None:
        return str(_l("Our records hold an issued document with exactly this SHA-256: %(number)s.",
                      number=found.number))
    return str(_l("No document issued here has exactly this SHA-256."))


@dataclass(frozen=True)
class Verdict:
    sha256: str
    ruling: object | None
    report: Report
    checks: tuple[Explained, ...]

    @property
    def valid(self) -> bool:
        """Issued here and nothing failed (a ruling issued before documents were signed has no signature: its
        hash in our records is then the only check, and the page says so)."""
        return self.ruling is not None and all(c.state != FAIL for c in self.checks)

    @property
    def signed(self) -> bool:
        return self.report.signed


def check(data: bytes) -> Verdict:
    sha, ruling = services.find_by_pdf([data])
    report = signing.verify(data)
    explained = [Explained(c.key, c.state, str(TITLES[c.key]), _meaning(c.key, c.state, c.reason, report, ruling))
                 for c in report.checks]
    explained.append(Explained("record", OK if ruling else FAIL, str(TITLES["record"]),
                               _meaning("record", "", "", report, ruling)))
    return Verdict(sha, ruling, report, tuple(explained))
