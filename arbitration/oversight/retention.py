"""The retention purge: personal information removed once its period (arbitration/privacy/retention.py) is over.

What goes: a closed case's free texts (the statement, the offer's and the refusal's words, the supplementary
request's note), its messages and internal notes, its evidence descriptions; login attempts (account name and
address). What stays: numbers, amounts, states, times, the evidence files' hashes and the event log.

The event chains still verify afterwards because the chain never held these texts: a message or a note is
logged as its SHA-256 (cases/messaging.py), the statement not at all, so rewriting them changes no hashed
content. The purge itself is an event on each case's chain (`case.personal_data_purged`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from arbitration import clock
from arbitration.audit.services import record_event
from arbitration.auth.models import LoginAttempt
from arbitration.cases.models import Case, CaseMessage, CaseNote
from arbitration.cases.services import case_files
from arbitration.db import db
from arbitration.oversight import dossier_cache
from arbitration.privacy.retention import PERIODS, PURGED_TEXT, cutoff

CASE_TEXT_FIELDS = ("statement", "offer_text", "refusal_reason", "supplementary_note")


@dataclass
class Purged:
    cases: int = 0
    messages: int = 0
    notes: int = 0
    evidence_descriptions: int = 0
    login_attempts: int = 0


def due_cases(now: dt.datetime, limit: int | None = None) -> list[int]:
    """Closed cases past their retention whose personal information is still there."""
    stmt = (sa.select(Case.id).where(Case.closed_at.is_not(None), Case.closed_at < cutoff("case", now),
                                     Case.statement != PURGED_TEXT).order_by(Case.id))
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


def purge_case(case: Case, now: dt.datetime, out: Purged) -> None:
    fields = [name for name in CASE_TEXT_FIELDS if getattr(case, name)]
    for name in fields:
        setattr(case, name, PURGED_TEXT)
    case.statement = PURGED_TEXT                   # the marker: this case is done
    out.messages += db.session.execute(sa.update(CaseMessage).where(CaseMessage.case_id == case.id)
                                       .values(body=PURGED_TEXT)).rowcount
    out.notes += db.session.execute(sa.update(CaseNote).where(CaseNote.case_id == case.id)
                                    .values(body=PURGED_TEXT)).rowcount
    for f in case_files(case):
        if f.description:
            f.description = ""
            out.evidence_descriptions += 1
    dossier_cache.forget(case.id)                  # the stored dossiers carry the texts just removed
    record_event("case", case.id, None, "case.personal_data_purged",
                 {"period_days": PERIODS["case"].days, "basis": PERIODS["case"].basis, "fields": fields}, now=now)
    out.cases += 1


def purge(now: dt.datetime | None = None, limit: int | None = None) -> Purged:
    """Remove the personal information whose retention period is over; flushes, the caller commits."""
    now = now or clock.now_utc()
    out = Purged()
    for case_id in due_cases(now, limit):
        purge_case(db.session.get(Case, case_id), now, out)
    out.login_attempts = db.session.execute(sa.delete(LoginAttempt).where(
        LoginAttempt.at < cutoff("login_attempt", now))).rowcount
    db.session.flush()
    return out
