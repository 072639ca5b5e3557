"""Order pages: the buyer's orders and actions, support's locks and refund outcomes."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from arbitration import access
from arbitration.audit.services import events_of
from arbitration.auth.permissions import require
from arbitration.db import db
from arbitration.errors import DomainError
from arbitration.forms import PlainForm
from arbitration.hooks import Hook
from arbitration.orders import messages
from arbitration.orders import now as order_now
from arbitration.orders import permissions as perm
from arbitration.orders import queries
from arbitration.orders import requests as order_requests
from arbitration.orders import services
from arbitration.orders.forms import (AfterSalesForm, CancelForm, ConfirmForm, LockForm, PlatformFaultForm,
                                      RefundOutcomeForm, UnlockForm, VerifyReissueForm)
from arbitration.orders.models import OrderRequest
from arbitration.orders.refunds import mark_refund, outcomes_for, refunds_of
from arbitration.orders.escalations import open_escalation
from arbitration.orders.rules import Action, OrderState
from arbitration.web import refuse

bp = Blueprint("orders", __name__)
# more of the order page from the features above orders: page_context(order, user) -> dict for the template
# (the evidence feature adds each request's files and upload form)
page_context = Hook("orders.page_context")


@bp.app_context_processor
def _labels():
    return {"L": messages, "order_perm": perm, "Action": Action}


def _load(number: str, action: Action | None = None):
    """The order, if the user may see it (404 otherwise: no hint that it exists), and may take `action` now."""
    order = services.get_order(number)
    if order is None or not perm.can_view_order(current_user, order):
        abort(404)
    if action is not None:
        services.ensure_allowed(order, action, current_user)  # 403, or 409 saying why not now
    return order


def _visible_case(order):
    case = services.open_case_on(order.id)
    return case if case is not None and access.may_view(current_user, case) else None


def _detail(number: str):
    return redirect(url_for("orders.detail", number=number))


@bp.route("/orders")
@require(perm.can_list_own_orders)
def my_orders():
    state = request.args.get("state", "")
    q = request.args.get("q", "").strip()[:100]
    page = queries.buyer_orders(current_user, state=state, q=q, cursor=request.args.get("after"))
    disputes = services.latest_cases_on([o.id for o in page.rows])
    return render_template("orders/list.html", page=page, state=state, q=q, states=list(OrderState),
                           running=queries.next_deadline_by_order(page.rows), disputes=disputes,
                           may_open={case.id for case in disputes.values() if access.may_view(current_user, case)})


@bp.route("/orders/<number>")
@login_required
def detail(number: str):
    return _page(_load(number))


def _page(order, failed: dict | None = None, status: int = 200):
    """The order page; `failed` holds a small form that was refused ("unlock", "verify", ("refund", id)), bound
    to what was typed, with its message next to the field."""
    forms = {"unlock": UnlockForm(formdata=None), "verify": VerifyReissueForm(formdata=None)}
    forms.update(failed or {})
    requests = queries.requests_of(order)
    extra = {}
    for part in page_context(order, requests, current_user):
        extra.update(part)
    actions = services.allowed_actions(current_user, order)
    req, refunds = services.open_request(order), refunds_of(order)
    case = services.open_case_on(order.id)
    window = open_escalation(order) if case is None else None
    facts = order_now.Facts(
        state=order.state, role=perm.order_role(current_user, order), actions=frozenset(actions),
        open_request=("reissued" if req.state == "reissued" else req.kind) if req is not None else None,
        case_window_open=window is not None, open_case=case is not None, locked=order.locked)
    reached = {s for s, at in ((OrderState.paid, order.paid_at), (OrderState.delivered, order.delivered_at),
                               (OrderState.completed, order.completed_at)) if at} | {OrderState.pending_payment}
    return render_template(
        "orders/detail.html", order=order, actions=actions, requests=requests, refunds=refunds,
        events=events_of("order", order.id), deadlines=queries.running_deadlines(order),
        escalations=queries.escalations_of(order), open_request=req, case_window=window,
        now=order_now.now(facts), refund_on_its_way=any(f.state == "pending" for f in refunds),
        stages=order_now.stage_bar(order.state, frozenset(reached), any(f.state == "pending" for f in refunds)),
        show_codes=perm.can_see_card_codes(current_user, order),
        refund_outcomes=outcomes_for, open_case=_visible_case(order), unlock_form=forms["unlock"],
        verify_form=forms["verify"], failed_refund=next((k[1] for k in forms if isinstance(k, tuple)), None),
        refund_form=next((f for k, f in forms.items() if isinstance(k, tuple)), RefundOutcomeForm(formdata=None)),
        **extra), status


@bp.route("/orders/<number>/cancel", methods=["GET", "POST"])
@login_required
def cancel(number: str):
    order = _load(number)
    if order.state == OrderState.completed and order.buyer_id == current_user.id:
        # not cancellable: the page says why and what to do instead
        return render_template("orders/not_cancellable.html", order=order), 409
    services.ensure_allowed(order, Action.cancel if order.state == OrderState.pending_payment
                            else Action.request_cancellation, current_user)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            req = order_requests.request_cancellation(
                order, current_user, reason=form.reason.data or "", reason_text=form.reason_text.data or "",
                ground=form.ground.data or "", description=form.description.data or "")
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("The order is cancelled.") if req is None else
                  _("Your cancellation request was sent to the merchant."), "success")
            return _detail(number)
    status = 400 if request.method == "POST" else 200
    fee, hidden = order_requests.fee_preview(order)
    return render_template("orders/cancel.html", order=order, form=form, fee=fee, hidden_fee=hidden), status


def _form_page(order, form, template: str, act, success: str, **context):
    """Post/redirect/get for one order form: validate, call the service, flash, back to the order."""
    if form.validate_on_submit():
        try:
            act()
        except DomainError as err:
            refuse(err, form)
        else:
            flash(success, "success")
            return _detail(order.number)
    status = 400 if request.method == "POST" else 200
    return render_template(template, order=order, form=form, **context), status


@bp.route("/orders/<number>/confirm", methods=["GET", "POST"])
@login_required
def confirm(number: str):
    order = _load(number, Action.confirm_receipt)
    form = ConfirmForm()
    return _form_page(order, form, "orders/confirm.html",
                      lambda: services.confirm_receipt(order, current_user, goods_checked=form.goods_checked.data),
                      _("Receipt confirmed. The order is completed."))


@bp.route("/orders/<number>/after-sales", methods=["GET", "POST"])
@login_required
def after_sales(number: str):
    order = _load(number, Action.request_after_sales)
    form = AfterSalesForm()
    return _form_page(order, form, "orders/after_sales.html",
                      lambda: order_requests.request_after_sales(order, current_user, problem=form.problem.data or "",
                                                                 description=form.description.data or ""),
                      _("Your after-sales request was sent to the merchant."))


@bp.route("/orders/<number>/platform-fault", methods=["GET", "POST"])
@login_required
def platform_fault(number: str):
    order = _load(number, Action.report_platform_fault)
    form = PlatformFaultForm()
    return _form_page(order, form, "orders/platform_fault.html",
                      lambda: order_requests.report_platform_fault(order, current_user, fault=form.fault.data or "",
                                                                   description=form.description.data or ""),
                      _("The fault was recorded. The order can now go to a dispute case."))


def _inline(number: str, form, run, success, key):
    """A small form on the order page: validate, act, flash, back to the order; bad input or a refusal comes
    back on the order page with its message next to the field and what was typed kept."""
    if form.validate_on_submit():
        try:
            run()
        except DomainError as err:
            refuse(err, form)
            status = err.status
        else:
            flash(success, "success")
            return _detail(number)
    else:
        status = 400
    return _page(services.get_order(number), failed={key: form}, status=status)


@bp.route("/orders/<number>/requests/<int:request_id>/verify", methods=["POST"])
@login_required
def verify_reissue(number: str, request_id: int):
    order = _load(number, Action.verify_reissue)
    req = db.session.get(OrderRequest, request_id) or abort(404)
    form = VerifyReissueForm()
    if form.works.data not in ("yes", "no"):
        abort(400)
    works = form.works.data == "yes"
    return _inline(number, form, lambda: order_requests.verify_reissue(order, req, current_user, works=works,
                                                                       note=form.note.data or ""),
                   _("Thank you: the reissue is accepted.") if works else
                   _("Recorded. You can now open a dispute case on this order."), "verify")


@bp.route("/orders/<number>/requests/<int:request_id>/withdraw", methods=["POST"])
@login_required
def withdraw_request(number: str, request_id: int):
    order = _load(number, Action.withdraw_request)
    req = db.session.get(OrderRequest, request_id) or abort(404)
    return _inline(number, PlainForm(), lambda: order_requests.withdraw_request(order, req, current_user),
                   _("Your request is withdrawn."), "withdraw")


@bp.route("/orders/<number>/lock", methods=["POST"])
@require(perm.can_manage_locks)
def lock(number: str):
    order = _load(number, Action.lock)
    return _inline(number, LockForm(), lambda: services.lock_order(order, current_user, "manual"),
                   _("The order is locked."), "lock")


@bp.route("/orders/<number>/unlock", methods=["POST"])
@require(perm.can_manage_locks)
def unlock(number: str):
    order = _load(number, Action.unlock)
    form = UnlockForm()
    return _inline(number, form, lambda: services.unlock_order(order, current_user, method=form.method.data or "",
                                                               note=form.note.data or ""),
                   _("The order is unlocked."), "unlock")


@bp.route("/orders/<number>/refunds/<int:refund_id>/<outcome>", methods=["POST"])
@require(perm.can_record_refund_outcome)
def refund_outcome(number: str, refund_id: int, outcome: str):
    order = _load(number)
    if outcome not in ("done", "failed", "retry"):
        abort(404)
    form = RefundOutcomeForm()
    return _inline(number, form, lambda: mark_refund(order, refund_id, outcome, current_user,
                                                     reason=form.reason.data or ""),
                   _("The refund is updated."), ("refund", refund_id))


@bp.route("/support/locks")
@require(perm.can_manage_locks)
def locks():
    page = queries.locked_orders(current_user, cursor=request.args.get("after"))
    return render_template("orders/locks.html", page=page, unlock_form=UnlockForm(formdata=None))
