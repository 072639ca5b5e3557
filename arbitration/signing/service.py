"""The app's signing: settings from its configuration, sign a rendered document, verify a file."""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from arbitration.signing import pades, verify as checks
from arbitration.signing.tsa import Tsa, gen_time as tsa_gen_time, timestamp_digest


def _blocking(fn, /, *args, **kwargs):
    """Call pyHanko's synchronous API, which runs its own event loop (asyncio.run): in a thread of its own when the
    caller's thread already runs a loop (an async server, or Playwright's sync API in the test process), where
    asyncio.run would refuse."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(functools.partial(fn, *args, **kwargs)).result()


def settings() -> pades.Settings:
    ext = current_app.extensions.setdefault("signing", {})
    read = ("PUBLIC_URL", "PLATFORM_NAME", "INSTANCE_PATH")        # with SIGNING_* and TSA_*: all settings_from reads
    key = tuple(sorted((k, str(v)) for k, v in current_app.config.items()
                       if k.startswith(("SIGNING_", "TSA_")) or k in read))
    if ext.get("key") != key:
        ext["key"], ext["settings"] = key, pades.settings_from(current_app.config)
    return ext["settings"]


def sign(data: bytes, document: str) -> bytes:
    """`data` signed as the platform (PAdES; with a trusted timestamp when an authority is configured)."""
    return _blocking(pades.sign_pdf, data, settings(), document)


def trust_roots() -> list:
    """Whose signatures count as the platform's: the root of the configured chain (the development
    certificate is its own root), and the certificates ARBITRATION_SIGNING_TRUST names (earlier keys)."""
    signer = pades._signer(settings().files)
    chain = [signer.signing_cert, *signer.cert_registry]
    roots = [c for c in chain if c.self_signed != "no"] or [chain[-1]]      # asn1crypto: "no", "maybe", "yes"
    return roots + checks.load_certs(current_app.config.get("SIGNING_TRUST") or ())


def tsa_roots() -> list:
    return checks.load_certs(current_app.config.get("TSA_CA") or ())


def tsa() -> Tsa | None:
    return pades.tsa_from(current_app.config)


def verify(data: bytes, now: dt.datetime | None = None) -> checks.Report:
    return _blocking(checks.verify_pdf, data, trust_roots(), tsa_roots(), now=now)


def stamp(sha256: bytes) -> bytes:
    """The configured authority's TimeStampResp for a digest (TsaUnavailable; LookupError without one)."""
    authority = tsa()
    if authority is None:
        raise LookupError("no time stamping authority is configured (ARBITRATION_TSA_URL)")
    return _blocking(timestamp_digest, authority, sha256)


def check_timestamp(response_der: bytes, digest: bytes) -> checks.TokenCheck:
    return _blocking(checks.check_timestamp, response_der, digest, tsa_roots())


def gen_time(response_der: bytes) -> dt.datetime:
    """The time a stored TimeStampResp states (the authority's clock)."""
    return tsa_gen_time(response_der)
