"""Webhook signatures, both ways (pure): HMAC-SHA256 over "<timestamp>.<body>" with the client's secret, sent as
`X-KM-Timestamp: <unix seconds>` and `X-KM-Signature: v1=<hex>` (several v1= values, comma-separated, while a
secret is being rotated). A receiver refuses a timestamp outside its window, so a captured request cannot be
replayed later; within the window the event id catches repeats."""
from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-KM-Timestamp"
SIGNATURE_HEADER = "X-KM-Signature"
WINDOW_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}


def problem(secret: str, timestamp_header: str | None, signature_header: str | None, body: bytes, now: int,
            window: int = WINDOW_SECONDS) -> str | None:
    """None when the request is signed with `secret` within the window; else "bad_signature" or
    "stale_timestamp" (the signature is checked first: an unsigned request learns nothing about the clock)."""
    try:
        timestamp = int((timestamp_header or "").strip())
    except ValueError:
        return "bad_signature"
    expected = signature(secret, timestamp, body)
    offered = [part.strip() for part in (signature_header or "").split(",") if part.strip()]
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        return "bad_signature"
    if abs(now - timestamp) > window:
        return "stale_timestamp"
    return None
