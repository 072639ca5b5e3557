"""The API's writes: orders and their updates, requests on a buyer's behalf, cases, evidence, and the platform's
signed webhooks to us. Every POST takes an `Idempotency-Key`; every JSON body is checked against its declared
shape before the view runs."""
from __future__ import annotations

import functools
import hashlib
import json

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l

from arbitration.api import idempotency, intake, schemas
from arbitration.api import representations as rep
from arbitration.api.errors import ApiError, in_both
from arbitration.api.operations import operation
from arbitration.api.validation import storable, validate
from arbitration.api.views import CASE_NUMBER, ORDER_NUMBER, bp
from arbitration.cases import services as cases
from arbitration.errors import InvalidInput
from arbitration.evidence import services as evidence
from arbitration.evidence.streaming import FilePart, parts


def _respond(status: int, body: dict, replayed: bool = False):
    response = jsonify(body)
    response.status_code = status
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _once(fingerprint: str, run):
    """Run the action, or give back what the same request under the same Idempotency-Key got."""
    key = request.headers.get(idempotency.HEADER)
    if key is None:
        return _respond(*run())
    earlier = idempotency.reserve(g.api_client.id, key)
    if earlier is not None:
        return _respond(*idempotency.replay(earlier, fingerprint), replayed=True)
    status, body = run()
    idempotency.record(g.api_client.id, key, fingerprint, status, body)
    return _respond(status, body)


def _run(body: dict, action):
    return _once(idempotency.json_fingerprint(request.method, request.path, body), lambda: action(body))


@bp.route("/orders", methods=["POST"])
@operation("Create an order (and register its buyer on first sight)", scope="orders:write",
           body=schemas.ORDER_CREATE, ok={201: rep.ORDER})
def create_order(body: dict):
    return _run(body, intake.create_order)


@bp.route("/orders/<number>/payment", methods=["POST"])
@operation("The buyer paid", scope="orders:write", body=schemas.EMPTY, ok={200: rep.ORDER}, examples=ORDER_NUMBER)
def pay_order(number: str, body: dict):
    return _run(body, functools.partial(intake.pay, number))


@bp.route("/orders/<number>/delivery", methods=["POST"])
@operation("The merchant delivered (card codes, or the account topped up)", scope="orders:write",
           body=schemas.DELIVERY, ok={200: rep.ORDER}, examples=ORDER_NUMBER)
def deliver_order(number: str, body: dict):
    return _run(body, functools.partial(intake.deliver, number))


@bp.route("/orders/<number>/confirmation", methods=["POST"])
@operation("The buyer confirmed receipt, having checked the goods", scope="orders:write",
           body=schemas.CONFIRMATION, ok={200: rep.ORDER}, examples=ORDER_NUMBER)
def confirm_order(number: str, body: dict):
    return _run(body, functools.partial(intake.confirm, number))


@bp.route("/orders/<number>/refunds/<int:refund_id>", methods=["POST"])
@operation("The payment channel's answer about a refund: done, failed (with the reason), or retried",
           scope="orders:write", body=schemas.REFUND_OUTCOME, ok={200: rep.REFUND}, examples=ORDER_NUMBER)
def refund_outcome(number: str, refund_id: int, body: dict):
    return _run(body, functools.partial(intake.refund_outcome, number, refund_id))


@bp.route("/orders/<number>/cancellation", methods=["POST"])
@operation("The buyer asks to cancel: unpaid orders are cancelled at once (200), paid ones go to the merchant's "
           "review, delivered ones need a ground (201)", scope="orders:write", body=schemas.CANCELLATION,
           ok={200: rep.ORDER_WITH_REQUEST, 201: rep.ORDER_WITH_REQUEST}, examples=ORDER_NUMBER)
def request_cancellation(number: str, body: dict):
    return _run(body, functools.partial(intake.cancellation, number))


@bp.route("/orders/<number>/after-sales", methods=["POST"])
@operation("The buyer reports a quality problem", scope="orders:write", body=schemas.AFTER_SALES,
           ok={201: rep.ORDER_WITH_REQUEST}, examples=ORDER_NUMBER)
def request_after_sales(number: str, body: dict):
    return _run(body, functools.partial(intake.after_sales, number))


@bp.route("/orders/<number>/after-sales/<int:request_id>/verification", methods=["POST"])
@operation("The buyer's check of reissued goods (within 72 h; silence counts as accepted): they work, or they "
           "fail too, and the request goes on to a case", scope="orders:write", body=schemas.REISSUE_VERIFICATION,
           ok={200: rep.ORDER_WITH_REQUEST}, examples=ORDER_NUMBER)
def verify_reissue(number: str, request_id: int, body: dict):
    return _run(body, functools.partial(intake.verify_reissue, number, request_id))


@bp.route("/cases", methods=["POST"])
@operation("The buyer opens a case on a refused or unanswered request (within 7 days)", scope="cases:write",
           body=schemas.CASE_CREATE, ok={201: rep.CASE})
