"""Reading the text out of evidence files, in a background job after the upload's commit: chat logs decoded with
the charset sniffed at upload, PDFs' text layer (pypdf), screenshots machine-read (ocr.py, marked as such wherever
shown). The text is kept beside the file (evidence_texts), never replacing it; writing it re-indexes the case
(index.py)."""
from __future__ import annotations

import io
import logging

import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy import event
from sqlalchemy.orm import Session

from arbitration import clock
from arbitration.db import db
from arbitration.evidence.models import Evidence
from arbitration.evidence.services import text_of
from arbitration.jobs.queue import job
from arbitration.search import ocr
from arbitration.search.models import EvidenceText
from arbitration.storage import app_store as store

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 200_000      # kept and indexed per file: more than any chat log or statement in a dispute
MAX_PDF_PAGES = 50
MAX_READ_BYTES = 1024 * 1024  # a chat log's bytes decoded
_NEW = "search.new_evidence"


def readable(evidence: Evidence) -> str | None:
    """How a file's text is read: 'text', 'pdf', 'ocr' (raster images), or None (video, damaged rows)."""
    return {"text": "text", "pdf": "pdf", "image": "ocr"}.get(evidence.viewer or "")


@event.listens_for(Session, "after_flush")
def _note_new_files(session: Session, _context) -> None:
    for obj in session.new:
        if isinstance(obj, Evidence) and readable(obj):
            session.info.setdefault(_NEW, set()).add(obj.id)


@event.listens_for(Session, "before_commit")
def _ask_for_reading(session: Session) -> None:
    """One job per new file, through the outbox: queued with the upload's commit, never without it."""
    for evidence_id in sorted(session.info.pop(_NEW, ())):
        read_evidence_text.enqueue_after_commit(evidence_id)


def read_text(evidence: Evidence) -> tuple[str, str]:
    """(method, text) of one file; raises on a file that cannot be read."""
    method = readable(evidence)
    if method == "text":
        text, _cut = text_of(evidence, limit=MAX_READ_BYTES)
    elif method == "pdf":
        text = pdf_text(_bytes(evidence))
    elif method == "ocr":
        text = ocr.read_image(_bytes(evidence)).text
    else:
        raise ValueError(f"no text to read in {evidence.mime}")
    return method, text[:MAX_TEXT_CHARS]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    parts = []
    for page in reader.pages[:MAX_PDF_PAGES]:
        parts.append(page.extract_text() or "")
        if sum(map(len, parts)) > MAX_TEXT_CHARS:
            break
    return "\n".join(p.strip() for p in parts if p.strip())


def _bytes(evidence: Evidence) -> bytes:
    with store().open_read(evidence.storage_key) as reader:
        return reader.read()


def store_text(evidence_id: int) -> EvidenceText | None:
    """Read the file and keep its text (or that it has none, or why it could not be read). Run again, it keeps
    what it read the first time. The reading (OCR: seconds) runs outside any transaction: on SQLite a transaction
    holds the write lock from its start, and every request would wait for the engine."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or db.session.get(EvidenceText, evidence_id) is not None:
        return db.session.get(EvidenceText, evidence_id) if evidence is not None else None
    db.session.expunge(evidence)          # keeps the loaded columns the reading needs
    db.session.rollback()                 # ends the read transaction before the slow part
    now = clock.now_utc()
    try:
        method, text = read_text(evidence)
        text = text.strip()
        row = EvidenceText(evidence_id=evidence_id, method=method, state="done" if text else "empty", text=text,
                           read_at=now)
    except Exception as err:   # a damaged PDF, an image the engine refuses: noted, the file stays as it was
        log.warning("evidence %s: text not read: %s", evidence_id, err)
        row = EvidenceText(evidence_id=evidence_id, method=readable(evidence) or "text", state="failed", text="",
                           error=f"{type(err).__name__}: {err}"[:300], read_at=now)
    done = db.session.get(EvidenceText, evidence_id)     # another consumer read it meanwhile
    if done is not None:
        return done
    db.session.add(row)
    db.session.flush()
    return row


@job(retries=2, retry_delay=60)
def read_evidence_text(evidence_id: int) -> None:
    store_text(evidence_id)


def unread(limit: int = 500) -> list[int]:
    """Files whose text has not been read yet (uploads before this feature, or a job that was lost)."""
    done = sa.select(EvidenceText.evidence_id).where(EvidenceText.evidence_id == Evidence.id)
    return [row.id for row in db.session.scalars(
        sa.select(Evidence).where(~sa.exists(done), Evidence.withdrawn.is_(False),
                                  sa.or_(Evidence.mime.like("text/%"), Evidence.mime.like("image/%"),
                                         Evidence.mime == "application/pdf"))
        .order_by(Evidence.id).limit(limit)) if readable(row)]
