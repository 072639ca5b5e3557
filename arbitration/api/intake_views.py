"""The API's writes: orders and their updates, requests on a buyer's behalf, cases, evidence, and the platform's
signed webhooks to us. Every POST takes an `Idempotency-Key`; every body is checked against its schema first."""
from __future__ import annotations

import hashlib
import json

from flask import g, jsonify, request
from flask_babel import gettext as _

from arbitration import clock
from arbitration.api import idempotency, intake, signing
from arbitration.api import representations as rep
from arbitration.api.errors import ApiError
from arbitration.api.validation import storable, validate
from arbitration.api.views import authenticate, bp, require, scope
from arbitration.cases import services as cases
from arbitration.errors import InvalidInput
from arbitration.evidence import services as evidence
from arbitration.evidence.streaming import FilePart, parts

JSON_LIMIT = 256 * 1024


JSON_MAX_DEPTH = 32          # the API's bodies nest a few levels; deeper is refused before anything walks it


def _json_body() -> dict:
    if request.content_length is not None and request.content_length > JSON_LIMIT:
        raise ApiError("payload_too_large")
    if not request.is_json:
        raise ApiError("invalid_json")
    body = parse_json(request.get_data(cache=True))
    if not isinstance(body, dict):
        raise ApiError("invalid_json")
    return body


def parse_json(raw: bytes):
    """A request body's JSON, or `invalid_json`: not JSON, or nested past JSON_MAX_DEPTH (a deep enough array makes
    the parser itself give up with RecursionError, and a shallower one would make later steps do so)."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError("invalid_json") from None
    level, depth = [body], 0
    while level:                        # breadth-first, level by level: no recursion of our own
        depth += 1
        if depth > JSON_MAX_DEPTH:
            raise ApiError("invalid_json")
        level = [child for value in level if isinstance(value, (dict, list))
                 for child in (value.values() if isinstance(value, dict) else value)]
    return body


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


def _intake(schema: str, action):
    body = validate(_json_body(), schema)
    return _once(idempotency.json_fingerprint(request.method, request.path, body), lambda: action(body))


@bp.route("/orders", methods=["POST"])
@scope("orders:write")
def create_order():
    return _intake("OrderCreate", intake.create_order)


@bp.route("/orders/<number>/payment", methods=["POST"])
@scope("orders:write")
def pay_order(number: str):
    return _intake("Empty", lambda body: intake.pay(number, body))


@bp.route("/orders/<number>/delivery", methods=["POST"])
@scope("orders:write")
def deliver_order(number: str):
    return _intake("Delivery", lambda body: intake.deliver(number, body))


@bp.route("/orders/<number>/confirmation", methods=["POST"])
@scope("orders:write")
def confirm_order(number: str):
    return _intake("Confirmation", lambda body: intake.confirm(number, body))


@bp.route("/orders/<number>/refunds/<int:refund_id>", methods=["POST"])
@scope("orders:write")
def refund_outcome(number: str, refund_id: int):
    return _intake("RefundOutcome", lambda body: intake.refund_outcome(number, refund_id, body))


@bp.route("/orders/<number>/cancellation", methods=["POST"])
@scope("orders:write")
def request_cancellation(number: str):
    return _intake("CancellationRequest", lambda body: intake.cancellation(number, body))


@bp.route("/orders/<number>/after-sales", methods=["POST"])
@scope("orders:write")
def request_after_sales(number: str):
    return _intake("AfterSalesRequest", lambda body: intake.after_sales(number, body))


@bp.route("/orders/<number>/after-sales/<int:request_id>/verification", methods=["POST"])
@scope("orders:write")
def verify_reissue(number: str, request_id: int):
    return _intake("ReissueVerification", lambda body: intake.verify_reissue(number, request_id, body))


@bp.route("/cases", methods=["POST"])
@scope("cases:write")
def open_case():
    return _intake("CaseCreate", intake.open_case)


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
@scope("evidence:write")
def add_evidence(number: str):
    case = cases.get_case(number)
    if case is None:
        raise ApiError("not_found")
    lim = evidence.limits()
    request.max_content_length = lim.per_file * lim.files_per_submission + 64 * 1024
    boundary = request.mimetype_params.get("boundary", "").encode()
    if request.mimetype != "multipart/form-data" or not boundary:
        raise ApiError("unsupported_media_type")
    key = request.headers.get(idempotency.HEADER)
    earlier = idempotency.reserve(g.api_client.id, key) if key is not None else None
    if earlier is not None:
        return _respond(*idempotency.replay(earlier, _read_all(request.stream, boundary)), replayed=True)
    subject = cases.evidence_subject(case)
    fields: dict[str, str] = {}
    rows, files, pending, actor = [], [], 0, None
    for part in parts(request.stream, boundary):
        if not isinstance(part, FilePart):
            if not storable(part[1]):
                raise InvalidInput(_("Contains characters that cannot be stored (NUL or an unpaired surrogate)."),
                                   field=part[0])
            fields[part[0]] = part[1]
            continue
        if actor is None:          # fields come first: check them before taking any file
            actor = intake.evidence_uploader(case, fields.get("party", ""), fields.get("staff_username", ""))
            evidence.check_kind(fields.get("kind", ""))
        if len(rows) >= lim.files_per_submission:
            raise InvalidInput(_("At most %(n)d files at a time.", n=lim.files_per_submission), field="file")
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
        raise InvalidInput(_("Choose a file to upload."), field="file")
    body = {"case": case.number, "evidence": [rep.evidence(r) for r in rows]}
    if key is not None:
        idempotency.record(g.api_client.id, key, _multipart_fingerprint(fields, files), 201, body)
    return _respond(201, body)


# ---- the platform's webhooks to us ----

@bp.route("/webhooks/platform", methods=["POST"])
def inbound_webhook():
    """Signed like ours to the platform (HMAC-SHA256 over timestamp and body, with the client's secret), within
    five minutes of its timestamp, each event id once."""
    client = authenticate()
    if not client.signing_secret:
        raise ApiError("no_signing_secret")
    if request.content_length is not None and request.content_length > JSON_LIMIT:
        raise ApiError("payload_too_large")
    raw = request.get_data(cache=True)
    problem = signing.problem(client.signing_secret, request.headers.get(signing.TIMESTAMP_HEADER),
                              request.headers.get(signing.SIGNATURE_HEADER), raw,
                              now=int(clock.now_utc().timestamp()))
    if problem:
        raise ApiError(problem)
    body = parse_json(raw)
    validate(body, "InboundEvent")
    require(client, "orders:write")
    try:
        data = validate(body["data"], intake.INBOUND_SCHEMAS[body["type"]])
    except ApiError as err:            # name the fields as they stand in the event: data.…
        err.fields = [{**f, "field": f"data.{f['field']}"} for f in err.fields]
        raise
    if idempotency.reserve(client.id, "webhook:" + body["id"]) is not None:
        raise ApiError("replayed_event")
    status, result = intake.INBOUND[body["type"]](data)
    out = {"received": body["id"], "type": body["type"], "status": status, "result": result}
    idempotency.record(client.id, "webhook:" + body["id"], hashlib.sha256(raw).hexdigest(), 200, out)
    return _respond(200, out)
