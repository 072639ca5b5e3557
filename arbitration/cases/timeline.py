"""A case's event log in words: when, who (by role), what. The case page, the ruling PDF and the dossier
show the same lines."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from arbitration.auth.labels import ROLE_LABELS

EVENT_LABELS = {
    "case.opened": _l("The buyer opened the case"),
    "case.accept_claim": _l("The merchant accepted the claim"),
    "case.make_offer": _l("The merchant made an offer"),
    "case.refuse_claim": _l("The merchant refused the claim"),
    "case.accept_offer": _l("The buyer accepted the offer (settlement)"),
    "case.reject_offer": _l("The buyer rejected the offer"),
    "case.assigned": _l("An arbitrator was assigned"),
    "case.reassign": _l("A supervisor reassigned the case"),
    "case.no_more_evidence": _l("A party declared it has no more evidence"),
    "case.evidence_closed": _l("The evidence stage ended"),
    "case.request_supplementary": _l("The arbitrator asked for supplementary evidence"),
    "case.extend_deadline": _l("The arbitrator extended a deadline"),
    "case.issue_ruling": _l("A ruling was issued"),
    "case.default_ruling": _l("The merchant missed the deadline: default ruling"),
    "case.request_reconsideration": _l("A party asked for reconsideration"),
    "case.ruling_final": _l("The ruling became final"),
    "case.settle": _l("The parties settled"),
    "case.withdraw": _l("The buyer withdrew the case"),
    "case.offer_lapsed": _l("The offer lapsed"),
    "case.escalated": _l("A deadline passed: escalated to the supervisors"),
    "case.tasks_created": _l("Remedy tasks were created"),
    "case.task_done": _l("A remedy task was carried out"),
    "case.do_task": _l("A remedy task was carried out"),
    "case.complete_task": _l("Every remedy is carried out: the case is closed"),
    "case.message": _l("A message was sent"),
    "evidence.added": _l("Evidence was added"),
    "ruling.pdf_ready": _l("The ruling document was issued"),
    "ruling.downloaded": _l("A ruling document was downloaded"),
    "case.dossier_exported": _l("The case's dossier was exported"),
}


@dataclass(frozen=True)
class Line:
    at: dt.datetime
    actor: str
    what: str
    action: str


def actor_label(role: str) -> str:
    return _("platform") if role == "system" else str(ROLE_LABELS.get(role, role))


def lines(events) -> list[Line]:
    return [Line(e.created_at, actor_label(e.actor_role), str(EVENT_LABELS.get(e.action, e.action)), e.action)
            for e in events]
