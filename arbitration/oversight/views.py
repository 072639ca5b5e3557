"""Oversight pages for regulators and supervisors: a case's dossier, bulk exports with progress, statistics
with charts and CSV downloads. Read-only on cases: nothing here changes a case."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from arbitration import clock
from arbitration.audit.services import record_event
from arbitration.auth.permissions import require
from arbitration.cases import filters as case_filters
from arbitration.cases import permissions as case_perm
from arbitration.cases import services as cases
from arbitration.cases.views import MERCHANT_CHOICES
from arbitration.cases.filters import CaseFilter
from arbitration.db import db, rollback
from arbitration.errors import DomainError
from arbitration.forms import PlainForm
from arbitration.merchants.models import Merchant
from arbitration.oversight import charts, compliance, compliance_rules, dashboard, exports, stats, tables
from arbitration.oversight import dossier as dossier_pdf
from arbitration.oversight import dossier_cache
from arbitration.oversight import permissions as export_perm
from arbitration.oversight.messages import EXPORT_STATE_LABELS
from arbitration.oversight.models import Export
from arbitration.storage import content_disposition
from arbitration.web import refuse, send_stored

bp = Blueprint("oversight", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_context_processor
def _helpers():
    return {"export_perm": export_perm, "EXPORT_STATE_LABELS": EXPORT_STATE_LABELS,
            "MIN_CASES": compliance_rules.MIN_CASES}


def _pdf_response(data: bytes, filename: str):
    response = current_app.response_class(data, content_type="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/cases/<number>/dossier")
@require(export_perm.can_export)
def dossier(number: str):
    """One case's dossier, rendered now (optionally with the evidence files attached inside)."""
    case = cases.get_case(number)
    if case is None or not case_perm.can_view_case(current_user, case):
        abort(404)
    now = clock.now_utc()
    exporter, attach = exports.exporter_of(current_user), request.args.get("evidence") == "1"
    data = dossier_cache.dossier_bytes(case, lambda: dossier_pdf.render(case, exporter, now, attach_evidence=attach),
                                       extra=(exporter.name, exporter.role, attach))
    record_event("case", case.id, current_user, "case.dossier_exported",
                 {"with_evidence": request.args.get("evidence") == "1"}, now=now)
    return _pdf_response(data, f"{case.number}-dossier.pdf")


def _filter_or_none(args) -> tuple[CaseFilter | None, DomainError | None]:
    try:
        return case_filters.parse(args), None
    except DomainError as err:
        return None, err


@bp.route("/exports", methods=["GET"])
@require(export_perm.can_export)
def export_list():
    return render_template("oversight/exports.html", exports=exports.exports_of(current_user))


@bp.route("/exports/new", methods=["GET", "POST"])
@require(export_perm.can_export)
def new_export():
    """GET: what would be exported (from the case list's filter); POST: ask for it."""
    args = (request.form if request.method == "POST" else request.args).to_dict()
    f, problem = _filter_or_none(args)
    count = len(exports.matching_ids(f, current_user)) if f else 0
    unmasked = args.get("unmasked") == "1"
    if request.method == "POST" and f is not None:
        try:
            if unmasked and not export_perm.can_export_unmasked(current_user):
                abort(403)
            case_list = exports.parse_case_list(args.get("case_list", "")) if unmasked else None
            export = exports.request_export(current_user, f, with_evidence=args.get("with_evidence") == "1",
                                            legal_basis=args.get("legal_basis", "") if unmasked else "",
                                            case_list=case_list)
        except DomainError as err:
            if err.field in ("legal_basis", "case_list"):
                rollback()                       # shown next to its field below
            else:
                refuse(err)
            problem = err
        else:
            flash(_("The export of %(n)d cases is queued.", n=export.total), "success")
            return redirect(url_for("oversight.export_detail", export_id=export.id))
    merchant = db.session.get(Merchant, f.merchant_id) if f and f.merchant_id else None
    status = 400 if problem else 200
    return render_template("oversight/new_export.html", f=f or CaseFilter(), args=args, count=count,
                           problem=problem, merchant=merchant, unmasked=unmasked,
                           opened_range=exports.opened_range(f, current_user) if f else None), status


def _own(export_id: int) -> Export:
    export = db.session.get(Export, export_id)
    if export is None or not export_perm.can_download_export(current_user, export):
        abort(404)
    return export


@bp.route("/exports/<int:export_id>")
@require(export_perm.can_export)
def export_detail(export_id: int):
    export = _own(export_id)
    return render_template("oversight/export.html", export=export, now=clock.now_utc())


