"""Evidence pages: a streamed upload on an order request (and the upload mechanism the case page uses too),
downloads checked every time, image previews; the evidence part of the order page."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from arbitration.db import db, rollback
from arbitration.errors import DomainError, InvalidInput
from arbitration.evidence import services
from arbitration.evidence.models import Evidence
from arbitration.evidence.permissions import can_add_evidence, can_read_evidence, can_read_evidence_of
from arbitration.evidence.streaming import FilePart, parts
from arbitration.extensions import csrf
from arbitration.orders import views as order_pages
from arbitration.orders.models import OrderRequest
from arbitration.storage import content_disposition, safe_content_type
from arbitration.web import error_response

bp = Blueprint("evidence", __name__)


def _request_of(number: str, request_id: int) -> OrderRequest:
    req = db.session.get(OrderRequest, request_id)
    if req is None or req.order.number != number or not can_add_evidence(current_user, req.order):
        abort(404)
    return req


@bp.route("/orders/<number>/requests/<int:request_id>/evidence", methods=["POST"])
@csrf.exempt  # the token is checked below, from the streamed body: reading request.form would spool the files
@login_required
def upload(number: str, request_id: int):
    req = _request_of(number, request_id)
    return streamed_upload(services.request_subject(req), url_for("orders.detail", number=number))


@order_pages.page_context.register
def _on_the_order_page(order, requests, user) -> dict:
    """Each request's files and, while it takes them, its upload form."""
    return {"evidence": {r.id: services.evidence_of(r) for r in requests},
            "upload_open": {r.id: services.accepts_from(user, services.request_subject(r)) for r in requests},
            "can_read_evidence": can_read_evidence_of(user, order),
            "accepted_types": services.accepted_types_text(), "evidence_limits": services.limits()}


def streamed_upload(subject, back: str):
    """Take the multipart body as a stream: fields first (CSRF, kind, description), then each file straight
    to the store. Any refusal rolls back the rows of this submission and says why on the page it came from; a body
    announced larger than an upload may be is refused (413) before a byte of it is read."""
    lim = services.limits()
    too_large = services.upload_refusal(subject, request.content_length)
    if too_large is not None:
        return error_response(413, str(too_large))
    request.max_content_length = services.max_upload_body()   # a body without a length stops there while read
    boundary = request.mimetype_params.get("boundary", "").encode()
    if request.mimetype != "multipart/form-data" or not boundary:
        abort(400)
    fields: dict[str, str] = {}
    stored, pending = 0, 0
    try:
        for part in parts(request.stream, boundary):
            if not isinstance(part, FilePart):
                fields[part[0]] = part[1]
                continue
            if stored == 0:  # the form sends its fields first: check them before taking any file
                _check_fields(fields)
            if not part.filename and stored == 0:
                continue
            if stored >= lim.files_per_submission:
                raise InvalidInput(_l("At most %(n)d files at a time.", n=lim.files_per_submission))
            row = services.add_file(current_user, subject, filename=part.filename, chunks=part.chunks,
                                    kind=fields.get("kind", ""), description=fields.get("description", ""),
                                    pending_bytes=pending)
            stored, pending = stored + 1, pending + row.size
        if stored == 0:
            _check_fields(fields)
            raise InvalidInput(_l("Choose a file to upload."))
    except (CSRFError, ValidationError) as err:
        rollback()
        raise CSRFError(str(err)) from None      # the same 400 page as every other form without its token
    except DomainError as err:
        rollback()
        flash(str(err), "error")
        return redirect(back), 303
    flash(_("%(n)d file(s) added as evidence.", n=stored), "success")
    return redirect(back)


def _check_fields(fields: dict[str, str]) -> None:
    if current_app.config.get("WTF_CSRF_ENABLED", True):  # as CSRFProtect itself decides
        validate_csrf(fields.get("csrf_token"))
    services.check_kind(fields.get("kind", ""), auto=True)    # the form's default: judged from the file


def _readable(evidence_id: int) -> Evidence:
    ev = db.session.get(Evidence, evidence_id)
    if ev is None or not can_read_evidence(current_user, ev):
        abort(404)
    return ev


def _stream(ev: Evidence, disposition: str, content_type: str) -> Response:
    reader = services.store().open_read(ev.storage_key)

    def body():
        with reader:
            while chunk := reader.read(1024 * 1024):
                yield chunk

    response = Response(body(), content_type=content_type)  # needs no request context: the reader is open
    response.headers["Content-Disposition"] = disposition
    response.headers["Content-Length"] = str(ev.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/evidence/<int:evidence_id>/download")
@login_required
def download(evidence_id: int):
    ev = _readable(evidence_id)
    services.record_download(current_user, ev)
    url = services.store().presigned_url(ev.storage_key, filename=ev.download_name,
                                         content_type=safe_content_type(ev.content_type), expires_seconds=300)
    if url:
        return redirect(url)
    return _stream(ev, content_disposition(ev.download_name), safe_content_type(ev.content_type))


@bp.route("/evidence/<int:evidence_id>/preview")
@login_required
def preview(evidence_id: int):
    """Inline only for raster images sniffed from the bytes; never SVG, HTML or anything else."""
    ev = _readable(evidence_id)
    if not ev.is_raster_image:
        abort(404)
    return _stream(ev, "inline", ev.mime)
