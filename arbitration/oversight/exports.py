"""Bulk exports for regulators: a background job renders one dossier per matching case on every core and
streams a ZIP (dossiers, a CSV and a JSON manifest, optionally the evidence files) to the object store as it
is built, never holding it whole; progress is committed as it goes and an export can be cancelled."""
from __future__ import annotations

import collections
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import multiprocessing
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from arbitration import access, clock
from arbitration.audit.services import record_event
from arbitration.auth.labels import ROLE_LABELS
from arbitration.auth.models import User
from arbitration.cases import filters
from arbitration.cases import permissions as case_permissions  # noqa: F401  (who sees which case)
from arbitration.cases.filters import CaseFilter
from arbitration.cases.models import Case
from arbitration.cases.services import case_files
from arbitration.db import db
from arbitration.errors import Conflict, Gone, InvalidInput
from arbitration.evidence.sniff import safe_segment
from arbitration import pdf_render
from arbitration.jobs.queue import job
from arbitration.oversight import dossier, tables
from arbitration.cases import messages as case_labels
from arbitration.oversight.messages import EXPORT_STATE_LABELS
from arbitration.oversight.permissions import can_export_unmasked
from arbitration.oversight.rows import case_row
from arbitration.privacy.masking import mask_text
from arbitration.signing import service as signing
from arbitration.oversight.models import Export
from arbitration.oversight.rules import ACTIVE, EXPORT_FLOW
from arbitration.storage import app_store, new_key
from arbitration.web_format import format_local

log = logging.getLogger(__name__)
SUBJECT = "export"
KEEP_FOR = dt.timedelta(days=7)          # the ZIP can be downloaded for a week
MAX_ZIP_BYTES = 1 << 40
PROGRESS_EVERY = 10
# the manifest's columns: key (manifest.json, the English header row), Chinese header (manifest.csv)
MANIFEST_COLUMNS = (
    ("case", _l("Case number")), ("order", _l("Order number")), ("merchant", _l("Merchant")),
    ("buyer", _l("Applicant (buyer)")), ("category", _l("Category")), ("origin", _l("How it started")),
    ("state", _l("Stage")), ("outcome", _l("Outcome")), ("claim_remedy", _l("Claim")),
    ("disputed_amount_yuan", _l("Amount in dispute (yuan)")), ("remedies", _l("Remedies ordered")),
    ("opened_at", _l("Opened (Beijing time)")), ("closed_at", _l("Closed (Beijing time)")),
    ("ruled_at", _l("Ruled (Beijing time)")), ("dossier_sha256", _l("Dossier SHA-256")),
    ("evidence_files", _l("Evidence files")))
MANIFEST_FIELDS = tuple(key for key, _label in MANIFEST_COLUMNS)
LOCAL_SECONDS = "yyyy-MM-dd HH:mm:ss"
MAX_CASE_LIST = 1000                      # cases in one unmasked export


class Cancelled(Exception):
    pass


def matching_ids(f: CaseFilter, user: User | None = None, case_list: list[str] | None = None) -> list[int]:
    """The cases the filter selects among those the user may open (all of them for an operator's command); with
    a case list, exactly the listed cases (still only those the user may open)."""
    stmt = sa.select(Case.id) if user is None else sa.select(Case.id).where(access.visible(user, Case))
    if case_list is not None:
        return list(db.session.scalars(stmt.where(Case.number.in_(case_list)).order_by(Case.id)))
    return list(db.session.scalars(filters.apply(stmt, f).order_by(Case.id)))


def opened_range(f: CaseFilter, user: User | None = None) -> tuple[dt.datetime, dt.datetime] | None:
    """When the first and the last case the filter selects were opened (what an export covers, on its page)."""
    stmt = sa.select(sa.func.min(Case.opened_at), sa.func.max(Case.opened_at))
    if user is not None:
        stmt = stmt.where(access.visible(user, Case))
    first, last = db.session.execute(filters.apply(stmt, f)).one()
    return (first, last) if first else None


def parse_case_list(raw: str) -> list[str]:
    """Case numbers typed one per line (or separated by commas, spaces, 、or ；), each once, in the order typed."""
    seen: dict[str, None] = {}
    for token in raw.replace(",", " ").replace("，", " ").replace("、", " ").replace(";", " ").replace("；", " ").split():
        seen.setdefault(token.strip().upper(), None)
    return list(seen)


