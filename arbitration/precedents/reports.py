"""Similar-case retrieval reports (类案检索报告): the arbitrator states what was searched, which past decisions were
found, and whether each was followed or distinguished, and why. Attached to the case file and its dossier."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import access, clock
from arbitration.access import Relation
from arbitration.audit import events
from arbitration.audit.services import record_event
from arbitration.cases.models import Case
from arbitration.cases import permissions as case_permissions  # noqa: F401  (the case ties)
from arbitration.db import db
from arbitration.errors import InvalidInput, NotAllowed
from arbitration.precedents.models import VERDICTS, RetrievalReport
from arbitration.rulings.models import Ruling

MAX_QUERY = 500
MAX_REASON = 1000
MIN_REASON = 5
events.declare({"case.retrieval_report_attached": _l("A similar-case retrieval report was attached to the file")})


@dataclass(frozen=True)
class Entry:
    ruling_number: str
    verdict: str          # followed / distinguished; "" leaves the decision out of the report
    reason: str


def can_attach(user, case: Case) -> bool:
    return access.may(user, case, {Relation.arbitrator})


def can_read(user, case: Case) -> bool:
    return access.may(user, case, {Relation.arbitrator, Relation.supervisor, Relation.regulator})


def attach_report(case: Case, author, *, query: str, entries: list[Entry], scores: dict[str, float] | None = None,
                  now: dt.datetime | None = None) -> RetrievalReport:
    if not can_attach(author, case):
        raise NotAllowed(_l("Only the case's arbitrator attaches a retrieval report."))
    now = now or clock.now_utc()
    query = (query or "").strip()
    if not query:
        raise InvalidInput(_l("Say what was searched (the words, the kind of dispute, the facts)."), field="query")
    if len(query) > MAX_QUERY:
        raise InvalidInput(_l("At most %(n)d characters.", n=MAX_QUERY), field="query")
    kept = []
    for e in entries:
        if not e.verdict:
            continue
        if e.verdict not in VERDICTS:
            raise InvalidInput(_l("Choose followed or distinguished."), field=f"verdict_{e.ruling_number}")
        reason = (e.reason or "").strip()
        if len(reason) < MIN_REASON or len(reason) > MAX_REASON:
            raise InvalidInput(_l("Say why, in %(min)d to %(max)d characters.", min=MIN_REASON, max=MAX_REASON),
                               field=f"reason_{e.ruling_number}")
        ruling = db.session.scalar(sa.select(Ruling).where(Ruling.number == e.ruling_number))
        if ruling is None:
            raise InvalidInput(_l("No decision has this number."), field=f"verdict_{e.ruling_number}")
        kept.append({"ruling": ruling.number, "decision": ruling.decision, "verdict": e.verdict, "reason": reason,
                     "score": (scores or {}).get(ruling.number)})
    if not kept:
        raise InvalidInput(_l("Say for at least one decision found whether it was followed or distinguished."),
                           field="entries")
    report = RetrievalReport(case_id=case.id, author_id=author.id, query=query,
                             entries_json=json.dumps(kept, ensure_ascii=False), created_at=now)
    db.session.add(report)
    db.session.flush()
    record_event("case", case.id, author, "case.retrieval_report_attached",
                 {"report_id": report.id, "decisions": [k["ruling"] for k in kept]}, now=now)
    return report


def reports_of(case: Case) -> list[RetrievalReport]:
    return list(db.session.scalars(sa.select(RetrievalReport).where(RetrievalReport.case_id == case.id)
                                   .order_by(RetrievalReport.id)))
