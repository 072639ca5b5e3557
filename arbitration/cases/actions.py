"""The case page's actions as data: for each action of the lifecycle table that a person takes on the case page,
its address, its form, its words and the service it calls. The views register one route per row and handle
every post the same way; the page renders every form with one macro (templates/cases/_actions.html), offering
exactly the actions the lifecycle table allows the person now."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration.auth.models import Role, User
from arbitration.cases import services
from arbitration.cases.enforcement import complete_task
from arbitration.cases.forms import (ExtendForm, MessageForm, NoteForm, OfferForm, PlainForm, ReassignForm,
                                     ReconsiderationForm, RefuseForm, SupplementaryForm, TaskForm)
from arbitration.cases.messaging import add_note, send_message
from arbitration.cases.models import RemedyTask
from arbitration.cases.workflow import DEADLINE_BY_STATE, Action
from arbitration.cases.workflow import CaseState as S
from arbitration.db import db
from arbitration.errors import NotFound
from arbitration.forms import choices
from arbitration.web_format import lazy_duration


def _window(state: S):
    """How long the stage's rule gives ("72 hours" said as "3 days"), said when the message is read."""
    return lazy_duration(hours=DEADLINE_BY_STATE[state].hours)


@dataclass(frozen=True)
class PageAction:
    name: str                                   # the endpoint (cases.<name>)
    action: Action                              # the lifecycle table's action it takes
    rule: str                                   # the URL rule
    form: Callable                              # a form class, or a factory form(case, **kwargs)
    run: Callable                               # run(case, user, form, **view_args): the one service call
    button: object                              # the button's words
    done: object                                # what the person is told after
    title: object = None                        # a heading above the fields
    section: str = "move"                       # where it stands: move / evidence / messages / notes / tasks
    primary: bool = False
    danger: bool = False
    confirm: object = None                      # cannot be undone: asked once more, with what it means

    @property
    def has_fields(self) -> bool:
        return self.form is not PlainForm

    def make_form(self, case, **kwargs):
        return self.form(case, **kwargs) if self.form in FACTORIES else self.form(**kwargs)


def reassign_form(case, **kwargs) -> ReassignForm:
    form = ReassignForm(**kwargs)
    arbitrators = db.session.scalars(sa.select(User).where(User.role == Role.arbitrator, User.active.is_(True))
                                     .order_by(User.display_name))
    form.arbitrator_id.choices = choices((u.id, u.display_name) for u in arbitrators)
    return form


def message_form(case, **kwargs) -> MessageForm:
    form = MessageForm(**kwargs)
    form.evidence_id.choices = choices([(0, "—")] + [(f.id, f.display_name) for f in services.case_files(case)])
    return form


FACTORIES = (reassign_form, message_form)


def _task_done(case, user, form, task_id: int):
    task = db.session.get(RemedyTask, task_id)
    if task is None or task.case_id != case.id:
        raise NotFound(_l("No such task on this case."))
    complete_task(case, task, user, note=form.note.data or "")


