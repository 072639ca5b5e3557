"""Messages on a case, seen by both parties (no party talks to the decider alone), and the internal notes of the
case's staff, which the parties never see."""
from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit.services import record_event
from arbitration.auth.models import User
from arbitration.cases.models import Case, CaseMessage, CaseNote
from arbitration.cases.permissions import reads_all_messages
from arbitration.cases.services import SUBJECT, case_files, ensure_allowed
from arbitration.cases.workflow import Action
from arbitration.db import db
from arbitration.errors import InvalidInput

MAX_CHARS = 2000


def send_message(case: Case, sender: User, *, body: str, evidence_id: int | None = None,
                 now: dt.datetime | None = None) -> CaseMessage:
    """A message to everyone on the case; it may point to one of the case's files."""
    now = now or clock.now_utc()
    role = ensure_allowed(case, Action.send_message, sender)
    body = _text(body, "body")
    if evidence_id and evidence_id not in {f.id for f in case_files(case)}:
        raise InvalidInput(_l("Choose a file of this case."), field="evidence_id")
    message = CaseMessage(case_id=case.id, sender_id=sender.id, sender_role=role.value, audience="all", body=body,
                          evidence_id=evidence_id or None, created_at=now)
    db.session.add(message)
    db.session.flush()
    # the log proves what was said (its hash) without copying it
    record_event(SUBJECT, case.id, sender, "case.message",
                 {"message_id": message.id, "evidence_id": message.evidence_id,
                  "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest()}, now=now)
    return message


def add_note(case: Case, author: User, *, body: str, now: dt.datetime | None = None) -> CaseNote:
    """An internal note of the case's arbitrator or a supervisor."""
    now = now or clock.now_utc()
    role = ensure_allowed(case, Action.add_note, author)
    note = CaseNote(case_id=case.id, author_id=author.id, author_role=role.value, body=_text(body, "body"),
                    created_at=now)
    db.session.add(note)
    db.session.flush()
    record_event(SUBJECT, case.id, author, "case.note_added",
                 {"note_id": note.id, "sha256": hashlib.sha256(note.body.encode("utf-8")).hexdigest()}, now=now)
    return note


def _text(body: str, field: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_l("Write a message."), field=field)
    if len(body) > MAX_CHARS:
        raise InvalidInput(_l("A message has at most %(n)d characters.", n=MAX_CHARS), field=field)
    return body


def can_read(user: User, case: Case, message: CaseMessage) -> bool:
    """Every message; a message written to the arbitrator alone before the rule changed stays with its sender
    and the case's staff."""
    return message.audience == "all" or message.sender_id == user.id or reads_all_messages(user, case)


def visible_messages(user: User, case: Case) -> list[CaseMessage]:
    rows = db.session.scalars(sa.select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id))
    return [m for m in rows if can_read(user, case, m)]


def notes_of(case: Case) -> list[CaseNote]:
    return list(db.session.scalars(sa.select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id)))
