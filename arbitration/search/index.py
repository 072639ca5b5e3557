"""Keeping the search index current: a case's documents are rebuilt in the same transaction as the change that
touched its text (a new case, a refusal, a message, a ruling, a file, a file's text), from session flush events.
`rebuild` (the `flask search reindex` command) builds it for every case, a batch per transaction."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from arbitration import clock
from arbitration.cases.models import Case, CaseMessage
from arbitration.db import commit, db
from arbitration.evidence.models import Evidence
from arbitration.orders.models import Escalation, OrderRequest
from arbitration.rulings.models import Ruling
from arbitration.search.models import EvidenceText, SearchDocument
from arbitration.search.text import index_words

_DIRTY = "search.dirty_cases"
_PENDING_EVIDENCE = "search.dirty_evidence"
_PENDING_REQUESTS = "search.dirty_requests"
# the columns whose change changes what a case's documents say
_WATCHED = {Case: ("statement", "refusal_reason", "escalation_id"), CaseMessage: ("body", "audience"),
            Ruling: ("facts_found", "reasoning"), Evidence: ("description", "display_name", "subject_id"),
            EvidenceText: ("text",), OrderRequest: ("description", "reason_text", "response_text")}


def _changed(obj, names: Iterable[str]) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context) -> None:
    """What this flush wrote that shows in a case's text (history is still there to read)."""
    cases = session.info.setdefault(_DIRTY, set())
    evidence = session.info.setdefault(_PENDING_EVIDENCE, set())
    requests = session.info.setdefault(_PENDING_REQUESTS, set())
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        kind = type(obj)
        if kind not in _WATCHED or (obj not in session.new and not _changed(obj, _WATCHED[kind])):
            continue
        if kind is Case:
            cases.add(obj.id)
        elif kind in (CaseMessage, Ruling):
            cases.add(obj.case_id)
        elif kind is Evidence:
            evidence.add(obj.id)
        elif kind is EvidenceText:
            evidence.add(obj.evidence_id)
        elif kind is OrderRequest:
            requests.add(obj.id)


@event.listens_for(Session, "after_flush_postexec")
def _reindex_touched(session: Session, _context) -> None:
    cases = session.info.pop(_DIRTY, set())
    evidence = session.info.pop(_PENDING_EVIDENCE, set())
    requests = session.info.pop(_PENDING_REQUESTS, set())
    if not (cases or evidence or requests):
        return
    conn = session.connection()
    if evidence:
        rows = conn.execute(sa.select(Evidence.subject_type, Evidence.subject_id).where(Evidence.id.in_(evidence)))
        for subject_type, subject_id in rows:
            if subject_type == "case":
                cases.add(int(subject_id))
            elif subject_type == "order_request":
                requests.add(int(subject_id))
    if requests:
        cases |= set(conn.scalars(sa.select(Case.id).join(Escalation, Escalation.id == Case.escalation_id)
                                  .where(Escalation.request_id.in_(requests))))
    reindex(conn, sorted(c for c in cases if c is not None))


def reindex(conn: sa.Connection, case_ids: list[int], now: dt.datetime | None = None) -> int:
    """Replace the documents of these cases by what their text says now. Returns the documents written."""
    if not case_ids:
        return 0
    rows = documents(conn, case_ids, now or clock.now_utc())
    conn.execute(sa.delete(SearchDocument).where(SearchDocument.case_id.in_(case_ids)))
    if rows:
        conn.execute(sa.insert(SearchDocument), rows)
    return len(rows)


def _doc(case_id: int, source: str, source_id: int, body: str, now: dt.datetime, restricted: bool = False):
    body = (body or "").strip()
    if not body:
        return None
    return {"case_id": case_id, "source": source, "source_id": source_id, "restricted": restricted,
            "body": body, "words": index_words(body), "indexed_at": now}


def documents(conn: sa.Connection, case_ids: list[int], now: dt.datetime) -> list[dict]:
    """Every document of these cases, read with plain selects (this runs inside a flush)."""
    out: list[dict | None] = []
    cases = conn.execute(sa.select(Case.id, Case.statement, Case.refusal_reason, Escalation.request_id)
                         .outerjoin(Escalation, Escalation.id == Case.escalation_id)
                         .where(Case.id.in_(case_ids))).all()
    request_of = {c.id: c.request_id for c in cases if c.request_id}
    for c in cases:
        out += [_doc(c.id, "statement", c.id, c.statement, now), _doc(c.id, "refusal", c.id, c.refusal_reason, now)]
    if request_of:
        requests = {r.id: r for r in conn.execute(
            sa.select(OrderRequest.id, OrderRequest.reason_text, OrderRequest.description, OrderRequest.response_text)
            .where(OrderRequest.id.in_(set(request_of.values()))))}
        for case_id, request_id in request_of.items():
            r = requests.get(request_id)
            if r is not None:
                out.append(_doc(case_id, "request", r.id, "\n".join(
                    t for t in (r.reason_text, r.description, r.response_text) if t), now))
    for m in conn.execute(sa.select(CaseMessage.id, CaseMessage.case_id, CaseMessage.body, CaseMessage.audience)
                          .where(CaseMessage.case_id.in_(case_ids))):
        out.append(_doc(m.case_id, "message", m.id, m.body, now, restricted=m.audience != "all"))
    for r in conn.execute(sa.select(Ruling.id, Ruling.case_id, Ruling.facts_found, Ruling.reasoning)
                          .where(Ruling.case_id.in_(case_ids))):
        out.append(_doc(r.case_id, "ruling", r.id, f"{r.facts_found}\n{r.reasoning}", now))
    subjects = [sa.and_(Evidence.subject_type == "case", Evidence.subject_id.in_([str(i) for i in case_ids]))]
    if request_of:
        subjects.append(sa.and_(Evidence.subject_type == "order_request",
                                Evidence.subject_id.in_([str(i) for i in request_of.values()])))
    case_of_request: dict[str, list[int]] = {}
    for case_id, request_id in request_of.items():
        case_of_request.setdefault(str(request_id), []).append(case_id)
    for e in conn.execute(sa.select(Evidence.id, Evidence.subject_type, Evidence.subject_id, Evidence.display_name,
                                    Evidence.description, EvidenceText.text)
                          .outerjoin(EvidenceText, EvidenceText.evidence_id == Evidence.id)
                          .where(sa.or_(*subjects))):
        owners = [int(e.subject_id)] if e.subject_type == "case" else case_of_request.get(e.subject_id, [])
        body = "\n".join(t for t in (e.display_name, e.description, e.text) if t)
        for case_id in owners:
            out.append(_doc(case_id, "evidence", e.id, body, now))
    return [d for d in out if d is not None]


def rebuild(batch: int = 500, progress=None) -> int:
    """(Re)build the documents of every case, a batch of cases per transaction (the command commits each)."""
    written, after = 0, 0
    while True:
        ids = list(db.session.scalars(sa.select(Case.id).where(Case.id > after).order_by(Case.id).limit(batch)))
        if not ids:
            return written
        written += reindex(db.session.connection(), ids)
        commit()
        after = ids[-1]
        if progress:
            progress(after, written)
