"""What happens when a case's deadline passes: the published default outcomes (workflow.DEADLINES). The default
ruling on a missed negotiation deadline is the rulings feature's (rulings/timers.py)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.util import identity_key

from arbitration.audit.services import record_event
from arbitration.cases import services
from arbitration.cases import workflow as wf
from arbitration.cases.models import NOTHING_RUNNING, Case
from arbitration.cases.workflow import Action, CaseState
from arbitration.db import db
from arbitration.deadlines.models import Deadline
from arbitration.deadlines.registry import batch, consequence, kind_labels, on_change, on_change_many, subject_link
from arbitration.web_format import path_for


def deadline_case(deadline) -> Case:
    """The deadline's case, locked (the sweep then changes it)."""
    return services.lock_case(db.session.get(Case, int(deadline.subject_id)))


def applies(case: Case, deadline) -> bool:
    """A deadline belongs to the state that started it; a case that moved on is left alone."""
    return case.state.value == deadline.kind


@consequence("case.offer_lapsed", lambda: _(wf.DEADLINE_BY_STATE[CaseState.offer_pending].outcome))
def offer_lapsed(deadline, now):
    case = deadline_case(deadline)
    if applies(case, deadline):
        services.apply_action(case, Action.offer_lapsed, None, now=now)
        services.assign_arbitrator(case, now)


@batch("case.offer_lapsed")
def offer_lapsed_many(deadlines_due, now):
    """The same for many cases: moved together, then each given an arbitrator in turn (services.assign_arbitrators:
    by load, as one by one)."""
    cases = cases_due(deadlines_due)
    services.apply_action_many(cases, Action.offer_lapsed, now=now)
    services.assign_arbitrators(cases, now)
    return []


@consequence("case.evidence_closed", lambda: _(wf.DEADLINE_BY_STATE[CaseState.evidence].outcome))
def evidence_closed(deadline, now):
    case = deadline_case(deadline)
    if applies(case, deadline):
        case.buyer_evidence_closed = case.merchant_evidence_closed = True
        services.apply_action(case, Action.evidence_closed, None, now=now)


def cases_due(deadlines_due) -> list[Case]:
    """The deadlines' cases, locked together (lock_cases), read afresh, in the deadlines' order: those still in the
    state that started their deadline (`applies`)."""
    ids = [int(d.subject_id) for d in deadlines_due]
    services.lock_cases(ids)
    found = {case.id: case for case in db.session.scalars(
        sa.select(Case).where(Case.id.in_(ids)).execution_options(populate_existing=True))}
    return [found[int(d.subject_id)] for d in deadlines_due
            if int(d.subject_id) in found and applies(found[int(d.subject_id)], d)]


@batch("case.evidence_closed")
def evidence_closed_many(deadlines_due, now):
    cases = cases_due(deadlines_due)
    for case in cases:
        case.buyer_evidence_closed = case.merchant_evidence_closed = True
    services.apply_action_many(cases, Action.evidence_closed, now=now)
    return []


@consequence("case.ruling_final", lambda: _(wf.DEADLINE_BY_STATE[CaseState.reconsideration_window].outcome))
def ruling_final(deadline, now):
    case = deadline_case(deadline)
    if applies(case, deadline):
        services.apply_action(case, Action.ruling_final, None, now=now)


@batch("case.ruling_final")
def ruling_final_many(deadlines_due, now):
    services.apply_action_many(cases_due(deadlines_due), Action.ruling_final, now=now)
    return []


@consequence("case.escalate", lambda: _(wf.DEADLINE_BY_STATE[CaseState.review].outcome))
def escalate(deadline, now):
    case = deadline_case(deadline)
    if applies(case, deadline):
        case.escalated = True
        record_event(services.SUBJECT, case.id, None, "case.escalated", {"state": case.state.value}, now=now)


@batch("case.escalate")
def escalate_many(deadlines_due, now):
    """The same for many cases: locked together (deadlines.hold_many), each checked against its deadline's state,
    the escalated marked with one UPDATE."""
    ids = [int(d.subject_id) for d in deadlines_due]
    services.lock_cases(ids)
    kinds = {int(d.subject_id): d.kind for d in deadlines_due}
    states = {r.id: r.state for r in db.session.execute(sa.select(Case.id, Case.state).where(Case.id.in_(ids)))}
    hit = [i for i in sorted(ids) if i in states and states[i].value == kinds[i]]
    if hit:
        db.session.execute(sa.update(Case).where(Case.id.in_(hit)).values(escalated=True)
                           .execution_options(synchronize_session=False))
    return [(services.SUBJECT, i, None, "case.escalated", {"state": states[i].value}) for i in hit]


kind_labels({d.state.value: _l(d.who_label) for d in wf.DEADLINES})


@subject_link("case")
def _case_link(subject_id):
    case = db.session.get(Case, int(subject_id)) if subject_id.isdigit() else None
    return (_("Case %(number)s", number=case.number), path_for("cases.detail", number=case.number)) if case else None


def _nearest_due(subject_id):
    return (sa.select(sa.func.min(Deadline.due_at))
            .where(Deadline.subject_type == "case", Deadline.subject_id == subject_id, Deadline.state == "pending")
            .scalar_subquery())


@on_change_many("case")
def refresh_queue_due_many(subject_ids: list[str]) -> None:
    """refresh_queue_due for many cases with one UPDATE (the sweep's batches, and one case at a time)."""
    db.session.execute(
        sa.update(Case).where(Case.id.in_([int(i) for i in subject_ids]))
        .values(queue_due_at=sa.func.coalesce(_nearest_due(sa.cast(Case.id, sa.String)),
                                              sa.literal(NOTHING_RUNNING, Case.queue_due_at.type)))
        .execution_options(synchronize_session=False))
    for subject_id in subject_ids:
        loaded = db.session.identity_map.get(identity_key(Case, int(subject_id)))
        if loaded is not None:
            db.session.expire(loaded, ["queue_due_at"])


@on_change("case")
def refresh_queue_due(subject_id: str) -> None:
    """Keep the case's list sort key (its nearest pending deadline) in step with its deadlines; a Case already in
    the session reads the new key on its next access."""
    refresh_queue_due_many([subject_id])
