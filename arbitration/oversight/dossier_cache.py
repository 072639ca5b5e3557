"""A case's dossier kept in the object store by the case's state: a second download of an unchanged case is read
back (milliseconds) instead of rendered again (0.7–2.3 s).

The key is (case id, the case's last event: seq and hash, the dossier's `variant`, whatever else the caller says
changes the bytes: the exporter printed on the cover, evidence attached or not; and the latest anchor, which the
dossier names). Every change to a case writes an
event on its chain, so a new event means a new key; the dossier's own downloads (`case.dossier_exported`) are not
changes of the case and do not count. A hit is served only while the case's chain still verifies (a walk of its few
events): a chain broken since the copy was made is rendered again, so the dossier says so. The copy keeps the time of
its rendering on its cover (the same document for the same state of the case); each download is still logged by the
caller. Older copies of the case are removed when a new one is stored."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

import sqlalchemy as sa

from arbitration.audit import anchors
from arbitration.audit.chain import GENESIS, canonical_json
from arbitration.audit.models import Event
from arbitration.audit.services import verify_subject
from arbitration.db import db
from arbitration.storage import app_store
from arbitration.storage.base import KeyExists, StorageError

log = logging.getLogger(__name__)
PREFIX = "dossier-cache"
NOT_CHANGES = ("case.dossier_exported",)


def last_change(case_id: int) -> tuple[int, str]:
    """The seq and hash of the case's last event that changed it (its chain's index, read backwards)."""
    row = db.session.execute(
        sa.select(Event.seq, Event.hash).where(Event.subject_type == "case", Event.subject_id == str(case_id),
                                               Event.action.not_in(NOT_CHANGES))
        .order_by(Event.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def key_of(case_id: int, variant: str = "default", extra: tuple = ()) -> str:
    seq, digest = last_change(case_id)
    anchor = anchors.latest_id()     # the dossier shows the last anchor covering the case: a new anchor, a new copy
    name = hashlib.sha256(canonical_json([case_id, seq, digest, variant, list(extra), anchor]).encode()).hexdigest()
    return f"{PREFIX}/{case_id}/{name}.pdf"


def forget(case_id: int) -> None:
    """Remove every stored copy of the case's dossier (its personal information purged: no copy may keep it). Done
    at once, not after commit: a copy removed by a purge that then fails is only rendered again."""
    store = app_store()
    for old in list(store.iter_keys(f"{PREFIX}/{case_id}/")):
        store.delete(old)


def dossier_bytes(case, build: Callable[[], bytes], *, variant: str = "default", extra: tuple = ()) -> bytes:
    """The dossier `build()` makes for the case in its current state, read from the store when it was made before.
    A store that fails is no reason to refuse the download: the dossier is rendered (and not kept)."""
    key = key_of(case.id, variant, extra)
    store = app_store()
    try:
        if store.exists(key) and verify_subject("case", case.id).intact:
            with store.open_read(key) as fh:
                return fh.read()
    except StorageError:
        log.warning("dossier cache unreadable for case %s", case.id, exc_info=True)
    data = build()
    try:
        for old in list(store.iter_keys(f"{PREFIX}/{case.id}/")):
            if old != key:
                store.delete(old)
        store.put_stream(key, data, max_bytes=len(data) + 1, content_type="application/pdf")
    except KeyExists:
        pass                                # another request stored the same dossier a moment ago
    except StorageError:
        log.warning("dossier cache not written for case %s", case.id, exc_info=True)
    return data
