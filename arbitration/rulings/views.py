"""Ruling pages: a ruling's page and PDF, and the public verification page (the ruling form, drafts and four eyes:
draft_views.py, on the same blueprint)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from arbitration.cases import views as case_pages
from arbitration.cases.enforcement import decision_words
from arbitration.cases.models import Case
from arbitration.db import db
from arbitration.rulings import messages as ruling_messages
from arbitration.rulings import permissions as ruling_permissions
from arbitration.rulings import services, verification
from arbitration.rulings.forms import VerifyForm
from arbitration.rulings.pdf import ruling_context
from arbitration.rulings.permissions import can_read_ruling, can_read_rulings_of
from arbitration.web import send_stored

bp = Blueprint("rulings", __name__)


@case_pages.page_context.register
def _on_the_case_page(case: Case, user) -> dict:
    return {"rulings": services.rulings_of(case), "can_read_rulings": can_read_rulings_of(user, case)}


@bp.app_context_processor
def _labels():
    return {"RL": ruling_messages, "ruling_perm": ruling_permissions, "draft_case_number": _draft_case_number}


def _draft_case_number(draft) -> str:
    return db.session.get(Case, draft.case_id).number


def _readable(number: str):
    ruling = services.get_ruling(number)
    if ruling is None or not can_read_ruling(current_user, ruling):
        abort(404)
    return ruling, db.session.get(Case, ruling.case_id)


@bp.route("/rulings/<number>")
@login_required
def detail(number: str):
    ruling, case = _readable(number)
    superseded_by = services.superseded_by(ruling)
    in_force = superseded_by is None and case.outcome in ("ruled", "default_ruling")
    words = None if superseded_by else \
        decision_words(case, None if in_force else services.remedy_pairs(ruling))
    return render_template("rulings/detail.html", **ruling_context(ruling), superseded_by=superseded_by,
                           decision_words=words)


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
    """Anyone holding a PDF can check the platform's signature on it, its trusted time, that no byte changed, and
    whether it is a ruling issued here, and which (by its SHA-256)."""
    request.max_content_length = VERIFY_MAX_BYTES + 64 * 1024
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            form.file.errors = [_("Choose the PDF file to check.")]
        else:
            data = upload.stream.read(VERIFY_MAX_BYTES + 1)
            if len(data) > VERIFY_MAX_BYTES:
                form.file.errors = [str(_l("The file is larger than any issued ruling."))]
            else:
                verdict = verification.check(data)
                ruling = verdict.ruling
                result = {"sha256": verdict.sha256, "ruling": ruling, "verdict": verdict,
                          "case": db.session.get(Case, ruling.case_id) if ruling else None,
                          "superseded_by": services.superseded_by(ruling) if ruling else None}
    status = 400 if form.errors else 200
    return render_template("rulings/verify.html", form=form, result=result), status