@bp.route("/exports/<int:export_id>/cancel", methods=["POST"])
@require(export_perm.can_export)
def cancel_export(export_id: int):
    export = _own(export_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        exports.cancel(current_user, export)
    except DomainError as err:
        refuse(err)
        return redirect(url_for("oversight.export_detail", export_id=export_id)), 303
    flash(_("The export is being cancelled."), "success")
    return redirect(url_for("oversight.export_detail", export_id=export_id))


@bp.route("/exports/<int:export_id>/download")
@require(export_perm.can_export)
def download_export(export_id: int):
    export = _own(export_id)
    exports.check_download(export)          # not ready → 409, expired → 410, each with its message
    exports.record_download(current_user, export)
    return send_stored(export.zip_key, filename=f"dossiers-{export.id}.zip", content_type="application/zip",
                       size=export.zip_size)


@bp.route("/stats")
@require(export_perm.can_read_stats)
def stats_page():
    f, problem = _filter_or_none(request.args.to_dict())
    if f is not None:
        try:
            stats.check_filter(f)
        except DomainError as err:
            problem = err           # the form keeps what was chosen; no figure is cut wrongly
    figures = stats.all_figures(f) if f and not problem else []
    drawn = [(fig, charts.bar_chart([(str(r[0]), float(r[fig.chart_column])) for r in fig.shown], title=fig.title,
                                    unit=fig.unit, decimals=fig.decimals)) for fig in figures]
    # a list to choose from while it is short (as on the case list); thousands of merchants get a number field
    merchants = db.session.execute(sa.select(Merchant.id, Merchant.name).order_by(Merchant.name)
                                   .limit(MERCHANT_CHOICES + 1)).all()
    merchant_name = None
    if len(merchants) > MERCHANT_CHOICES:
        merchants = None
        merchant_name = db.session.scalar(sa.select(Merchant.name).where(Merchant.id == f.merchant_id)) \
            if f and f.merchant_id else None
    board = dashboard.build(request.args)
    return render_template("oversight/stats.html", drawn=drawn, f=f or CaseFilter(), problem=problem,
                           args=request.args.to_dict(), merchants=merchants, merchant_name=merchant_name,
                           dashboard=board
                           ), 400 if problem or board.problem else 200


def _figure_table(figure: str):
    """(figure, English header or None) for a download; ?header=en adds an English header row."""
    if figure not in stats.FIGURES:
        abort(404)
    f, problem = _filter_or_none(request.args.to_dict())
    if problem:
        raise problem
    fig = stats.FIGURES[figure](f)
    english = None
    if request.args.get("header") == "en":
        with force_locale("en"):
            english = [str(c) for c in stats.FIGURES[figure](f).columns]
    return fig, english


@bp.route("/stats/<figure>.csv")
@require(export_perm.can_read_stats)
def stats_csv(figure: str):
    fig, english = _figure_table(figure)
    response = current_app.response_class(tables.csv_text(fig.columns, fig.rows, english),
                                          content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = content_disposition(f"{figure}.csv")
    return response


@bp.route("/stats/<figure>.xlsx")
@require(export_perm.can_read_stats)
def stats_xlsx(figure: str):
    fig, english = _figure_table(figure)
    response = current_app.response_class(tables.xlsx_bytes(str(fig.title), fig.columns, fig.rows, english),
                                          content_type=XLSX)
    response.headers["Content-Disposition"] = content_disposition(f"{figure}.xlsx")
    return response


# ---- merchant compliance: every merchant's score (regulators, supervisors, admins), one merchant's record ----

def _months():
    """The months asked for, or the last 12 with the problem to show next to its field."""
    on = compliance.today()
    try:
        return compliance.parse_months(request.args, on), None
    except DomainError as err:
        return compliance.last_months(on), err


def _compliance_context(months, problem) -> dict:
    return {"months": months, "problem": problem, "C": compliance, "CR": compliance_rules,
            "args": {k: request.args.get(k, "") for k in ("from", "to")}}


@bp.route("/oversight/merchants")
@require(export_perm.can_read_stats)
def compliance_page():
    """Every merchant with a case in the months, worst first: the first COMPLIANCE_SHOWN on the page unless `all`
    is asked for (2,000 merchants are a page of megabytes)."""
    months, problem = _months()
    rows = compliance.records(months)
    every = request.args.get("all") == "1"
    return render_template("oversight/compliance.html", rows=rows if every else rows[:COMPLIANCE_SHOWN],
                           total=len(rows), every=every,
                           **_compliance_context(months, problem)), 400 if problem else 200


COMPLIANCE_SHOWN = 100


@bp.route("/oversight/merchants/<int:merchant_id>")
@require(export_perm.may_see_some_compliance)
def merchant_compliance(merchant_id: int):
    merchant = db.session.get(Merchant, merchant_id)
    if merchant is None or not export_perm.can_read_compliance(current_user, merchant_id):
        abort(404)
    months, problem = _months()
    return render_template("oversight/merchant_compliance.html", view=compliance.merchant_view(merchant, months),
                           own=export_perm.has_own_compliance(current_user),
                           **_compliance_context(months, problem)), 400 if problem else 200


@bp.route("/compliance")
@require(export_perm.has_own_compliance)
def own_compliance():
    """A merchant's staff: their own merchant's page."""
    return redirect(url_for("oversight.merchant_compliance", merchant_id=current_user.merchant_id,
                            **request.args.to_dict()))
