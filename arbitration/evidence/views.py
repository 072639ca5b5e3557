"""Evidence pages: a streamed upload on an order request (and the upload mechanism the case page uses too),
downloads checked every time, the viewers (images, PDFs and videos shown by the browser, chat logs on our page);
the evidence part of the order page."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
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
from arbitration.hooks import Hook
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
    back = url_for("merchant.decide", request_id=req.id) if request.args.get("back") == "decide" \
        else url_for("orders.detail", number=number)
    return streamed_upload(services.request_subject(req), back)


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


def _asked_range(size: int, etag: str) -> tuple[int, int] | None:
    """The one byte range the request asks for, as (start, stop); None for the whole file: no Range, several ranges
    (RFC 9110 lets a server send the whole file instead), or an If-Range naming other bytes. A range that starts past
    the end is refused (416)."""
    asked = request.range
    if asked is None or asked.units != "bytes" or len(asked.ranges) != 1:
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != etag:
        return None
    span = asked.range_for_length(size)
    if span is None:
        response = Response(status=416)
        response.headers["Content-Range"] = f"bytes */{size}"
        abort(response)
    return span


def _from_the_start() -> bool:
    """Whether the request asks for the file from its first byte (a viewer opening it, not seeking in it)."""
    asked = request.range
    return asked is None or asked.units != "bytes" or len(asked.ranges) != 1 or asked.ranges[0][0] == 0


def _stream(ev: Evidence, disposition: str, content_type: str) -> Response:
    """The file from the store, 1 MiB at a time, with byte ranges (a video seeks, a download resumes). The sandbox
    and `nosniff` hold whatever the type: the bytes are never a page of ours."""
    etag = f'"{ev.sha256}"'
    span = _asked_range(ev.size, etag)
    start, stop = span or (0, ev.size)
    reader = services.store().open_read(ev.storage_key, start, stop - start)

    def body():
        with reader:
            while chunk := reader.read(1024 * 1024):
                yield chunk

    # needs no request context: the reader is open
    response = Response(body(), status=206 if span else 200, content_type=content_type)
    response.call_on_close(reader.close)             # a HEAD, or a client gone before the first block
    response.headers["Content-Disposition"] = disposition
    response.headers["Content-Length"] = str(stop - start)
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["ETag"] = etag                  # the SHA-256: the bytes never change under a row
    if span:
        response.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{ev.size}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/evidence/<int:evidence_id>/download")
@login_required
def download(evidence_id: int):
    """As an attachment; with `?inline=1` a PDF, an MP4 or a WebM is shown by the browser (its PDF viewer, a
    <video>), by the type sniffed from the bytes: anything else is still an attachment."""
    ev = _readable(evidence_id)
    if request.args.get("inline") == "1" and ev.served_inline:
        return _inline(ev)
    services.record_download(current_user, ev)
    url = services.store().presigned_url(ev.storage_key, filename=ev.download_name,
                                         content_type=safe_content_type(ev.content_type), expires_seconds=300)
    if url:
        return redirect(url)
    return _stream(ev, content_disposition(ev.download_name), safe_content_type(ev.content_type))


@bp.route("/evidence/<int:evidence_id>/receipt")
@login_required
def receipt(evidence_id: int):
    """The file's timestamp receipt (a ZIP: the authority's token, its root, how to check with openssl)."""
    ev = _readable(evidence_id)
    if ev.stamped_at is None:
        flash(_("This file has no trusted timestamp yet: its receipt follows when the time stamping authority "
                "answers (the file itself is filed and usable)."), "info")
        return redirect(url_for("evidence.view", evidence_id=ev.id))
    name = f"receipt-{ev.sha256[:12]}.zip"
    return Response(services.receipt(ev), mimetype="application/zip",
                    headers={"Content-Disposition": content_disposition(name)})


def _inline(ev: Evidence) -> Response:
    """Streamed by the app from any store (not a presigned URL): the page's CSP allows media from this site only,
    and the sandbox must travel with the bytes. Recorded when asked from the first byte, not at every seek."""
    if _from_the_start():
        services.record_view(current_user, ev)
    return _stream(ev, content_disposition(ev.download_name, "inline"), safe_content_type(ev.mime))


@bp.route("/evidence/<int:evidence_id>/preview")
@login_required
def preview(evidence_id: int):
    """Inline only for raster images sniffed from the bytes; never SVG, HTML or anything else."""
    ev = _readable(evidence_id)
    if not ev.is_raster_image:
        abort(404)
    return _stream(ev, "inline", ev.mime)


# more of a file's page from the features above evidence: view_parts(evidence, user) -> [(template, context)]
# (search shows the text read from a screenshot beside it)
view_parts = Hook("evidence.view_parts")


@bp.route("/evidence/<int:evidence_id>/view")
@login_required
def view(evidence_id: int):
    """One file on a page of ours: an image at full size, a video in a player, a PDF a click from the browser's
    viewer, a chat log decoded and escaped (its first 200 KB)."""
    ev = _readable(evidence_id)
    text, cut = None, False
    if ev.viewer == "text":
        text, cut = services.text_of(ev)
        services.record_view(current_user, ev)
    extra = [part for found in view_parts(ev, current_user) for part in found or ()]
    return render_template("evidence/view.html", ev=ev, text=text, cut=cut, shown=services.TEXT_SHOWN,
                           back=_back_to(), extra=extra)


_LISTING_PAGE = re.compile(r"/(?:cases|orders)/[A-Za-z0-9_-]{1,64}")


def _back_to() -> str | None:
    """The case or order page the file was opened from (this site's Referer, path only), for a link back; the
    file belongs to both, and which one the reader may open is theirs to say."""
    came_from = urlsplit(request.referrer or "")
    if came_from.netloc == request.host and _LISTING_PAGE.fullmatch(came_from.path):
        return came_from.path
    return None
