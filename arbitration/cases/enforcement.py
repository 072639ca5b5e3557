"""Enforcement: a decided case's remedies become tasks, due in 1 working day; the case closes when all are done.
Refunds go through the order's refund mechanism (never more than was paid)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit.services import record_event
from arbitration.auth.models import Role, User
from arbitration.cases import services
from arbitration.cases.messages import remedy_sentence
from arbitration.cases.models import Case, RemedyTask
from arbitration.cases.services import SUBJECT, apply_action, ensure_allowed
from arbitration.cases.workflow import Action, CaseState
from arbitration.db import db
from arbitration.errors import Conflict, InvalidInput
from arbitration.hooks import Provider
from arbitration.orders.refunds import issue_refund, refunded_so_far
from arbitration.orders.rules import refundable
from arbitration.web_format import format_local

# refunds are carried out before compensation, so a compensation above the price never eats the refund
REFUNDS_FIRST = ("full_refund", "partial_refund")
# ruled_remedies(case) -> [(remedy, amount_fen)] of the ruling in force: provided by the rulings feature
ruled_remedies = Provider("cases.ruled_remedies")


def remedies_of(case: Case) -> list[tuple[str, int]]:
    """What the decision asks for: the ruling in force; the merchant's accepted offer after a settlement; else
    (the merchant accepted) the buyer's claim."""
    if case.outcome in ("ruled", "default_ruling"):
        return ruled_remedies(case)
    if case.outcome == "settled" and case.offer_remedy:
        return [(case.offer_remedy, case.offer_amount_fen or 0)]
    return [(case.claim_remedy, case.claim_amount_fen or 0)]


def decision_words(case: Case, remedies: list[tuple[str, int]] | None = None) -> list:
    """What a decision means for the parties, in sentences ("商家应于 … 前退款 ¥198.00 至原支付渠道"): the
    decision in force, through its remedy tasks once they exist (a task carried out says when), or the `remedies`
    of one ruling; the enforcement deadline when it runs, else "once the decision is final". Nothing before a
    decision or after a withdrawal."""
    if case.state not in (CaseState.reconsideration_window, CaseState.enforcement, CaseState.closed) or \
            case.outcome in (None, "withdrawn"):
        return []
    owner = "platform" if case.origin == "platform_fault" else "merchant"
    deadline = services.running_deadline(case) if case.state == CaseState.enforcement else None
    due = format_local(deadline.due_at) if deadline is not None else None
    paid = case.order.amount_fen

    def amount(remedy: str, fen: int | None) -> int:
        return fen or (paid if remedy == "full_refund" else 0)

    tasks = tasks_of(case) if remedies is None else []
    if tasks:
        return [remedy_sentence(t.remedy, amount(t.remedy, t.amount_fen), owner, due,
                                done=format_local(t.done_at, "yyyy-MM-dd") if t.state == "done" else None)
                for t in tasks]
    return [remedy_sentence(remedy, amount(remedy, fen), owner, due)
            for remedy, fen in (remedies_of(case) if remedies is None else remedies)]


@services.moved.register
def _decided(case: Case, old, new, started, now: dt.datetime) -> None:
    if new == CaseState.enforcement:
        create_tasks(case, now)


def create_tasks(case: Case, now: dt.datetime | None = None) -> list[RemedyTask]:
    now = now or clock.now_utc()
    if case.state != CaseState.enforcement or tasks_of(case):
        return tasks_of(case)
    owner = "platform" if case.origin == "platform_fault" else "merchant"
    made = []
    remedies = remedies_of(case)
    if not remedies:   # a dismissed claim: nothing to carry out, the case closes
        record_event(SUBJECT, case.id, None, "case.tasks_created", {"tasks": []}, now=now)
        apply_action(case, Action.complete_task, None, data={"no_remedy": True}, now=now)
        return []
    for remedy, amount in remedies:
        task = RemedyTask(case_id=case.id, remedy=remedy, amount_fen=amount, owner=owner, state="open",
                          created_at=now)
        db.session.add(task)
        made.append(task)
    db.session.flush()
    record_event(SUBJECT, case.id, None, "case.tasks_created",
                 {"tasks": [{"id": t.id, "remedy": t.remedy, "amount_fen": t.amount_fen, "owner": t.owner}
                            for t in made]}, now=now)
    return made


def tasks_of(case: Case) -> list[RemedyTask]:
    return list(db.session.scalars(sa.select(RemedyTask).where(RemedyTask.case_id == case.id)
                                   .order_by(RemedyTask.id)))


def complete_task(case: Case, task: RemedyTask, actor: User, *, note: str = "",
                  now: dt.datetime | None = None) -> RemedyTask:
    """The merchant (or support, for the platform's own tasks) carries out one remedy."""
    now = now or clock.now_utc()
    if task.case_id != case.id:
        raise InvalidInput(_l("No such task on this case."))
    if task.state != "open":
        raise Conflict(_l("This task is done already."))
    if task.owner == "platform" and actor is not None and actor.role != Role.support:
        raise Conflict(_l("The platform carries out this remedy."))
    ensure_allowed(case, Action.do_task, actor)
    open_tasks = [t for t in tasks_of(case) if t.state == "open"]
    if task.remedy == "compensation" and any(t.remedy in REFUNDS_FIRST for t in open_tasks):
        raise Conflict(_l("Carry out the refund first, then the compensation."))
    order = case.order
    if task.remedy in ("full_refund", "partial_refund", "compensation"):
        amount = refundable(order.amount_fen, refunded_so_far(order)) if task.remedy == "full_refund" \
            else task.amount_fen
        if amount > 0:
            # a ruling's compensation may exceed the price (punitive damages for fraud): not capped by it
            issue_refund(order, amount, kind="compensation" if task.remedy == "compensation" else "refund",
                         actor=actor, now=now, capped=not (task.remedy == "compensation" and case.outcome in
                                                           ("ruled", "default_ruling")))
    elif len((note or "").strip()) < 2:
        raise InvalidInput(_l("Say what was done (e.g. the reissued card code was sent)."), field="note")
    task.state, task.done_at, task.done_by_id, task.note = "done", now, getattr(actor, "id", None), note.strip()
    db.session.flush()
    record_event(SUBJECT, case.id, actor, "case.task_done", {"task_id": task.id, "remedy": task.remedy}, now=now)
    if len(open_tasks) == 1:
        apply_action(case, Action.complete_task, actor, data={"last_task": task.id}, now=now)
    return task
