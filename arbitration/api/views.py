"""The platform API, `/api/v1`: JSON, bearer tokens with scopes, errors with a stable code and the message in
Chinese and English. This first part reads orders, cases (state, deadlines, events) and rulings (with their
PDFs); the OpenAPI document and a readable page describe it."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Blueprint, g, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from arbitration.api import openapi
from arbitration.api import services as api
from arbitration.audit.services import events_of
from arbitration.cases import services as cases
from arbitration.cases.timeline import EVENT_LABELS
from arbitration.db import db
from arbitration.deadlines.models import Deadline
from arbitration.extensions import csrf
from arbitration.orders import services as orders
from arbitration.rulings import services as rulings
from arbitration.web import send_stored

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)   # token authentication: no cookies, nothing for a cross-site form to ride on

MESSAGES = {
    "unauthorized": lambda: _("A valid API token is required (Authorization: Bearer …)."),
    "forbidden": lambda: _("This token's scopes do not allow this."),
    "not_found": lambda: _("No such resource."),
    "not_ready": lambda: _("The document is being prepared; try again in a minute."),
    "method_not_allowed": lambda: _("This method is not allowed here."),
}
STATUS = {"unauthorized": 401, "forbidden": 403, "not_found": 404, "not_ready": 409, "method_not_allowed": 405}


class ApiError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def error_body(code: str) -> dict:
    message = {}
    for locale in ("zh", "en"):
        with force_locale(locale):
            message[locale] = MESSAGES[code]()
    return {"error": {"code": code, "message": message}}


@bp.errorhandler(ApiError)
def _api_error(err: ApiError):
    response = jsonify(error_body(err.code))
    response.status_code = STATUS[err.code]
    if err.code == "unauthorized":
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.errorhandler(404)
def _not_found(_err):
    return _api_error(ApiError("not_found"))


@bp.errorhandler(405)
def _method(_err):
    return _api_error(ApiError("method_not_allowed"))


def scope(name: str):
    """The request needs a token holding `name`."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else ""
            client = api.authenticate(token)
            if client is None:
                raise ApiError("unauthorized")
            if name not in client.scopes:
                raise ApiError("forbidden")
            g.api_client = client
            return view(*args, **kwargs)
        return wrapped
    return decorate


def _iso(value):
    return value.isoformat() if value else None


@bp.route("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.route("/docs")
def docs():
    return render_template("api/docs.html", spec=openapi.document())


@bp.route("/orders/<number>")
@scope("orders:read")
def order(number: str):
    found = orders.get_order(number)
    if found is None:
        raise ApiError("not_found")
    return jsonify({"number": found.number, "state": found.state.value, "merchant_id": found.merchant_id,
                    "amount_fen": found.amount_fen, "channel": found.channel.value,
                    "created_at": _iso(found.created_at), "paid_at": _iso(found.paid_at),
                    "delivered_at": _iso(found.delivered_at), "locked": found.locked})


@bp.route("/cases/<number>")
@scope("cases:read")
def case(number: str):
    found = cases.get_case(number)
    if found is None:
        raise ApiError("not_found")
    deadlines = db.session.scalars(sa.select(Deadline).where(
        Deadline.subject_type == "case", Deadline.subject_id == str(found.id)).order_by(Deadline.started_at))
    with force_locale("zh"):
        events = [{"seq": e.seq, "at": _iso(e.created_at), "actor_role": e.actor_role, "action": e.action,
                   "label_zh": str(EVENT_LABELS.get(e.action, e.action))} for e in events_of("case", found.id)
                  if e.action != "case.message"]          # message bodies and audiences stay on the site
    return jsonify({
        "number": found.number, "order": found.order.number, "state": found.state.value,
        "origin": found.origin, "category": found.category, "outcome": found.outcome,
        "claim": {"remedy": found.claim_remedy, "amount_fen": found.claim_amount_fen},
        "opened_at": _iso(found.opened_at), "closed_at": _iso(found.closed_at),
        "deadlines": [{"stage": d.kind, "state": d.state, "started_at": _iso(d.started_at), "due_at": _iso(d.due_at)}
                      for d in deadlines],
        "events": events,
        "rulings": [_ruling(r) for r in rulings.rulings_of(found)],
    })


def _ruling(r) -> dict:
    return {"number": r.number, "round": r.round, "kind": r.kind, "decision": r.decision,
            "issued_at": _iso(r.issued_at), "remedies": r.remedies,
            "citations": [{"code": c.provision.code, "version": c.provision.version} for c in r.citations],
            "pdf": {"state": r.pdf_state, "sha256": r.pdf_sha256},
            "supersedes": r.supersedes_id and db.session.get(type(r), r.supersedes_id).number}


@bp.route("/cases/<number>/rulings/<ruling_number>/pdf")
@scope("rulings:read")
def ruling_pdf(number: str, ruling_number: str):
    ruling = rulings.get_ruling(ruling_number)
    found = cases.get_case(number)
    if ruling is None or found is None or ruling.case_id != found.id:
        raise ApiError("not_found")
    if ruling.pdf_state != "ready":
        raise ApiError("not_ready")
    return send_stored(ruling.pdf_key, filename=f"{ruling.number}.pdf", content_type="application/pdf",
                       size=ruling.pdf_size)
