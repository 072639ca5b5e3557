"""Case pages: open a case from an order, the case page, the merchant's and buyer's answers, lists, and the
published table of deadlines and default outcomes."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from arbitration import access, clock
from arbitration.access import Relation
from arbitration.audit.services import events_of
from arbitration.auth.models import Role
from arbitration.auth.permissions import require
from arbitration.cases import filters as case_filters
from arbitration.cases import messages as case_messages
from arbitration.cases import permissions as perm
from arbitration.cases import queries as case_queries
from arbitration.cases import services
from arbitration.cases import workflow as wf
from arbitration.cases import actions as case_actions
from arbitration.cases import now as now_panel
from arbitration.cases.casefile import case_file
from arbitration.cases.enforcement import decision_words, tasks_of
from arbitration.cases.filters import CaseFilter
from arbitration.cases.forms import OpenCaseForm, TaskForm
from arbitration.cases.messaging import notes_of, visible_messages
from arbitration.cases.timeline import lines
from arbitration.cases.models import Case
from arbitration.cases.workflow import Action, CaseRole, CaseState
from arbitration.db import db
from arbitration.errors import DomainError
from arbitration.evidence import services as evidence_services
from arbitration.evidence.permissions import can_add_evidence, can_read_evidence_of
from arbitration.evidence.views import streamed_upload
from arbitration.extensions import csrf
from arbitration.hooks import Hook
from arbitration.merchants.models import Merchant
from arbitration.orders import services as orders
from arbitration.orders.escalations import open_escalation
from arbitration.web import refuse
from arbitration.web_format import duration

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
            flash(_("Case %(number)s is open. The merchant has %(time)s to answer.", number=case.number,
                    time=duration(hours=wf.DEADLINE_BY_STATE[CaseState.negotiation].hours)), "success")
            return _to_case(case)
    status = 400 if request.method == "POST" else 200
    return render_template("cases/open.html", order=order, escalation=escalation, form=form,
                           answer_hours=wf.DEADLINE_BY_STATE[CaseState.negotiation].hours), status


@bp.route("/cases/<number>")
@login_required
def detail(number: str):
    return _page(_load(number))


def _page(case: Case, failed: dict | None = None, status: int = 200):
    """The case page; `failed` holds the form of an action that was refused, bound to what was typed, with its
    error next to the field (by action name, or (name, task id) for a remedy task)."""
    actions = services.allowed_actions(current_user, case)
    extra = {}
    for part in page_context(case, current_user):
        extra.update(part)
    evidence = services.case_files(case)   # what the parties filed before the case, then in it
    tasks = tasks_of(case)
    forms = {a.name: a.make_form(case, formdata=None) for a in case_actions.PAGE_ACTIONS if a.action in actions}
    forms.update({("task_done", t.id): TaskForm(formdata=None) for t in tasks})
    forms.update(failed or {})
    events = events_of("case", case.id)
    staff = perm.reads_all_messages(current_user, case)
    deadline = services.running_deadline(case)
    return render_template("cases/detail.html", case=case, timeline=lines(events, internal=staff),
                           deadline=deadline, rule=wf.DEADLINE_BY_STATE.get(case.state),
                           now=now_panel.now(_facts(case, tasks)), stages=_stages(case, events),
                           decision_words=decision_words(case), actions=actions,
                           offered=case_actions.offered, forms=forms,
                           evidence=evidence if can_read_evidence_of(current_user, case.order) else [],
                           can_add_evidence=_can_add_evidence(case),
                           accepted_types=evidence_services.accepted_types_text(),
                           evidence_limits=evidence_services.limits(), notes=notes_of(case) if staff else None,
                           messages=visible_messages(current_user, case), tasks=tasks,
                           file=case_file(case, clock.now_utc()) if staff else None, **extra), status


def _facts(case: Case, tasks) -> now_panel.Facts:
    role = perm.case_role(current_user, case)
    party = role.value if role in (CaseRole.buyer, CaseRole.merchant) else None
    owner = {CaseRole.merchant: "merchant", CaseRole.support: "platform"}.get(role)
    return now_panel.Facts(
        state=case.state, role=role, supplementary_party=case.supplementary_party,
        own_window_closed={"buyer": case.buyer_evidence_closed, "merchant": case.merchant_evidence_closed}
        .get(party, False),
        tasks_for_viewer=sum(1 for t in tasks if t.state == "open" and t.owner == owner))


def _stages(case: Case, events) -> list:
    """The stage bar, from the states the case passed through (its events' "to")."""
    visited = {CaseState.negotiation}
    for e in events:
        to = e.data.get("to") if e.action.startswith("case.") else None
        if to in CaseState.__members__:
            visited.add(CaseState(to))
    return now_panel.stage_bar(case.state, frozenset(visited), case.outcome in ("ruled", "default_ruling"))


@bp.route("/cases/<number>/evidence", methods=["POST"])
@csrf.exempt  # the token is checked from the streamed body (evidence.views.streamed_upload)
@login_required
def upload_evidence(number: str):
    case = services.get_case(number)
    if case is None or not can_add_evidence(current_user, case.order):
        abort(404)
    return streamed_upload(services.evidence_subject(case), url_for("cases.detail", number=number))


def _act(spec: case_actions.PageAction, number: str, **view_args):
    """One post of the case page: the case locked and the action checked against the lifecycle table (403/409
    with its reason otherwise), the form validated, the one service called, post/redirect/get. Bad input or a
    refusal comes back on the case page with the message next to the field and what was typed kept; nothing
    was changed."""
    case = _load(number, spec.action)
    form = spec.make_form(case)
    if spec.confirm and form.validate_on_submit() and request.form.get("confirmed") != "1":
        # cannot be undone: said once more, with what it means (works without JavaScript)
        return render_template("cases/confirm.html", case=case, spec=spec, fields=request.form, extra=view_args)
    if form.validate_on_submit():
        try:
            spec.run(case, current_user, form, **view_args)
        except DomainError as err:
            refuse(err, form)
            status = err.status
        else:
            flash(str(spec.done), "success")
            return _to_case(case)
    else:
        status = 400
    key = (spec.name, view_args["task_id"]) if "task_id" in view_args else spec.name
    return _page(services.get_case(number), failed={key: form}, status=status)


def _register(spec: case_actions.PageAction) -> None:
    def view(number: str, **view_args):
        return _act(spec, number, **view_args)

    bp.add_url_rule(spec.rule, spec.name, login_required(view), methods=["POST"])


for _spec in case_actions.PAGE_ACTIONS:
    _register(_spec)


MERCHANT_CHOICES = 200


@bp.route("/cases")
@require(perm.can_list_cases)
def index():
    """Cases the user may see, in the order chosen (nearest deadline first by default), with how many there are;
    platform staff and regulators filter further."""
    args = request.args.to_dict()
    if current_user.role == Role.merchant_staff:
        args.pop("merchant", None), args.pop("merchant_id", None)
    status, problem, happened = 200, None, None
    try:
        f = case_filters.parse(args)
        sort = case_queries.parse_sort(args.get("sort"))
        happened = case_queries.parse_happened(args)
    except DomainError as err:
        f, sort, status, problem = CaseFilter(), case_queries.DEFAULT_SORT, 400, err
    page, running = case_queries.case_list(current_user, f, cursor=args.get("after"), sort=sort, happened=happened)
    merchant_names, buyer_names = case_queries.parties_of(page.rows)
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
                           merchant_name=merchant_name, problem=problem, args=args, sort=sort,
                           sorts=case_queries.SORTS, count=case_queries.count_cases(current_user, f, happened),
                           happened=happened, kept={**f.query_args(), **(happened.query_args() if happened else {})},
                           merchant_names=merchant_names, buyer_names=buyer_names,
                           show_merchant=current_user.role != Role.merchant_staff,
                           show_buyer=current_user.role != Role.buyer), status


@bp.route("/cases/defaults")
@require(perm.can_read_defaults)
def defaults():
    return render_template("cases/defaults.html", rules=wf.DEADLINES)
