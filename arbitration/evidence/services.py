"""Evidence: stream a file to the store (type judged by its bytes), then record it; read it back; verify."""
from __future__ import annotations

import codecs
import datetime as dt
import io
import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit import events
from arbitration.audit.services import record_event
from arbitration.db import db
from arbitration.errors import Conflict, InvalidInput, NotAllowed
from arbitration.evidence.models import AUTO_KIND, KIND_BY_TYPE, KINDS, Evidence
from arbitration.evidence.permissions import party_of
from arbitration.evidence.sniff import ACCEPTED, ContentInspector, Empty, Refused, safe_display_name
from arbitration.orders.escalations import open_escalation
from arbitration.orders.models import OrderRequest
from arbitration.jobs.queue import every_minute, job
from arbitration.signing import service as signing
from arbitration.signing.tsa import TsaUnavailable
from arbitration.storage import ObjectMissing, TooLarge, new_key
from arbitration.storage import app_store as store
from arbitration.web_format import format_local

log = logging.getLogger(__name__)
MB = 1024 * 1024
BODY_SLACK = 1 * MB     # an upload's body beyond its files: the fields (each at most 64 KiB) and the part headers
KEEP_FOR = dt.timedelta(days=3 * 366)   # kept 3 years after the matter closes; extended when a case closes
TEXT_SHOWN = 200 * 1024    # the bytes of a chat log shown on its page; the rest is downloaded


events.declare({
    "evidence.added": _l("Evidence was added"),
    "evidence.timestamped": _l("A trusted timestamp was obtained for a file of the evidence"),
    "evidence.downloaded": _l("A file of the evidence was downloaded"),
    "evidence.viewed": _l("A file of the evidence was opened"),
})
events.describe("evidence.added", lambda data: _l("Evidence “%(name)s” was added", name=data["name"]))


@dataclass(frozen=True)
class Limits:
    per_file: int
    per_subject: int
    files_per_submission: int


def limits() -> Limits:
    cfg = current_app.config
    return Limits(cfg["EVIDENCE_MAX_FILE_MB"] * MB, cfg["EVIDENCE_MAX_CASE_MB"] * MB, cfg["EVIDENCE_MAX_FILES"])


def max_upload_body() -> int:
    """The largest request body an upload may send: one submission carries at most the per-file limit in all
    (several files may share it), plus the form. Checked against Content-Length before a byte is read, bounded by
    the server (`flask serve`) and by the proxy in front of it (docs/DEPLOYMENT.md)."""
    return limits().per_file + BODY_SLACK


def upload_refusal(subject, content_length: int | None):
    """Why a request body of `content_length` bytes is refused before it is read (a lazy message, for the
    status 413), or None. A body without a length is bounded while it streams instead."""
    if content_length is None:
        return None
    lim = limits()
    if content_length > max_upload_body():
        return _l("The upload is larger than the limit of %(mb)d MB. Shorten the recording, split the file, or "
                  "upload fewer files at a time.", mb=lim.per_file // MB)
    room = lim.per_subject - used_bytes(subject.type, subject.id)
    if content_length > max(room, 0) + BODY_SLACK:
        if room <= 0:
            return _l("This case already holds the maximum of %(mb)d MB of evidence.", mb=lim.per_subject // MB)
        return _l("This file would pass the limit of %(mb)d MB of evidence for this case.", mb=lim.per_subject // MB)
    return None


def accepted_types_text() -> str:
    return ", ".join(_(t.label) for t in ACCEPTED)


def refused_type_message():
    return _l("This file type is not accepted. Accepted: %(types)s.", types=LazyString(accepted_types_text))


def used_bytes(subject_type: str, subject_id) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Evidence.size), 0)).where(
        Evidence.subject_type == subject_type, Evidence.subject_id == str(subject_id))) or 0


@dataclass(frozen=True)
class Subject:
    """What evidence is attached to: an order request or a case. `window(party, now)` answers
    (uploads accepted, uploads late); `log` is the event chain the upload is written to."""
    type: str
    id: int
    order: object
    window: object          # callable(party, now) -> (bool, bool)
    log: tuple[str, int]
    # the other subjects whose files are the same set of files (a case: the request it came from): a file filed
    # there is not filed again here
    same_files: tuple[tuple[str, str], ...] = ()


