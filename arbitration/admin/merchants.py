"""Admin pages for merchants: their timing policy and fee schedules."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from arbitration.admin.forms import FeeScheduleForm, PolicyForm
from arbitration.auth.permissions import can_manage_merchants, require
from arbitration.db import db
from arbitration.errors import DomainError
from arbitration.merchants import services
from arbitration.merchants.models import Merchant
from arbitration.web import refuse

bp = Blueprint("merchants", __name__, url_prefix="/admin/merchants")


@bp.route("")
@require(can_manage_merchants)
def index():
    merchants = db.session.scalars(sa.select(Merchant).order_by(Merchant.name)).all()
    return render_template("merchants/list.html", merchants=merchants)


def _page(merchant, policy_form, fee_form, status=200):
    return render_template("merchants/edit.html", merchant=merchant, policy_form=policy_form, fee_form=fee_form,
                           schedules=services.fee_schedules(merchant)), status


@bp.route("/<int:merchant_id>", methods=["GET", "POST"])
@require(can_manage_merchants)
def edit(merchant_id: int):
    merchant = db.session.get(Merchant, merchant_id) or abort(404)
    form = PolicyForm(obj=merchant)
    if form.validate_on_submit():
        try:
            services.update_policy(current_user, merchant, {f: getattr(form, f).data for f in Merchant.POLICY_FIELDS})
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("The policy is saved. It applies to orders and requests from now on."), "success")
            return redirect(url_for("merchants.edit", merchant_id=merchant.id))
    return _page(merchant, form, FeeScheduleForm(formdata=None), 400 if request.method == "POST" else 200)


@bp.route("/<int:merchant_id>/fees", methods=["POST"])
@require(can_manage_merchants)
def add_fees(merchant_id: int):
    merchant = db.session.get(Merchant, merchant_id) or abort(404)
    form = FeeScheduleForm()
    if form.validate_on_submit():
        try:
            services.add_fee_schedule(current_user, merchant, paid_rate_bp=int(form.paid_rate.data * 100),
                                      delivered_rate_bp=int(form.delivered_rate.data * 100),
                                      note=form.note.data or "")
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("A new fee schedule version is in force."), "success")
            return redirect(url_for("merchants.edit", merchant_id=merchant.id))
    return _page(merchant, PolicyForm(obj=merchant, formdata=None), form, 400)
