"""Messages on a case: each visible to the audience its sender picked."""
from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit.services import record_event
from arbitration.auth.models import User
from arbitration.cases.models import Case, CaseMessage
from arbitration.cases.permissions import reads_all_messages
from arbitration.cases.services import SUBJECT, ensure_allowed
from arbitration.cases.workflow import Action
from arbitration.db import db
from arbitration.errors import InvalidInput

MAX_CHARS = 2000


def send_message(case: Case, sender: User, *, body: str, audience: str, now: dt.datetime | None = None) -> CaseMessage:
    now = now or clock.now_utc()
    role = ensure_allowed(case, Action.send_message, sender)
    if audience not in ("all", "arbitrator"):
        raise InvalidInput(_l("Choose who may read the message."), field="audience")
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_l("Write a message."), field="body")
    if len(body) > MAX_CHARS:
        raise InvalidInput(_l("A message has at most %(n)d characters.", n=MAX_CHARS), field="body")
    message = CaseMessage(case_id=case.id, sender_id=sender.id, sender_role=role.value, audience=audience, body=body,
                          created_at=now)
    db.session.add(message)
    db.session.flush()
    # the log proves what was said without showing an arbitrator-only text to the other party
    record_event(SUBJECT, case.id, sender, "case.message",
                 {"message_id": message.id, "audience": audience,
                  "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest()}, now=now)
    return message


def can_read(user: User, case: Case, message: CaseMessage) -> bool:
    return message.audience == "all" or message.sender_id == user.id or reads_all_messages(user, case)


def visible_messages(user: User, case: Case) -> list[CaseMessage]:
    rows = db.session.scalars(sa.select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id))
    return [m for m in rows if can_read(user, case, m)]
