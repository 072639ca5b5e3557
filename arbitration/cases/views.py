"""Case pages: open a case from an order, the case page, the merchant's and buyer's answers, lists, and the
published table of deadlines and default outcomes."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from arbitration import access
from arbitration.access import Relation
from arbitration.audit.services import events_of
from arbitration.auth.models import Role, User
from arbitration.auth.permissions import require
from arbitration.cases import filters as case_filters
from arbitration.cases import messages as case_messages
from arbitration.cases import permissions as perm
from arbitration.cases import queries as case_queries
from arbitration.cases import services
from arbitration.cases import workflow as wf
from arbitration.cases.enforcement import complete_task, tasks_of
from arbitration.cases.filters import CaseFilter
from arbitration.cases.forms import (ExtendForm, MessageForm, OfferForm, OpenCaseForm, PlainForm, ReassignForm,
                                     ReconsiderationForm, RefuseForm, SupplementaryForm, TaskForm)
from arbitration.cases.models import RemedyTask
from arbitration.cases.messaging import send_message, visible_messages
from arbitration.cases.timeline import lines
from arbitration.cases.models import Case
from arbitration.cases.workflow import Action
from arbitration.db import db
from arbitration.errors import DomainError
from arbitration.evidence import services as evidence_services
from arbitration.evidence.permissions import can_add_evidence, can_read_evidence_of
from arbitration.evidence.views import streamed_upload
from arbitration.extensions import csrf
from arbitration.forms import choices
from arbitration.hooks import Hook
from arbitration.merchants.models import Merchant
from arbitration.orders import services as orders
from arbitration.orders.escalations import open_escalation
from arbitration.web import refuse

bp = Blueprint("cases", __name__)
# more of the case page from the features above cases: page_context(case, user) -> dict for the template
# (the rulings feature adds the case's rulings and whether the user may read them)
page_context = Hook("cases.page_context")


@bp.app_context_processor
def _labels():
    return {"CL": case_messages, "case_perm": perm, "CaseAction": Action}


def _load(number: str, action: Action | None = None) -> Case:
    """The case, if the user may see it (404 otherwise); for an action, locked and checked against the table."""
    case = services.get_case(number) if action is None else services.get_case_for_update(number)
    if case is None or not perm.can_view_case(current_user, case):
        abort(404)
    if action is not None:
        services.ensure_allowed(case, action, current_user)
    return case


def _can_add_evidence(case: Case) -> bool:
    return Action.add_evidence in services.allowed_actions(current_user, case)


def _to_case(case: Case):
    return redirect(url_for("cases.detail", number=case.number))


@bp.route("/orders/<number>/case/new", methods=["GET", "POST"])
@login_required
def open_case(number: str):
    order = orders.get_order(number)
    if order is None or not access.may(current_user, order, {Relation.buyer}):
        abort(404)
    escalation = open_escalation(order)
    form = OpenCaseForm()
    if form.validate_on_submit():
        try:
            case = services.open_case(current_user, order, category=form.category.data or "",
                                      remedy=form.remedy.data or "", amount_fen=form.amount.fen(),
                                      statement=form.statement.data or "")
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("Case %(number)s is open. The merchant has 48 hours to answer.", number=case.number), "success")
            return _to_case(case)
    status = 400 if request.method == "POST" else 200
    return render_template("cases/open.html", order=order, escalation=escalation, form=form), status


@bp.route("/cases/<number>")
@login_required
def detail(number: str):
    case = _load(number)
    deadline = services.running_deadline(case)
    rule = wf.DEADLINE_BY_STATE.get(case.state)
    evidence = services.case_files(case)   # what the parties filed before the case, then in it
    actions = services.allowed_actions(current_user, case)
    extra = {}
    for part in page_context(case, current_user):
        extra.update(part)
    return render_template("cases/detail.html", case=case, timeline=lines(events_of("case", case.id)),
                           deadline=deadline, rule=rule, actions=actions,
                           evidence=evidence if can_read_evidence_of(current_user, case.order) else [],
                           can_add_evidence=_can_add_evidence(case),
                           accepted_types=evidence_services.accepted_types_text(),
                           evidence_limits=evidence_services.limits(),
                           messages=visible_messages(current_user, case), message_form=MessageForm(formdata=None),
                           supplementary_form=SupplementaryForm(formdata=None), extend_form=ExtendForm(formdata=None),
                           # the arbitrators to choose from only for those who may reassign
                           reassign_form=_reassign_form(formdata=None) if Action.reassign in actions else None,
                           tasks=tasks_of(case),
                           task_form=TaskForm(formdata=None), reconsideration_form=ReconsiderationForm(formdata=None),
                           offer_form=OfferForm(formdata=None), refuse_form=RefuseForm(formdata=None),
                           plain=PlainForm(formdata=None), **extra)


@bp.route("/cases/<number>/evidence", methods=["POST"])
@csrf.exempt  # the token is checked from the streamed body (evidence.views.streamed_upload)
@login_required
def upload_evidence(number: str):
    case = services.get_case(number)
    if case is None or not can_add_evidence(current_user, case.order):
        abort(404)
    return streamed_upload(services.evidence_subject(case), url_for("cases.detail", number=number))


def _act(number: str, action: Action, form_cls, run, success: str):
    """Post/redirect/get for one case action; a refusal goes back to the case page with the message."""
    case = _load(number, action)
    form = form_cls()
    if not form.validate_on_submit():
        abort(400)
    try:
        run(case, form)
    except DomainError as err:
        refuse(err, form)
        return redirect(url_for("cases.detail", number=number)), 303
    flash(success, "success")
    return _to_case(case)


@bp.route("/cases/<number>/accept", methods=["POST"])
@login_required
def accept(number: str):
    return _act(number, Action.accept_claim, PlainForm,
                lambda case, form: services.accept_claim(case, current_user),
                _("You accepted the claim. The remedy is now due."))


@bp.route("/cases/<number>/offer", methods=["POST"])
@login_required
def offer(number: str):
    return _act(number, Action.make_offer, OfferForm,
                lambda case, form: services.make_offer(case, current_user, remedy=form.remedy.data or "",
                                                       amount_fen=form.amount.fen(), text=form.text.data or ""),
                _("Your offer was sent to the buyer, who has 72 hours to answer."))


@bp.route("/cases/<number>/refuse", methods=["POST"])
@login_required
def refuse_claim(number: str):
    return _act(number, Action.refuse_claim, RefuseForm,
                lambda case, form: services.refuse_claim(case, current_user, reason=form.reason.data or ""),
                _("The case goes to arbitration: both parties now have 3 days for evidence."))


@bp.route("/cases/<number>/offer/<answer>", methods=["POST"])
@login_required
def answer_offer(number: str, answer: str):
    if answer not in ("accept", "reject"):
        abort(404)
    action = Action.accept_offer if answer == "accept" else Action.reject_offer
    return _act(number, action, PlainForm,
                lambda case, form: services.answer_offer(case, current_user, accept=answer == "accept"),
                _("The offer is accepted: the case is settled.") if answer == "accept" else
                _("The offer is rejected: the case goes to arbitration."))


@bp.route("/cases/<number>/withdraw", methods=["POST"])
@login_required
def withdraw(number: str):
    return _act(number, Action.withdraw, PlainForm, lambda case, form: services.withdraw(case, current_user),
                _("The case is withdrawn."))


@bp.route("/cases/<number>/messages", methods=["POST"])
@login_required
def message(number: str):
    return _act(number, Action.send_message, MessageForm,
                lambda case, form: send_message(case, current_user, body=form.body.data or "",
                                                audience=form.audience.data or ""),
                _("Message sent."))


def _reassign_form(**kwargs) -> ReassignForm:
    form = ReassignForm(**kwargs)
    arbitrators = db.session.scalars(sa.select(User).where(User.role == Role.arbitrator, User.active.is_(True))
                                     .order_by(User.display_name))
    form.arbitrator_id.choices = choices((u.id, u.display_name) for u in arbitrators)
    return form


@bp.route("/cases/<number>/supplementary", methods=["POST"])
@login_required
def supplementary(number: str):
    return _act(number, Action.request_supplementary, SupplementaryForm,
                lambda case, form: services.request_supplementary(case, current_user, party=form.party.data or "",
                                                                  note=form.note.data or ""),
                _("The party was asked for supplementary evidence (48 hours)."))


@bp.route("/cases/<number>/extend", methods=["POST"])
@login_required
def extend(number: str):
    return _act(number, Action.extend_deadline, ExtendForm,
                lambda case, form: services.extend_deadline(case, current_user, hours=form.hours.data,
                                                            reason=form.reason.data or ""),
                _("The deadline is extended."))


@bp.route("/cases/<number>/reassign", methods=["POST"])
@login_required
def reassign(number: str):
    return _act(number, Action.reassign, _reassign_form,
                lambda case, form: services.reassign(case, current_user, arbitrator_id=form.arbitrator_id.data or 0,
                                                     reason=form.reason.data or ""),
                _("The case is reassigned."))


@bp.route("/cases/<number>/reconsideration", methods=["POST"])
@login_required
def reconsideration(number: str):
    return _act(number, Action.request_reconsideration, ReconsiderationForm,
                lambda case, form: services.request_reconsideration(case, current_user,
                                                                    new_facts=form.new_facts.data or ""),
                _("Reconsideration requested: a different arbitrator will look at the case again."))


@bp.route("/cases/<number>/tasks/<int:task_id>/done", methods=["POST"])
@login_required
def task_done(number: str, task_id: int):
    def run(case, form):
        task = db.session.get(RemedyTask, task_id)
        if task is None or task.case_id != case.id:
            abort(404)
        complete_task(case, task, current_user, note=form.note.data or "")

    return _act(number, Action.do_task, TaskForm, run, _("The task is recorded as done."))


@bp.route("/cases/<number>/no-more-evidence", methods=["POST"])
@login_required
def no_more_evidence(number: str):
    return _act(number, Action.no_more_evidence, PlainForm,
                lambda case, form: services.no_more_evidence(case, current_user),
                _("Your evidence window is closed."))


MERCHANT_CHOICES = 200


@bp.route("/cases")
@require(perm.can_list_cases)
def index():
    """Cases the user may see, nearest deadline first; platform staff and regulators filter further."""
    args = request.args.to_dict()
    if current_user.role == Role.merchant_staff:
        args.pop("merchant", None), args.pop("merchant_id", None)
    status, problem = 200, None
    try:
        f = case_filters.parse(args)
    except DomainError as err:
        f, status, problem = CaseFilter(), 400, err
    page, running = case_queries.case_list(current_user, f, cursor=args.get("after"))
    merchants, merchant_name = [], None
    if perm.can_filter_by_merchant(current_user):
        # a list to choose from while it is short; a platform with thousands of merchants gets a number field
        merchants = db.session.execute(sa.select(Merchant.id, Merchant.name).order_by(Merchant.name)
                                       .limit(MERCHANT_CHOICES + 1)).all()
        if len(merchants) > MERCHANT_CHOICES:
            merchants = None
            merchant_name = db.session.scalar(sa.select(Merchant.name).where(Merchant.id == f.merchant_id)) \
                if f.merchant_id else None
    return render_template("cases/list.html", page=page, running=running, filters=f, merchants=merchants,
                           merchant_name=merchant_name, problem=problem, args=args), status


@bp.route("/cases/defaults")
@require(perm.can_read_defaults)
def defaults():
    return render_template("cases/defaults.html", rules=wf.DEADLINES)