def check_unmasked(user: User | None, legal_basis: str, case_list: list[str]) -> None:
    """An unmasked export: a regulator, a stated legal basis, and a list of cases that all exist and are visible."""
    if user is not None and not can_export_unmasked(user):
        raise InvalidInput(_l("Only a regulator may export personal information unmasked."), field="legal_basis")
    if len(legal_basis.strip()) < 4:
        raise InvalidInput(_l("State the legal basis for seeing the personal information (at least 4 characters)."),
                           field="legal_basis")
    if len(legal_basis) > 500:
        raise InvalidInput(_l("The legal basis has at most 500 characters."), field="legal_basis")
    if not case_list:
        raise InvalidInput(_l("List the cases whose personal information you need, one case number a line."),
                           field="case_list")
    if len(case_list) > MAX_CASE_LIST:
        raise InvalidInput(_l("At most %(n)d cases in one unmasked export.", n=MAX_CASE_LIST), field="case_list")
    found = set(db.session.scalars(sa.select(Case.number).where(
        Case.id.in_(matching_ids(CaseFilter(), user, case_list)))))
    missing = [n for n in case_list if n not in found]
    if missing:
        raise InvalidInput(_l("No such case (or not yours to see): %(numbers)s.", numbers="、".join(missing[:10])),
                           field="case_list")


def disclosure_of(export: Export) -> dossier.Disclosure:
    return dossier.MASKED if export.masked else dossier.Disclosure(masked=False, legal_basis=export.legal_basis)


def exporter_of(user: User | None) -> dossier.Exporter:
    if user is None:
        return dossier.Exporter(_("operator"), _("command line"))
    return dossier.Exporter(user.display_name, str(ROLE_LABELS[user.role]))


# ---- asking, cancelling, downloading ----

def request_export(user: User | None, f: CaseFilter, *, with_evidence: bool = False,
                   now: dt.datetime | None = None, enqueue: bool = True, legal_basis: str = "",
                   case_list: list[str] | None = None) -> Export:
    """Ask for an export. Personal information is masked, unless a legal basis is stated: then it is an unmasked
    export of exactly the listed cases, a regulator's only, and the event says who asked, when and why."""
    now = now or clock.now_utc()
    legal_basis = (legal_basis or "").strip()
    unmasked = bool(legal_basis) or case_list is not None
    if unmasked:
        case_list = case_list or []
        check_unmasked(user, legal_basis, case_list)
    total = len(matching_ids(f, user, case_list if unmasked else None))
    if total == 0:
        raise InvalidInput(_l("No case matches this filter: there is nothing to export."))
    export = Export(requested_by_id=getattr(user, "id", None), requested_at=now,
                    filter_json=json.dumps(f.to_json(), sort_keys=True), with_evidence=with_evidence,
                    state=EXPORT_FLOW.check_start("queued"), total=total,
                    legal_basis=legal_basis if unmasked else None,
                    case_list_json=json.dumps(case_list, ensure_ascii=False) if unmasked else None)
    db.session.add(export)
    db.session.flush()
    data = {"filter": f.to_json(), "with_evidence": with_evidence, "cases": total, "masked": not unmasked}
    if unmasked:                     # who (the actor), when (the event's time), why and which cases
        record_event(SUBJECT, export.id, user, "export.unmasked_requested",
                     {**data, "legal_basis": legal_basis, "case_list": case_list}, now=now)
    else:
        record_event(SUBJECT, export.id, user, "export.requested", data, now=now)
    if enqueue:
        run_export.enqueue_after_commit(export.id)
    return export


def cancel(user: User, export: Export, now: dt.datetime | None = None) -> Export:
    if export.state not in ACTIVE:
        raise Conflict(_l("This export has finished already."))
    export.cancel_requested = True
    if export.state == "queued":
        _move(export, "cancelled", now or clock.now_utc())
    record_event(SUBJECT, export.id, user, "export.cancel_requested", {}, now=now)
    db.session.flush()
    return export


def check_download(export: Export, now: dt.datetime | None = None) -> None:
    now = now or clock.now_utc()
    if export.state != "done":
        raise Conflict(_l("This export is not ready: it is %(state)s.", state=EXPORT_STATE_LABELS[export.state]))
    if export.expires_at and export.expires_at <= now:
        raise Gone(_l("This export expired on %(date)s; ask for a new one.",
                      date=format_local(export.expires_at, "yyyy-MM-dd")))


