"""An RFC 3161 time stamping client over httpx (the app's HTTP client; pyHanko's own clients would add
aiohttp or requests): used by pyHanko while signing (PAdES B-T) and, for evidence receipts and the record's
anchors, to timestamp a bare SHA-256 digest and keep the authority's whole response (a .tsr file that
`openssl ts -verify` checks alone)."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx
from asn1crypto import tsp
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError, handle_tsp_response, set_tsp_headers

TIMEOUT_SECONDS = 10


class TsaUnavailable(Exception):
    """The authority did not answer, or refused: the caller retries later."""


@dataclass(frozen=True)
class Tsa:
    url: str
    username: str | None = None
    password: str | None = None


_client: httpx.Client | None = None


def client() -> httpx.Client:
    """One HTTP client per process (a new one per request would rebuild its TLS context each time)."""
    global _client
    if _client is None:
        _client = httpx.Client()
    return _client


class HttpxTimeStamper(TimeStamper):
    def __init__(self, tsa: Tsa, timeout: float = TIMEOUT_SECONDS):
        super().__init__()
        self.tsa, self.timeout = tsa, timeout

    def post(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        auth = (self.tsa.username, self.tsa.password or "") if self.tsa.username else None
        try:
            res = client().post(self.tsa.url, content=req.dump(), headers=set_tsp_headers({}), auth=auth,
                                timeout=self.timeout)
        except httpx.HTTPError as err:
            raise TsaUnavailable(f"the time stamping authority {self.tsa.url} did not answer: {err}") from err
        if res.status_code != 200 or res.headers.get("content-type", "").split(";")[0] != \
                "application/timestamp-reply":
            raise TsaUnavailable(f"the time stamping authority {self.tsa.url} answered HTTP {res.status_code} "
                                 f"({res.headers.get('content-type', 'no content type')})")
        return tsp.TimeStampResp.load(res.content)

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return await asyncio.to_thread(self.post, req)


def timestamp_digest(tsa: Tsa, sha256: bytes) -> bytes:
    """The authority's DER-encoded TimeStampResp for a SHA-256 digest (checked: granted, the nonce and the
    digest echoed). TsaUnavailable when it cannot be had now."""
    stamper = HttpxTimeStamper(tsa)
    nonce, req = stamper.request_cms(sha256, "sha256")
    res = stamper.post(req)
    try:
        token = handle_tsp_response(res, nonce)
    except TimestampRequestError as err:
        raise TsaUnavailable(f"the time stamping authority refused: {err}") from err
    imprint = token["content"]["encap_content_info"]["content"].parsed["message_imprint"]
    if imprint["hashed_message"].native != sha256:
        raise TsaUnavailable("the time stamping authority stamped another digest")
    return res.dump()


def token_of(response_der: bytes):
    """(the timestamp token as CMS ContentInfo, its TSTInfo) of a stored TimeStampResp."""
    res = tsp.TimeStampResp.load(response_der)
    token = res["time_stamp_token"]
    return token, token["content"]["encap_content_info"]["content"].parsed


def gen_time(response_der: bytes):
    return token_of(response_der)[1]["gen_time"].native
