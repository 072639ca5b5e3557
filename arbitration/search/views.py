"""The search page: words, the case filters, results with their matching words marked."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from arbitration.auth.models import Role
from arbitration.auth.permissions import require
from arbitration.cases import filters as case_filters
from arbitration.cases import permissions as case_perm
from arbitration.cases import queries as case_queries
from arbitration.cases.filters import CaseFilter
from arbitration.db import db
from arbitration.errors import DomainError, InvalidInput
from arbitration.evidence import views as evidence_pages
from arbitration.merchants.models import Merchant
from arbitration.search import queries
from arbitration.search.extract import readable
from arbitration.search.marks import marked
from arbitration.search.models import EvidenceText
from arbitration.search.text import MAX_QUERY_CHARS

bp = Blueprint("search", __name__)


@evidence_pages.view_parts.register
def _text_beside_the_file(evidence, user):
    """A screenshot's machine-read text (or that it is being read), with order numbers, amounts and times marked."""
    if readable(evidence) != "ocr":
        return []
    reading = db.session.get(EvidenceText, evidence.id)
    return [("search/_machine_text.html", {"reading": reading, "marks": marked(reading.text) if reading else []})]


MERCHANT_CHOICES = 200
SOURCE_LABELS = {"statement": _l("Statement"), "request": _l("Request and answer"), "refusal": _l("Refusal"),
                 "message": _l("Message"), "ruling": _l("Decision"), "evidence": _l("Evidence")}


@bp.route("/search")
@require(case_perm.can_list_cases)
def index():
    args = request.args.to_dict()
    words = (args.pop("q", "") or "").strip()
    if current_user.role == Role.merchant_staff:
        args.pop("merchant", None), args.pop("merchant_id", None)
    if not case_perm.can_filter_oversight(current_user):
        for name in ("date_from", "date_to", "outcome", "missed", "escalated"):
            args.pop(name, None)
    status, problem, results = 200, None, None
    try:
        f = case_filters.parse({k: v for k, v in args.items() if k != "page"})
        page = _page(args.get("page"))
        if len(words) > MAX_QUERY_CHARS:
            raise InvalidInput(_l("Search for at most %(n)d characters.", n=MAX_QUERY_CHARS), field="q")
    except DomainError as err:
        f, page, status, problem = CaseFilter(), 1, 400, err
    if words and problem is None:
        results = queries.search(current_user, words, f, page)
    merchant_names, buyer_names = case_queries.parties_of([r.case for r in results.rows]) if results else ({}, {})
    merchants = None
    if case_perm.can_filter_by_merchant(current_user):
        merchants = db.session.execute(sa.select(Merchant.id, Merchant.name).order_by(Merchant.name)
                                       .limit(MERCHANT_CHOICES)).all()
    return render_template("search/index.html", q=words, results=results, filters=f, args=args, problem=problem,
                           merchants=merchants, merchant_names=merchant_names, buyer_names=buyer_names,
                           sources=SOURCE_LABELS, show_merchant=current_user.role != Role.merchant_staff,
                           show_buyer=current_user.role != Role.buyer), status


def _page(raw: str | None) -> int:
    raw = (raw or "1").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 50:
        raise InvalidInput(_l("Unknown page."), field="page")
    return int(raw)