PAGE_ACTIONS: tuple[PageAction, ...] = (
    PageAction("accept", Action.accept_claim, "/cases/<number>/accept", PlainForm,
               lambda case, user, form: services.accept_claim(case, user),
               _l("Accept the claim"), _l("You accepted the claim. The remedy is now due."), primary=True,
               confirm=_l("Accept the buyer's claim in full? The case then ends by your acceptance and the remedy "
                          "is due within one working day; this cannot be undone.")),
    PageAction("accept_offer", Action.accept_offer, "/cases/<number>/offer/accept", PlainForm,
               lambda case, user, form: services.answer_offer(case, user, accept=True),
               _l("Accept the offer"), _l("The offer is accepted: the case is settled."), primary=True,
               confirm=_l("Accept the merchant's offer? The case is then settled on these terms and the platform "
                          "does not decide it; this cannot be undone.")),
    PageAction("reject_offer", Action.reject_offer, "/cases/<number>/offer/reject", PlainForm,
               lambda case, user, form: services.answer_offer(case, user, accept=False),
               _l("Reject the offer"), _l("The offer is rejected: the case goes to arbitration."),
               confirm=_l("Reject the merchant's offer? The offer then lapses and both parties give evidence for the "
                          "platform's dispute handler to decide; this cannot be undone.")),
    PageAction("offer", Action.make_offer, "/cases/<number>/offer", OfferForm,
               lambda case, user, form: services.make_offer(case, user, remedy=form.remedy.data or "",
                                                            amount_fen=form.amount.fen(), text=form.text.data or ""),
               _l("Send the offer"),
               _l("Your offer was sent to the buyer, who has %(time)s to answer.", time=_window(S.offer_pending)),
               title=_l("Make an offer")),
    PageAction("refuse_claim", Action.refuse_claim, "/cases/<number>/refuse", RefuseForm,
               lambda case, user, form: services.refuse_claim(case, user, reason=form.reason.data or ""),
               _l("Refuse and go to arbitration"),
               _l("The case goes to arbitration: both parties now have %(time)s for evidence.",
                  time=_window(S.evidence)), title=_l("Refuse")),
    PageAction("supplementary", Action.request_supplementary, "/cases/<number>/supplementary", SupplementaryForm,
               lambda case, user, form: services.request_supplementary(case, user, party=form.party.data or "",
                                                                       note=form.note.data or ""),
               _l("Ask"),
               _l("The party was asked for supplementary evidence (%(time)s).", time=_window(S.supplementary)),
               title=_l("Ask for supplementary evidence")),
    PageAction("extend", Action.extend_deadline, "/cases/<number>/extend", ExtendForm,
               lambda case, user, form: services.extend_deadline(case, user, hours=form.hours.data,
                                                                 reason=form.reason.data or ""),
               _l("Extend"), _l("The deadline is extended."), title=_l("Extend the running deadline (once)")),
    PageAction("reassign", Action.reassign, "/cases/<number>/reassign", reassign_form,
               lambda case, user, form: services.reassign(case, user, arbitrator_id=form.arbitrator_id.data or 0,
                                                          reason=form.reason.data or ""),
               _l("Reassign"), _l("The case is reassigned."), title=_l("Reassign")),
    PageAction("reconsideration", Action.request_reconsideration, "/cases/<number>/reconsideration",
               ReconsiderationForm,
               lambda case, user, form: services.request_reconsideration(case, user,
                                                                         new_facts=form.new_facts.data or ""),
               _l("Ask for reconsideration"),
               _l("Reconsideration requested: a different arbitrator will look at the case again."),
               title=_l("Ask for reconsideration (once, with new facts)")),
    PageAction("withdraw", Action.withdraw, "/cases/<number>/withdraw", PlainForm,
               lambda case, user, form: services.withdraw(case, user),
               _l("Withdraw the case"), _l("The case is withdrawn."), danger=True,
               confirm=_l("Withdraw this case? The platform then does not decide it, and a case cannot be opened "
                          "again on the same refusal; this cannot be undone.")),
    PageAction("no_more_evidence", Action.no_more_evidence, "/cases/<number>/no-more-evidence", PlainForm,
               lambda case, user, form: services.no_more_evidence(case, user),
               _l("I have no more evidence"), _l("Your evidence window is closed."), section="evidence",
               confirm=_l("Close your evidence? Files you upload later are kept but marked late; this cannot be "
                          "undone.")),
    PageAction("message", Action.send_message, "/cases/<number>/messages", message_form,
               lambda case, user, form: send_message(case, user, body=form.body.data or "",
                                                     evidence_id=form.evidence_id.data or None),
               _l("Send"), _l("Message sent: both parties and the dispute handler can read it."),
               section="messages"),
    PageAction("note", Action.add_note, "/cases/<number>/notes", NoteForm,
               lambda case, user, form: add_note(case, user, body=form.body.data or ""),
               _l("Save the note"), _l("The note is saved; the parties never see it."), section="notes"),
    PageAction("task_done", Action.do_task, "/cases/<number>/tasks/<int:task_id>/done", TaskForm, _task_done,
               _l("Mark as done"), _l("The task is recorded as done."), section="tasks", primary=True),
)
BY_NAME = {a.name: a for a in PAGE_ACTIONS}


def offered(actions: list[Action], section: str | None = "move") -> list[PageAction]:
    """The rows of `section` (None: of every section) whose action the person may take now, in the table's order."""
    return [a for a in PAGE_ACTIONS if section in (None, a.section) and a.action in actions]
