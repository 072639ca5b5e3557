"""The public decision library's pages (no sign-in), and the supervisor's withholding of a decision from it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from arbitration.auth.models import Role
from arbitration.auth.permissions import require, role_of
from arbitration.cases import workflow as wf
from arbitration.cases.messages import CATEGORY_LABELS
from arbitration.db import rollback
from arbitration.errors import DomainError, InvalidInput
from arbitration.library import rules, services
from arbitration.rulings import services as rulings
from arbitration.rulings.messages import DECISION_LABELS
from arbitration.search.text import MAX_QUERY_CHARS
from arbitration.web import refuse

bp = Blueprint("library", __name__)
MAX_PAGE = 50


def can_withhold(user) -> bool:
    return role_of(user) == Role.supervisor


@bp.app_context_processor
def _helpers():
    return {"library_status": status_of, "can_withhold_publication": can_withhold}


def status_of(ruling) -> dict:
    """Where a decision stands with the library, for the staff pages that show a decision."""
    return {"published": services.published(ruling), "hold": services.hold_of(ruling)}


def _query() -> tuple[dict, DomainError | None]:
    args = {"q": request.args.get("q", "").strip(), "category": request.args.get("category", ""),
            "decision": request.args.get("decision", ""), "page": request.args.get("page", "1").strip()}
    if len(args["q"]) > MAX_QUERY_CHARS:
        return args, InvalidInput(_l("Search for at most %(n)d characters.", n=MAX_QUERY_CHARS), field="q")
    if args["category"] and args["category"] not in CATEGORY_LABELS:
        return args, InvalidInput(_l("Choose a category from the list."), field="category")
    if args["decision"] and args["decision"] not in DECISION_LABELS:
        return args, InvalidInput(_l("Choose an outcome from the list."), field="decision")
    if not args["page"].isdigit() or not 1 <= int(args["page"]) <= MAX_PAGE:
        return args, InvalidInput(_l("Unknown page."), field="page")
    return args, None


@bp.route("/library")
def index():
    """Final decisions, masked, searchable by anyone; the platform's dispute rules beside them (ECL-63)."""
    args, problem = _query()
    found = None if problem else services.browse(args["q"], args["category"], args["decision"], int(args["page"]))
    return render_template("library/index.html", args=args, problem=problem, found=found, rules=wf.DEADLINES,
                           categories=CATEGORY_LABELS, decisions=DECISION_LABELS), 400 if problem else 200


@bp.route("/library/<number>")
def detail(number: str):
    decision = services.get(number)
    if decision is None:
        abort(404)
    return render_template("library/detail.html", d=decision)


def _ruling_or_404(number: str):
    ruling = rulings.get_ruling(number)
    if ruling is None:
        abort(404)
    return ruling


@bp.route("/library/<number>/withhold", methods=["GET", "POST"])
@require(can_withhold)
def withhold(number: str):
    """A supervisor keeps a decision out of the library (or takes it out), saying why; recorded in the log."""
    ruling = _ruling_or_404(number)
    status, problem = 200, None
    if request.method == "POST":
        try:
            services.withhold(ruling, current_user, request.form.get("reason", ""))
        except DomainError as err:
            if err.field == "reason":
                rollback()              # said next to the field, once (refuse would say it again at the top)
            else:
                refuse(err)
            status, problem = err.status, err
        else:
            flash(gettext("Decision %(number)s will not be published in the library.", number=number), "success")
            return redirect(url_for("precedents.detail", number=number))
    return render_template("library/withhold.html", ruling=ruling, status=status_of(ruling), problem=problem,
                           reason=request.form.get("reason", ""), max_reason=rules.MAX_REASON), status


@bp.route("/library/<number>/release", methods=["POST"])
@require(can_withhold)
def release(number: str):
    ruling = _ruling_or_404(number)
    try:
        services.release(ruling, current_user)
    except DomainError as err:
        refuse(err)
    else:
        flash(gettext("Decision %(number)s will be published in the library once it is final.", number=number),
              "success")
    return redirect(url_for("precedents.detail", number=number))