def request_subject(req: OrderRequest) -> Subject:
    def window(party, now):
        # while the request is open; afterwards as long as the order may still go to a case (late)
        if req.is_open:
            return True, False
        return open_escalation(req.order, now) is not None, True

    return Subject("order_request", req.id, req.order, window, ("order", req.order_id))


def accepts_from(actor, subject: Subject, now: dt.datetime | None = None) -> bool:
    """Whether `actor` may add a file to `subject` now (the page shows the form only then)."""
    party = party_of(actor, subject.order)
    return party is not None and subject.window(party, now or clock.now_utc())[0]


def check_can_add(actor, subject: Subject, now: dt.datetime) -> tuple[str, bool]:
    """The uploader's party and whether the upload is late; refuses strangers and closed subjects."""
    party = party_of(actor, subject.order)
    if party is None:
        raise NotAllowed(_l("Only the buyer and the merchant of this order can add evidence."))
    accepted, late = subject.window(party, now)
    if not accepted:
        raise Conflict(_l("Evidence can no longer be added here."))
    return party, late


def check_kind(kind: str, *, auto: bool = False) -> str:
    """A kind the uploader chose; `auto` (the web form's default) lets the server choose it from the sniffed type."""
    if kind not in KINDS and not (auto and kind == AUTO_KIND):
        raise InvalidInput(_l("Choose what the file shows."), field="kind")
    return kind


def kind_for(kind: str, sniffed_kind: str) -> str:
    """The kind recorded: the uploader's choice, or for `auto` the one the sniffed type suggests (an image is a
    screenshot, a video a screen recording, text a chat log; a PDF may be an order record or a payment receipt,
    so it is "other" until the uploader says which)."""
    return KIND_BY_TYPE.get(sniffed_kind, "other") if kind == AUTO_KIND else kind


def first_filed(scopes, sha256: str) -> Evidence | None:
    """The earliest file with these bytes among the subjects `scopes` ((type, id) pairs), if any."""
    return db.session.scalar(sa.select(Evidence).where(
        Evidence.sha256 == sha256, Evidence.withdrawn.is_(False),
        sa.or_(*(sa.and_(Evidence.subject_type == t, Evidence.subject_id == str(i)) for t, i in scopes)))
        .order_by(Evidence.created_at, Evidence.id).limit(1))


def _refuse_a_second_copy(subject: Subject):
    """The store's last check before it keeps a file: the same bytes filed already in this case (or with the request
    it came from), or in this request, are refused with the name and the time of the first."""
    scopes = ((subject.type, str(subject.id)), *subject.same_files)

    def accept(_size: int, sha256: str) -> None:
        first = first_filed(scopes, sha256)
        if first is not None:
            raise Conflict(_l("This file was submitted already as “%(name)s” on %(when)s.", name=first.display_name,
                              when=LazyString(lambda: format_local(first.created_at))), field="files")
    return accept


