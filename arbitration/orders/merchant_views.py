"""The merchant's pages: queues of requests by deadline, and the decision forms."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from arbitration.auth.permissions import require
from arbitration.db import db
from arbitration.errors import DomainError, InvalidInput
from arbitration.orders import permissions as perm
from arbitration.orders import queries
from arbitration.orders import requests as order_requests
from arbitration.orders import views as order_pages
from arbitration.orders.forms import RespondForm, ReviewForm
from arbitration.orders.models import OrderRequest
from arbitration.orders.rules import OrderState
from arbitration.web import refuse

bp = Blueprint("merchant", __name__, url_prefix="/merchant")


@bp.route("/requests")
@require(perm.can_work_merchant_queue)
def queue():
    kind = "after_sales" if request.args.get("kind") == "after_sales" else "cancellation"
    page = queries.merchant_queue(current_user, kind, cursor=request.args.get("after"))
    return render_template("orders/merchant_queue.html", page=page, kind=kind)


def _load(request_id: int) -> OrderRequest:
    req = db.session.get(OrderRequest, request_id)
    if req is None or not perm.can_answer_request(current_user, req):
        abort(404)
    return req


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
@require(perm.can_work_merchant_queue)
def decide(request_id: int):
    req = _load(request_id)
    order = req.order
    review = req.kind == "cancellation" and req.order_state == OrderState.paid.value
    form = ReviewForm() if review else RespondForm().for_kind(req.kind == "cancellation")
    if req.is_open and form.validate_on_submit():
        try:
            if review:
                order_requests.review_cancellation(order, req, current_user, approve=form.decision.data == "approve",
                                                   text=form.text.data or "")
            elif req.kind == "cancellation":
                order_requests.respond_cancellation(order, req, current_user, response=form.response.data or "",
                                                    amount_fen=_amount(form), text=form.text.data or "")
            else:
                order_requests.respond_after_sales(order, req, current_user, response=form.response.data or "",
                                                   amount_fen=_amount(form), codes=(form.codes.data or "").splitlines(),
                                                   text=form.text.data or "")
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("Your answer was sent to the buyer."), "success")
            return redirect(url_for("merchant.queue", kind=req.kind))
    elif request.method == "POST" and not req.is_open:
        flash(_("This request has been answered already."), "error")
        return render_template("orders/decide.html", req=req, order=order, form=form, review=review,
                               **_evidence(req)), 409
    status = 400 if request.method == "POST" else 200
    return render_template("orders/decide.html", req=req, order=order, form=form, review=review,
                           **_evidence(req)), status


def _evidence(req) -> dict:
    """The request's files and the upload form, from the features that add to the order's pages (a refusal's
    evidence stays with the request and goes with it to a case)."""
    extra = {}
    for part in order_pages.page_context(req.order, [req], current_user):
        extra.update(part)
    return extra


def _amount(form) -> int | None:
    if form.response.data not in ("partial_refund", "compensation"):
        return None
    fen = form.amount.fen()
    if fen is None:
        raise InvalidInput(_l("Enter the amount in yuan, with at most two decimals, e.g. 12.50."), field="amount")
    return fen