def record_download(user, export: Export, now: dt.datetime | None = None) -> None:
    record_event(SUBJECT, export.id, user, "export.downloaded", {"sha256": export.zip_sha256}, now=now)


def exports_of(user: User, limit: int = 50) -> list[Export]:
    return list(db.session.scalars(sa.select(Export).where(Export.requested_by_id == user.id)
                                   .order_by(Export.id.desc()).limit(limit)))


def _move(export: Export, to: str, now: dt.datetime) -> None:
    """The one place an export's state changes (its table: rules.EXPORT_FLOW), with the time it started or ended."""
    EXPORT_FLOW.move(export, to)
    if to == "running":
        export.started_at = now
    elif EXPORT_FLOW.is_final(to):
        export.finished_at = now


# ---- rendering on every core ----

@dataclass(frozen=True)
class Rendered:
    case_id: int
    number: str
    pdf: bytes
    row: dict


def _yuan(fen: int | None) -> str:
    return f"{(fen or 0) / 100:.2f}"


def _local(at: dt.datetime | None) -> str:
    return format_local(at, LOCAL_SECONDS) if at else ""


def _manifest_row(case: Case, disclosure: dossier.Disclosure = dossier.MASKED) -> dict:
    """One case as the manifest lists it (rows.case_row, masked unless disclosed): labels (not codes), Beijing
    times to the second, the amount in dispute (the order's amount for a full refund, a reissue or a voided fee;
    the sum claimed otherwise)."""
    row = case_row(case, disclosure)
    ruling = row.ruling
    with force_locale("zh"):
        return {"case": case.number, "order": row.order_number, "merchant": row.merchant, "buyer": row.buyer,
                "category": str(case_labels.CATEGORY_LABELS.get(case.category, case.category)),
                "origin": str(case_labels.ORIGIN_LABELS.get(case.origin, case.origin)),
                "state": str(case_labels.STATE_LABELS.get(case.state, case.state.value)),
                "outcome": str(case_labels.OUTCOME_LABELS.get(case.outcome or "open", case.outcome)),
                "claim_remedy": str(case_labels.REMEDY_LABELS.get(case.claim_remedy, case.claim_remedy)),
                "disputed_amount_yuan": _yuan(case.disputed_amount_fen),
                "remedies": "；".join(f"{case_labels.REMEDY_LABELS.get(r['remedy'], r['remedy'])} "
                                     f"{_yuan(r['amount_fen'])}"
                                     for r in ruling.remedies) if ruling else "",
                "opened_at": _local(case.opened_at), "closed_at": _local(case.closed_at),
                "ruled_at": _local(ruling.issued_at) if ruling else ""}


def _read(case_id: int, exporter: dossier.Exporter, exported_at: dt.datetime,
          disclosure: dossier.Disclosure = dossier.MASKED) -> tuple[str, str, dict]:
    """(number, HTML, manifest row) of one dossier; then the read transaction ends, so a long export never holds
    the database (on SQLite every transaction holds the one write lock) while it lays out PDFs or streams."""
    case = db.session.get(Case, case_id)
    found = (case.number, dossier.html(case, exporter, exported_at, disclosure), _manifest_row(case, disclosure))
    db.session.commit()              # only reads happened here: end the transaction
    return found


def render_one(case_id: int, exporter: dossier.Exporter, exported_at: dt.datetime,
               disclosure: dossier.Disclosure = dossier.MASKED) -> Rendered:
    number, page, row = _read(case_id, exporter, exported_at, disclosure)
    return Rendered(case_id, number, signing.sign(pdf_render.html_to_pdf(page, document="dossier"), "dossier"), row)


def render_all(ids: Iterable[int], exporter: dossier.Exporter, exported_at: dt.datetime,
               processes: int | None = None, disclosure: dossier.Disclosure = dossier.MASKED) -> Iterator[Rendered]:
    """Dossiers in order. With one process they are rendered here; with more, this process reads the database
    and writes each dossier's HTML, and a pool of fresh processes (spawned: no inherited connections or
    threads; no app, no database) lays them out as PDFs and signs them with this app's signing settings, at most
    two per process in flight. Every dossier is signed as the single download is (signing.service)."""
    processes = processes or current_app.config.get("EXPORT_PROCESSES") or os.cpu_count() or 1
    if processes <= 1:
        for case_id in ids:
            yield render_one(case_id, exporter, exported_at, disclosure)
        return
    settings = signing.settings()       # read here (the app's configuration), used by every rendering process
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes, initializer=pdf_render.init_worker, initargs=(current_app.instance_path,),
                  maxtasksperchild=500) as pool:
        pending: collections.deque = collections.deque()
        for case_id in ids:
            number, page, row = _read(case_id, exporter, exported_at, disclosure)
            pending.append((case_id, number, row, pool.apply_async(pdf_render.render_in_worker, (page, settings))))
            if len(pending) >= 2 * processes:
                yield _ready(pending.popleft())
        while pending:
            yield _ready(pending.popleft())