def add_file(actor, subject, *, filename: str, chunks: Iterable[bytes] | Iterator[bytes], kind: str,
             description: str = "", pending_bytes: int = 0, now: dt.datetime | None = None) -> Evidence:
    """Stream one file to the store under a fresh key, then write its row (CONVENTIONS #3: a failure
    leaves at most an orphan object, which `flask evidence cleanup` removes, never a row without a file).
    `subject` is a Subject, or an OrderRequest."""
    now = now or clock.now_utc()
    if isinstance(subject, OrderRequest):
        subject = request_subject(subject)
    party, late = check_can_add(actor, subject, now)
    check_kind(kind, auto=True)
    lim = limits()
    room = lim.per_subject - used_bytes(subject.type, subject.id) - pending_bytes
    if room <= 0:
        raise InvalidInput(_l("This case already holds the maximum of %(mb)d MB of evidence.",
                              mb=lim.per_subject // MB))
    max_bytes = min(lim.per_file, room)
    inspector = ContentInspector()
    backend = store()
    key = new_key("evidence", now)
    try:
        stored = backend.put_stream(key, chunks, max_bytes=max_bytes, inspector=inspector,
                                    retain_until=now + KEEP_FOR, accept=_refuse_a_second_copy(subject))
    except Empty as exc:       # before the type: an empty file is no type at all
        raise InvalidInput(_l("The file is empty."), field="files") from exc
    except Refused as exc:
        log.info("refused upload %r: %s", filename, exc.reason)
        raise InvalidInput(refused_type_message(), field="files") from exc
    except TooLarge as exc:
        if max_bytes < lim.per_file:
            raise InvalidInput(_l("This file would pass the limit of %(mb)d MB of evidence for this case.",
                                  mb=lim.per_subject // MB), field="files") from exc
        raise InvalidInput(_l("The file is larger than %(mb)d MB. Shorten the recording or split the file.",
                              mb=lim.per_file // MB), field="files") from exc
    if stored.size == 0:
        raise InvalidInput(_l("The file is empty."), field="files")
    sniffed = inspector.result
    kind = kind_for(kind, sniffed.kind)
    row = Evidence(subject_type=subject.type, subject_id=str(subject.id), order_id=subject.order.id, party=party,
                   uploader_id=actor.id, kind=kind, description=(description or "").strip()[:2000],
                   display_name=safe_display_name(filename), mime=sniffed.mime, extension=sniffed.extension,
                   charset=sniffed.charset, size=stored.size, sha256=stored.sha256, storage_backend=backend.scheme,
                   storage_key=stored.key, created_at=now, late=late, withdrawn=False,
                   retained_until=stored.retained_until)
    db.session.add(row)
    db.session.flush()
    record_event(subject.log[0], subject.log[1], actor, "evidence.added",
                 {"evidence_id": row.id, "subject": f"{subject.type}:{subject.id}", "party": party, "kind": kind,
                  "name": row.display_name, "mime": row.mime, "size": row.size, "sha256": row.sha256, "late": late},
                 now=now)
    if signing.tsa() is not None:
        stamp_evidence.enqueue_after_commit(row.id)
    return row


# ---- trusted timestamps of the files' hashes (evidence receipts) ----

STAMP_BATCH = 50
STAMP_AFTER = dt.timedelta(minutes=2)     # the sweep leaves fresh rows to their own job


def stamp(ev: Evidence, now: dt.datetime | None = None) -> bool:
    """Ask the authority to stamp the file's SHA-256; False when none is configured (TsaUnavailable when it is
    down: the caller retries). Writes the token, the time it states, and an event."""
    if ev.tsr is not None:
        return True
    if signing.tsa() is None:
        return False
    response = signing.stamp(bytes.fromhex(ev.sha256))
    ev.tsr, ev.stamped_at = response, signing.gen_time(response)
    subject = ("case", ev.subject_id) if ev.subject_type == "case" else ("order", str(ev.order_id))
    record_event(subject[0], subject[1], None, "evidence.timestamped",
                 {"evidence_id": ev.id, "sha256": ev.sha256, "stamped_at": ev.stamped_at.isoformat()}, now=now)
    db.session.flush()
    return True


@job(retries=5, retry_delay=60)
def stamp_evidence(evidence_id: int) -> None:
    """The receipt's token; the authority being down leaves the row unstamped (usable) and the job retried, then the
    minute's sweep (stamp_pending) until it answers."""
    ev = db.session.get(Evidence, evidence_id, with_for_update=True)
    if ev is not None:
        stamp(ev)


def unstamped(older_than: dt.datetime | None = None, limit: int = STAMP_BATCH) -> list[Evidence]:
    q = sa.select(Evidence).where(Evidence.tsr.is_(None)).order_by(Evidence.id).limit(limit)
    if older_than is not None:
        q = q.where(Evidence.created_at <= older_than)
    return list(db.session.scalars(q))


def stamp_pending(now: dt.datetime | None = None) -> int:
    """Stamp files whose job gave up (the authority was down for long): a batch a minute; stops at the first
    refusal (still down)."""
    if signing.tsa() is None:
        return 0
    done = 0
    for ev in unstamped((now or clock.now_utc()) - STAMP_AFTER):
        try:
            stamp(ev, now)
        except TsaUnavailable as err:
            log.warning("evidence timestamps delayed: %s", err)
            break
        done += 1
    return done


@every_minute("stamp_pending_evidence")
def _stamp_pending_every_minute() -> None:
    stamp_pending()


def evidence_of(req: OrderRequest) -> list[Evidence]:
    return evidence_for("order_request", req.id)


def evidence_for(subject_type: str, subject_id) -> list[Evidence]:
    return list(db.session.scalars(sa.select(Evidence).where(
        Evidence.subject_type == subject_type, Evidence.subject_id == str(subject_id)).order_by(Evidence.id)))


def record_download(actor, evidence: Evidence, now: dt.datetime | None = None) -> None:
    record_event("order", evidence.order_id, actor, "evidence.downloaded", {"evidence_id": evidence.id}, now=now)


def record_view(actor, evidence: Evidence, now: dt.datetime | None = None) -> None:
    """Opened in the browser (a PDF, a video from its start, a chat log's page): the bytes went out as with a
    download. Image previews are not recorded (the pages show them)."""
    record_event("order", evidence.order_id, actor, "evidence.viewed", {"evidence_id": evidence.id}, now=now)


def text_of(evidence: Evidence, limit: int = TEXT_SHOWN) -> tuple[str, bool]:
    """A chat log's first `limit` bytes decoded with the charset sniffed at upload (a character cut at the limit is
    left out), and whether there is more."""
    data = bytearray()
    with store().open_read(evidence.storage_key) as reader:
        while len(data) < limit and (chunk := reader.read(limit - len(data))):
            data += chunk
    cut = evidence.size > len(data)
    decoder = codecs.getincrementaldecoder(evidence.charset or "utf-8")(errors="replace")
    text = decoder.decode(bytes(data), final=not cut)
    return text.removeprefix("\ufeff"), cut


# ---- integrity ----

@dataclass(frozen=True)
class Finding:
    evidence_id: int
    key: str
    problem: str   # "missing" / "mismatch"


def verify(subject: tuple[str, str] | None = None) -> Iterator[tuple[Evidence, Finding | None]]:
    """Re-hash every stored object (or one subject's) against its row."""
    stmt = sa.select(Evidence).order_by(Evidence.id).execution_options(yield_per=200)
    if subject:
        stmt = stmt.where(Evidence.subject_type == subject[0], Evidence.subject_id == subject[1])
    backend = store()
    for ev in db.session.scalars(stmt):
        try:
            digest = backend.sha256_of(ev.storage_key)
        except ObjectMissing:
            yield ev, Finding(ev.id, ev.storage_key, "missing")
            continue
        yield ev, (None if digest == ev.sha256 else Finding(ev.id, ev.storage_key, "mismatch"))


def cleanup(older_than: dt.timedelta = dt.timedelta(hours=1), now: dt.datetime | None = None) -> tuple[int, int]:
    """Remove stored objects that have no row and are older than `older_than` (left by a failed request),
    and partial writes. Returns (orphans removed, partial writes aborted)."""
    now = now or clock.now_utc()
    backend = store()
    cutoff = now - older_than
    removed = 0
    batch: list[str] = []

    def flush_batch() -> int:
        known = set(db.session.scalars(sa.select(Evidence.storage_key).where(Evidence.storage_key.in_(batch))))
        gone = 0
        for key in batch:
            if key not in known:
                backend.delete(key)
                gone += 1
        batch.clear()
        return gone

    for key in backend.iter_keys("evidence", older_than=cutoff):
        batch.append(key)
        if len(batch) >= 500:
            removed += flush_batch()
    if batch:
        removed += flush_batch()
    return removed, backend.abort_incomplete(cutoff)


RECEIPT_README = """证据时间戳回执 / Evidence timestamp receipt

文件 / File: {name}
SHA-256: {sha256}
时间戳机构出具的时间 / Time stated by the time stamping authority: {at} (UTC)

本回执证明：上述 SHA-256 所对应的文件在上述时间已经存在且此后未被改动。核验只需 openssl，不需要本平台：
This receipt proves that the file with the SHA-256 above existed, unchanged, at the time above. Checking it needs
only openssl, not this platform:

  sha256sum "{name}"                  # 应得到 / must print {sha256}
  openssl ts -reply -in receipt.tsr -text
  openssl ts -verify -digest {sha256} -in receipt.tsr -CAfile tsa-root.pem

最后一条命令应输出 "Verification: OK"。tsa-root.pem 是时间戳机构的根证书（若本压缩包未附，请向该机构索取）。
The last command must print "Verification: OK". tsa-root.pem is the authority's root certificate (ask the
authority for it when this archive does not include it).
"""


def receipt(ev: Evidence) -> bytes:
    """A ZIP a party keeps: the authority's token (receipt.tsr), its root certificate when configured, and how to
    check both with openssl alone."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("receipt.tsr", ev.tsr)
        archive.writestr("README.txt", RECEIPT_README.format(name=ev.download_name, sha256=ev.sha256,
                                                             at=ev.stamped_at.strftime("%Y-%m-%d %H:%M:%S")))
        roots = b"".join(open(path, "rb").read() for path in current_app.config.get("TSA_CA") or ())
        if roots:
            archive.writestr("tsa-root.pem", roots)
    return out.getvalue()