def open_case(body: dict):
    return _run(body, intake.open_case)


# ---- evidence: multipart, streamed to the store like the web form ----

def _multipart_fingerprint(fields: dict, files: list[tuple[str, str]]) -> str:
    canonical = json.dumps({"fields": fields, "files": files}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode("utf-8")).hexdigest()


def _hashed(chunks, digest):
    for chunk in chunks:
        digest.update(chunk)
        yield chunk


def _read_all(stream, boundary: bytes) -> str:
    """The fingerprint of a repeated upload, read without storing anything."""
    fields, files = {}, []
    for part in parts(stream, boundary):
        if isinstance(part, FilePart):
            digest = hashlib.sha256()
            for chunk in part.chunks:
                digest.update(chunk)
            files.append((part.filename, digest.hexdigest()))
        else:
            fields[part[0]] = part[1]
    return _multipart_fingerprint(fields, files)


@bp.route("/cases/<number>/evidence", methods=["POST"])
@operation("Add evidence for a party (multipart; checked by content like the web form)", scope="evidence:write",
           form=schemas.EVIDENCE_FORM, ok={201: rep.EVIDENCE_ADDED}, errors=(503,), examples=CASE_NUMBER)
def add_evidence(number: str):
    case = cases.get_case(number)
    if case is None:
        raise ApiError("not_found")
    lim = evidence.limits()
    boundary = request.mimetype_params.get("boundary", "").encode()
    if request.mimetype != "multipart/form-data" or not boundary:
        raise ApiError("unsupported_media_type")
    subject = cases.evidence_subject(case)
    too_large = evidence.upload_refusal(subject, request.content_length)
    if too_large is not None:          # before a byte of the body is read
        raise ApiError("payload_too_large", message=in_both(lambda: too_large))
    request.max_content_length = evidence.max_upload_body()   # a body without a length stops there while read
    key = request.headers.get(idempotency.HEADER)
    earlier = idempotency.reserve(g.api_client.id, key) if key is not None else None
    if earlier is not None:
        return _respond(*idempotency.replay(earlier, _read_all(request.stream, boundary)), replayed=True)
    fields: dict[str, str] = {}
    rows, files, pending, actor = [], [], 0, None
    for part in parts(request.stream, boundary):
        if not isinstance(part, FilePart):
            if not storable(part[1]):
                raise InvalidInput(_l("Contains characters that cannot be stored (NUL or an unpaired surrogate)."),
                                   field=part[0])
            fields[part[0]] = part[1]
            continue
        if actor is None:          # fields come first: check them before taking any file
            actor = intake.evidence_uploader(case, fields.get("party", ""), fields.get("staff_username", ""))
            evidence.check_kind(fields.get("kind", ""))
        if len(rows) >= lim.files_per_submission:
            raise InvalidInput(_l("At most %(n)d files at a time.", n=lim.files_per_submission), field="file")
        digest = hashlib.sha256()
        row = evidence.add_file(actor, subject, filename=part.filename, chunks=_hashed(part.chunks, digest),
                                kind=fields.get("kind", ""), description=fields.get("description", ""),
                                pending_bytes=pending)
        rows.append(row)
        files.append((part.filename, digest.hexdigest()))
        pending += row.size
    if not rows:
        intake.evidence_uploader(case, fields.get("party", ""), fields.get("staff_username", ""))
        evidence.check_kind(fields.get("kind", ""))
        raise InvalidInput(_l("Choose a file to upload."), field="file")
    body = rep.EVIDENCE_ADDED.dump({"case": case, "evidence": rows})
    if key is not None:
        idempotency.record(g.api_client.id, key, _multipart_fingerprint(fields, files), 201, body)
    return _respond(201, body)


# ---- the platform's webhooks to us ----

@bp.route("/webhooks/platform", methods=["POST"])
@operation("The platform's signed events (order.created, order.paid, order.delivered, order.confirmed, "
           "refund.updated); `data` is the body of the matching endpoint with the order's `number`",
           scope="orders:write", signed=True, body=schemas.INBOUND_EVENT, ok={200: rep.INBOUND_RESULT})
def inbound_webhook(body: dict):
    """Signed, within five minutes of its timestamp (checked by the declaration), each event id once."""
    try:
        data = validate(body["data"], intake.INBOUND_SCHEMAS[body["type"]])
    except ApiError as err:            # name the fields as they stand in the event: data.…
        err.fields = [{**f, "field": f"data.{f['field']}"} for f in err.fields]
        raise
    client = g.api_client
    if idempotency.reserve(client.id, "webhook:" + body["id"]) is not None:
        raise ApiError("replayed_event")
    status, result = intake.INBOUND[body["type"]](data)
    out = rep.INBOUND_RESULT.dump({"received": body["id"], "type": body["type"], "status": status, "result": result})
    idempotency.record(client.id, "webhook:" + body["id"], hashlib.sha256(request.get_data()).hexdigest(), 200, out)
    return _respond(200, out)