RENDER_TIMEOUT = 300    # seconds for one dossier: a rendering process that died never answers


def _ready(item) -> Rendered:
    case_id, number, row, result = item
    return Rendered(case_id, number, result.get(timeout=RENDER_TIMEOUT), row)


# ---- the ZIP, streamed ----

class _Sink(io.RawIOBase):
    """Where zipfile writes: bytes are taken out as they come (no seek: zipfile then writes data descriptors)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._pos = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self._parts.append(bytes(b))
        self._pos += len(b)
        return len(b)

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def member(*segments: str) -> str:
    """A ZIP member's name from its folders and file name, each made safe here whatever the database holds: no
    segment climbs out of its folder (`..`, slashes or backslashes, an absolute or a drive path), carries controls
    or NUL, or is a Windows device name."""
    return "/".join(safe_segment(str(segment)) for segment in segments)


def _info(name: str, when: dt.datetime, compress: bool) -> zipfile.ZipInfo:
    local = when.astimezone(clock.CHINA)
    info = zipfile.ZipInfo(name, date_time=(local.year, local.month, local.day, local.hour, local.minute,
                                            local.second))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    return info


def zip_stream(rendered: Iterable[Rendered], *, exported_at: dt.datetime, with_evidence: bool,
               on_case: Callable[[int], None] = lambda n: None, masked: bool = True) -> Iterator[bytes]:
    """The ZIP's bytes as it is built: dossiers/…pdf, evidence/<case>/… (optional), manifest.csv, manifest.json.
    The manifests are spooled to temporary files, so memory does not grow with the number of cases."""
    sink = _Sink()
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as csv_file, \
            tempfile.TemporaryFile("w+", encoding="utf-8") as json_file:
        csv_file.write(tables.BOM)             # Excel on Chinese Windows reads UTF-8 only with its BOM
        with force_locale("zh"):
            csv.writer(csv_file).writerow([str(label) for _key, label in MANIFEST_COLUMNS])
        writer = csv.DictWriter(csv_file, fieldnames=MANIFEST_FIELDS)
        json_file.write("[\n")
        with zipfile.ZipFile(sink, "w", allowZip64=True) as zf:
            for n, item in enumerate(rendered, start=1):
                zf.writestr(_info(member("dossiers", f"{item.number}.pdf"), exported_at, compress=False), item.pdf)
                yield sink.take()
                files = 0
                if with_evidence:
                    for chunk in _evidence_entries(zf, sink, item.case_id, item.number, exported_at,
                                                   masked):
                        files += 1 if chunk is None else 0
                        if chunk:
                            yield chunk
                row = {**item.row, "dossier_sha256": hashlib.sha256(item.pdf).hexdigest(), "evidence_files": files}
                writer.writerow({k: tables.cell(v) for k, v in row.items()})
                json_file.write((",\n" if n > 1 else "") + json.dumps(row, ensure_ascii=False))
                on_case(n)
            json_file.write("\n]\n")
            for name, fh in (("manifest.csv", csv_file), ("manifest.json", json_file)):
                fh.seek(0)
                with zf.open(_info(name, exported_at, compress=True), "w", force_zip64=True) as dest:
                    while block := fh.read(256 * 1024):
                        dest.write(block.encode("utf-8"))
                        yield sink.take()
            csv_file.seek(0)
            with zf.open(_info("manifest.xlsx", exported_at, compress=False), "w", force_zip64=True) as dest:
                dest.write(_manifest_xlsx(csv_file))
            yield sink.take()
        yield sink.take()


def _manifest_xlsx(csv_file) -> bytes:
    """The manifest as a sheet, from the spooled CSV (its header row, then the rows; amounts and counts as numbers)."""
    reader = csv.reader(csv_file)
    header = [h.lstrip(tables.BOM) for h in next(reader)]
    numeric = {MANIFEST_FIELDS.index("disputed_amount_yuan"): float, MANIFEST_FIELDS.index("evidence_files"): int}

    def typed(row):
        return [numeric[i](v) if i in numeric and v else v for i, v in enumerate(row)]
    with force_locale("zh"):
        title = str(_l("Manifest"))
    return tables.xlsx_bytes(title, header, (typed(r) for r in reader))


def _evidence_entries(zf, sink, case_id: int, number: str, exported_at: dt.datetime, masked: bool = True):
    """Streams each evidence file of the case into the ZIP; yields bytes, and None once per file. In a masked
    export the file names are masked too (with a full-width star: `*` is not allowed in Windows file names)."""
    case = db.session.get(Case, case_id)
    names = dossier.party_names(db.session.get(User, case.buyer_id))
    files = [(f.id, f.download_name, f.storage_key, f.created_at) for f in case_files(case)]
    db.session.commit()              # (reads only) stream without holding a transaction
    for file_id, download_name, key, created_at in files:     # named with the sniffed type's extension
        shown = mask_text(download_name, names).replace("*", "＊") if masked else download_name
        name = member("evidence", number, f"{file_id}-{shown}")
        with app_store().open_read(key) as src, \
                zf.open(_info(name, created_at, compress=False), "w", force_zip64=True) as dest:
            while block := src.read(1024 * 1024):
                dest.write(block)
                yield sink.take()
        yield None


# ---- the job ----

@job(retries=0)
def run_export(export_id: int) -> None:
    build(export_id)


def build(export_id: int, *, processes: int | None = None, progress: Callable[[int, int], None] | None = None
          ) -> Export:
    """Render and store the export. Progress is committed every few cases (and `progress` called); a cancel
    request stops it at the next case and nothing is left in the store. No transaction stays open while
    dossiers are laid out or files streamed."""
    export = db.session.get(Export, export_id)
    if export is None or export.state != "queued":
        return export
    now = clock.now_utc()
    _move(export, "running", now)
    f = CaseFilter.from_json(export.filter)
    requested_by = db.session.get(User, export.requested_by_id) if export.requested_by_id else None
    ids = matching_ids(f, requested_by, export.case_list if not export.masked else None)
    export.total, export.done = len(ids), 0
    exporter, with_evidence, disclosure = exporter_of(requested_by), export.with_evidence, disclosure_of(export)
    db.session.commit()

    def on_case(n: int) -> None:
        """After each case: progress committed every few cases, the cancel flag read every time."""
        if n % PROGRESS_EVERY == 0 or n == len(ids):
            db.session.execute(sa.update(Export).where(Export.id == export_id).values(done=n))
            if progress:
                progress(n, len(ids))
        cancelled = db.session.scalar(sa.select(Export.cancel_requested).where(Export.id == export_id))
        db.session.commit()
        if cancelled:
            raise Cancelled()

    try:
        stored = app_store().put_stream(
            new_key("exports", now),
            zip_stream(render_all(ids, exporter, now, processes, disclosure), exported_at=now,
                       with_evidence=with_evidence,
                       on_case=on_case, masked=disclosure.masked),
            max_bytes=MAX_ZIP_BYTES, content_type="application/zip")
    except Cancelled:
        db.session.rollback()
        export = db.session.get(Export, export_id)
        _move(export, "cancelled", clock.now_utc())
        record_event(SUBJECT, export_id, None, "export.cancelled", {"done": export.done}, now=export.finished_at)
        db.session.commit()
        return export
    except Exception as err:
        log.exception("export %s failed", export_id)
        db.session.rollback()
        export = db.session.get(Export, export_id)
        _move(export, "failed", clock.now_utc())
        export.error = f"{type(err).__name__}: {err}"[:300]
        record_event(SUBJECT, export_id, None, "export.failed", {"error": export.error}, now=export.finished_at)
        db.session.commit()
        return export
    export = db.session.get(Export, export_id)
    finished = clock.now_utc()
    _move(export, "done", finished)
    export.expires_at = finished + KEEP_FOR
    export.zip_key, export.zip_sha256, export.zip_size, export.done = stored.key, stored.sha256, stored.size, len(ids)
    record_event(SUBJECT, export_id, None, "export.done",
                 {"cases": len(ids), "sha256": stored.sha256, "size": stored.size}, now=finished)
    db.session.commit()
    return export
