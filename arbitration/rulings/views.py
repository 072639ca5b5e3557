"""Ruling pages: the arbitrator's ruling form, a ruling's page and PDF, and the public verification page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from arbitration.cases import services as cases
from arbitration.cases import views as case_pages
from arbitration.cases.models import Case
from arbitration.cases.workflow import Action
from arbitration.db import db
from arbitration.errors import DomainError
from arbitration.forms import choices
from arbitration.rulings import messages as ruling_messages
from arbitration.rulings import rules
from arbitration.rulings import services
from arbitration.rulings.forms import RulingForm, VerifyForm
from arbitration.rulings.pdf import ruling_context
from arbitration.rulings.permissions import can_read_ruling, can_read_rulings_of, can_write_ruling
from arbitration.web import refuse, send_stored

bp = Blueprint("rulings", __name__)


@case_pages.page_context.register
def _on_the_case_page(case: Case, user) -> dict:
    return {"rulings": services.rulings_of(case), "can_read_rulings": can_read_rulings_of(user, case)}


@bp.app_context_processor
def _labels():
    return {"RL": ruling_messages}


def _remedies(form: RulingForm) -> list[rules.Remedy]:
    picked = [rules.Remedy("full_refund")] if form.full_refund.data else []
    if form.partial_refund.data is not None:
        picked.append(rules.Remedy("partial_refund", form.partial_refund.fen() or 0))
    picked += [rules.Remedy(name) for name in ("reissue", "void_fee") if form[name].data]
    if form.compensation.data is not None:
        picked.append(rules.Remedy("compensation", form.compensation.fen() or 0))
    return picked


def _codes(form: RulingForm) -> list[str]:
    other = (form.other_citations.data or "").replace("，", ",").replace(" ", ",").split(",")
    return list(form.citations.data or []) + [code for code in other if code.strip()]


@bp.route("/cases/<number>/ruling", methods=["GET", "POST"])
@login_required
def new(number: str):
    case = cases.get_case(number) if request.method == "GET" else cases.get_case_for_update(number)
    if case is None or not can_write_ruling(current_user, case):
        abort(404)
    cases.ensure_allowed(case, Action.issue_ruling, current_user)
    form = RulingForm(data={"found_tags": [t for t in case.fact_tags if t in ruling_messages.FINDING_LABELS]}
                      if request.method == "GET" else None)
    found = form.found_tags.data or []
    ranked = services.suggestions(case, found)
    form.citations.choices = choices((p.code, p.title) for p, _s in ranked)
    if request.method == "POST" and "refresh" not in request.form and form.validate_on_submit():
        try:
            ruling = services.issue_ruling(case, current_user, decision=form.decision.data or "",
                                           facts_found=form.facts_found.data or "",
                                           reasoning=form.reasoning.data or "", remedies=_remedies(form),
                                           citations=_codes(form), found_tags=found)
        except DomainError as err:
            refuse(err, form)
        else:
            flash(_("Ruling %(number)s is issued. Its PDF is being prepared.", number=ruling.number), "success")
            return redirect(url_for("cases.detail", number=case.number))
    status = 400 if request.method == "POST" and "refresh" not in request.form else 200
    return render_template("rulings/new.html", case=case, form=form, ranked=ranked, money=services.money_of(case),
                           reason_text=services.reason_text,
                           punitive_cap=rules.compensation_cap(services.money_of(case), rules.PUNITIVE_CODES)), status


def _readable(number: str):
    ruling = services.get_ruling(number)
    if ruling is None or not can_read_ruling(current_user, ruling):
        abort(404)
    return ruling, db.session.get(Case, ruling.case_id)


@bp.route("/rulings/<number>")
@login_required
def detail(number: str):
    ruling, case = _readable(number)
    return render_template("rulings/detail.html", **ruling_context(ruling),
                           superseded_by=services.superseded_by(ruling))


@bp.route("/rulings/<number>/pdf")
@login_required
def download(number: str):
    ruling, case = _readable(number)
    if ruling.pdf_state != "ready":
        flash(_("The document of ruling %(number)s is being prepared; try again in a minute.", number=number),
              "info")
        return redirect(url_for("rulings.detail", number=number))
    services.record_download(current_user, ruling)
    return send_stored(ruling.pdf_key, filename=f"{ruling.number}.pdf", content_type="application/pdf",
                       size=ruling.pdf_size)


VERIFY_MAX_BYTES = 50 * 1024 * 1024


@bp.route("/rulings/verify", methods=["GET", "POST"])
def verify():
    """Anyone holding a PDF can check whether it is a ruling issued here, and which (by its SHA-256)."""
    request.max_content_length = VERIFY_MAX_BYTES + 64 * 1024
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            form.file.errors = [_("Choose the PDF file to check.")]
        else:
            def chunks():
                seen = 0
                while chunk := upload.stream.read(1024 * 1024):
                    seen += len(chunk)
                    if seen > VERIFY_MAX_BYTES:
                        raise DomainError(_l("The file is larger than any issued ruling."))
                    yield chunk
            try:
                sha, ruling = services.find_by_pdf(chunks())
            except DomainError as err:
                form.file.errors = [str(err)]
            else:
                result = {"sha256": sha, "ruling": ruling,
                          "case": db.session.get(Case, ruling.case_id) if ruling else None,
                          "superseded_by": services.superseded_by(ruling) if ruling else None}
    status = 400 if form.errors else 200
    return render_template("rulings/verify.html", form=form, result=result), status
