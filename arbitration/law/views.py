"""The law library pages: search and read (everyone signed in); add, amend, retire (admins)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from arbitration.auth.permissions import require
from arbitration.errors import DomainError
from arbitration.law import services
from arbitration.law.forms import AmendForm, ProvisionForm, RetireForm
from arbitration.law.permissions import can_manage_law, can_read_law
from arbitration.web import refuse

bp = Blueprint("law", __name__, url_prefix="/law")


@bp.route("")
@require(can_read_law)
def index():
    q, law = request.args.get("q", "").strip()[:100], request.args.get("law", "")[:120]
    retired = request.args.get("retired") == "1"
    return render_template("law/index.html", provisions=services.search(q, law, include_retired=retired), q=q,
                           law=law, laws=services.laws(), retired=retired, can_manage=can_manage_law(current_user))


@bp.route("/<code>")
@require(can_read_law)
def detail(code: str):
    versions = services.versions(code)
    if not versions:
        abort(404)
    return render_template("law/detail.html", versions=versions, latest=versions[0], retire_form=RetireForm(),
                           can_manage=can_manage_law(current_user))


@bp.route("/new", methods=["GET", "POST"])
@require(can_manage_law)
def new():
    form = ProvisionForm()
    if form.validate_on_submit():
        try:
            row = services.add(current_user, {name: form[name].data for name in (
                "code", "law", "law_en", "article", "paragraph", "effective", "text_zh", "gloss_en", "applies_when",
                "source")} | {"verified": False})
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("%(code)s is added to the law library.", code=row.code), "success")
            return redirect(url_for("law.detail", code=row.code))
    return render_template("law/form.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/<code>/amend", methods=["GET", "POST"])
@require(can_manage_law)
def amend(code: str):
    old = services.current(code)
    if old is None:
        abort(404)
    form = AmendForm(data={"text_zh": old.text_zh, "gloss_en": old.gloss_en} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            row = services.amend(current_user, code, text_zh=form.text_zh.data or "", effective=form.effective.data,
                                 gloss_en=form.gloss_en.data or "", change_note=form.change_note.data or "")
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("%(code)s now has version %(version)d.", code=code, version=row.version), "success")
            return redirect(url_for("law.detail", code=code))
    return render_template("law/amend.html", form=form, old=old), 400 if request.method == "POST" else 200


@bp.route("/<code>/retire", methods=["POST"])
@require(can_manage_law)
def retire(code: str):
    form = RetireForm()
    if services.current(code) is None:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    try:
        services.retire(current_user, code, reason=form.reason.data or "")
    except DomainError as err:
        refuse(err)
        return redirect(url_for("law.detail", code=code)), 303
    flash(_("%(code)s is retired: it is no longer suggested or citable.", code=code), "success")
    return redirect(url_for("law.detail", code=code))
