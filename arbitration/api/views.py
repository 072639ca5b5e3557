"""The platform API, `/api/v1`: JSON, bearer tokens with scopes and a rate limit per client, errors with a stable
code and the message in Chinese and English. This module holds the blueprint, the error mapping and the reads (an order,
a case, a ruling's PDF); `intake_views` the writes. Each view declares its operation (`operations`: it also
authenticates), from which `openapi` makes the document and its readable page."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from arbitration.api import representations as rep
from arbitration.api import webhooks  # noqa: F401  (the outbox hears the event log)
from arbitration.api.errors import ApiError, from_domain
from arbitration.api.operations import Binary, operation
from arbitration.api.validation import storable
from arbitration.cases import services as cases
from arbitration.db import db, rollback
from arbitration.errors import DomainError
from arbitration.extensions import csrf
from arbitration.orders import services as orders
from arbitration.rulings import services as rulings
from arbitration.web import render_errors_under, send_stored

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)   # token authentication: no cookies, nothing for a cross-site form to ride on

HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
              415: "unsupported_media_type"}


def _json_error(err: ApiError):
    rollback()
    response = jsonify(err.body())
    response.status_code = err.status
    response.headers.update(err.headers)
    if err.code == "unauthorized":
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.errorhandler(ApiError)
def _api_error(err: ApiError):
    return _json_error(err)


@bp.errorhandler(DomainError)
def _domain_error(err: DomainError):
    return _json_error(from_domain(err))


@bp.errorhandler(HTTPException)
def http_error(err: HTTPException):
    return _json_error(ApiError(HTTP_CODES.get(err.code, "bad_request")))


render_errors_under("/api/", http_error)   # API URLs that match no route answer in the API's format too


@bp.errorhandler(sa_exc.OperationalError)
@bp.errorhandler(sa_exc.InterfaceError)
def _database_unreachable(err):
    current_app.logger.warning("database unavailable: %s", str(err).splitlines()[0][:200])
    try:
        rollback()
    except Exception:
        db.session.close()
    return _json_error(ApiError("unavailable", headers={"Retry-After": "30"}))


@bp.errorhandler(Exception)
def _unexpected(err: Exception):
    current_app.logger.exception("unhandled error in the API")
    return _json_error(ApiError("internal_error"))


@bp.before_request
def _plain_path_values():
    """A path value that no column can hold (NUL, a lone surrogate) names nothing: 404, not a database error."""
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and not storable(value):
            raise ApiError("not_found")
        if isinstance(value, int) and not 0 < value < 2**31:
            raise ApiError("not_found")


@bp.after_request
def _rate_headers(response):
    verdict = g.get("rate")
    if verdict is not None:
        response.headers["X-RateLimit-Limit"] = str(verdict.limit)
        response.headers["X-RateLimit-Remaining"] = str(max(verdict.remaining, 0))
    response.headers["Cache-Control"] = "no-store"
    return response


ORDER_NUMBER = {"number": "KM202609300200000001"}       # path parameter examples for the document
CASE_NUMBER = {"number": "ARB-2026-000123"}


@bp.route("/orders/<number>")
@operation("An order, with its requests and refunds", scope="orders:read", ok={200: rep.ORDER},
           examples=ORDER_NUMBER)
def order(number: str):
    found = orders.get_order(number)
    if found is None:
        raise ApiError("not_found")
    return jsonify(rep.ORDER.dump(found))


@bp.route("/cases/<number>")
@operation("A case: its state, deadlines, events (no message bodies) and rulings", scope="cases:read",
           ok={200: rep.CASE}, examples=CASE_NUMBER)
def case(number: str):
    found = cases.get_case(number)
    if found is None:
        raise ApiError("not_found")
    return jsonify(rep.CASE.dump(found))


@bp.route("/cases/<number>/rulings/<ruling_number>/pdf")
@operation("A ruling's PDF (争议处理决定书)", scope="rulings:read",
           ok={200: Binary("application/pdf", "The PDF/A document")}, errors=(409,),
           examples={**CASE_NUMBER, "ruling_number": "ARB-2026-000123-1"})
def ruling_pdf(number: str, ruling_number: str):
    ruling = rulings.get_ruling(ruling_number)
    found = cases.get_case(number)
    if ruling is None or found is None or ruling.case_id != found.id:
        raise ApiError("not_found")
    if ruling.pdf_state != "ready":
        raise ApiError("not_ready")
    return send_stored(ruling.pdf_key, filename=f"{ruling.number}.pdf", content_type="application/pdf",
                       size=ruling.pdf_size)


from arbitration.api import intake_views, openapi  # noqa: E402,F401  (they register their routes on `bp`)
