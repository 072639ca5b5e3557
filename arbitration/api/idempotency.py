"""Idempotency keys for the API's POSTs. The key is reserved in the request's own transaction, so the response
it records and the changes it made commit together (or not at all): a repeat with the same key and the same
request gets the recorded response, a different request with the same key is refused, and a request that failed
recorded nothing (its repeat simply runs again, with nothing to undo). Keys are kept 24 hours at least."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from arbitration import clock
from arbitration.api.errors import ApiError
from arbitration.api.models import IdempotencyKey
from arbitration.db import db

HEADER = "Idempotency-Key"
KEEP = dt.timedelta(hours=24)
_VALID = re.compile(r"[\x21-\x7e]{1,200}")


def json_fingerprint(method: str, path: str, body) -> str:
    """The same JSON (whatever its key order or spacing) to the same route is the same request."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode("utf-8")).hexdigest()


def check_key(key: str) -> str:
    if not _VALID.fullmatch(key):
        raise ApiError("idempotency_key_invalid")
    return key


def reserve(client_id: int, key: str, now: dt.datetime | None = None) -> IdempotencyKey | None:
    """None when this request holds the key now (run it, then `record`); else the earlier request's row.
    A concurrent request with the same key waits for the first one's commit (the unique index) and then finds
    its row."""
    now = now or clock.now_utc()
    check_key(key)
    session = db.session
    session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.client_id == client_id,
                                                    IdempotencyKey.key == key, IdempotencyKey.expires_at <= now))
    found = _find(client_id, key)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            session.add(IdempotencyKey(client_id=client_id, key=key, fingerprint="", status=0, response_json="",
                                       created_at=now, expires_at=now + KEEP))
    except sa_exc.IntegrityError:
        found = _find(client_id, key)
        if found is None:          # the other request rolled back between our insert and this read: retry later
            raise ApiError("idempotency_key_in_use")
        return found
    return None


def _find(client_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.client_id == client_id,
                                                             IdempotencyKey.key == key)
                             .execution_options(populate_existing=True))


def record(client_id: int, key: str, fingerprint: str, status: int, body: dict) -> None:
    row = _find(client_id, key)
    row.fingerprint, row.status = fingerprint, status
    row.response_json = json.dumps(body, ensure_ascii=False, sort_keys=True)
    db.session.flush()


def replay(row: IdempotencyKey, fingerprint: str) -> tuple[int, dict]:
    """The recorded response for the same request; 409 for another request under the same key."""
    if row.status == 0:
        raise ApiError("idempotency_key_in_use")
    if row.fingerprint != fingerprint:
        raise ApiError("idempotency_key_reused")
    return row.status, json.loads(row.response_json)


def purge(now: dt.datetime | None = None) -> int:
    """Drop keys past their 24 hours (the periodic job and `flask api purge-keys`)."""
    now = now or clock.now_utc()
    return db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now)).rowcount or 0
