"""Outbound webhooks. The event log is the source: when an event that a client may care about is appended, a
delivery row is written to the outbox in the same transaction (so nothing is announced that did not commit,
and nothing committed goes unannounced); after commit a job sends it, signed (see `signing`), and a failed
delivery is retried with backoff by the minute's job until it succeeds or is given up; admins may replay any
delivery. Every attempt is kept."""
from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
import secrets
import ssl
import time

import httpx
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit import events
from arbitration.api import netguard, signing
from arbitration.api.idempotency import purge
from arbitration.api.models import ApiClient, WebhookAttempt, WebhookDelivery
from arbitration.api.rules import DELIVERY_FLOW
from arbitration.audit import services as audit
from arbitration.cases import workflow as wf
from arbitration.cases.models import Case
from arbitration.cases.workflow import CaseState
from arbitration.db import commit, db
from arbitration.errors import NotFound
from arbitration.jobs.queue import every_minute, job

log = logging.getLogger(__name__)

EVENT_TYPES = {
    "case.opened": _l("A case was opened"),
    "case.your_turn": _l("A party must act now (its deadline started)"),
    "case.deadline_missed": _l("A deadline of the case passed"),
    "ruling.issued": _l("A ruling was issued"),
    "remedy.due": _l("Remedies are due (enforcement began)"),
    "case.closed": _l("The case was closed or withdrawn"),
}
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360, 720, 1440)     # after the 1st, 2nd, … failed attempt
LEASE = dt.timedelta(minutes=2)      # a claimed delivery is left alone this long by other senders
# What a failed attempt is recorded and shown as: a class, never an exception's text (which, for an address inside
# our network, would tell whoever set the URL what answers there), besides "HTTP <status>".
FAILURES = {
    "address not allowed": _l("address not allowed"),
    "HTTPS required": _l("HTTPS required"),
    "host not found": _l("host not found"),
    "connection refused": _l("connection refused"),
    "timed out": _l("timed out"),
    "TLS error": _l("TLS error"),
    "connection failed": _l("connection failed"),
    "redirect refused": _l("redirect refused"),
}


# ---- from the event log to the outbox ----

events.declare({
    "webhook.replayed": _l("An admin sent a webhook delivery again"),
})


def announcements(action: str, data: dict, case) -> list[tuple[str, dict]]:
    """The webhook events an appended case event stands for: (type, data)."""
    base = {"case": case.number, "order": case.order.number, "state": case.state.value}
    out = []
    if action == "case.opened":
        out.append(("case.opened", {**base, "category": case.category, "claim": {
            "remedy": case.claim_remedy, "amount_fen": case.claim_amount_fen}}))
    if action in ("case.issue_ruling", "case.default_ruling"):
        out.append(("ruling.issued", {**base, "ruling": data.get("ruling"), "decision": data.get("decision"),
                                      "kind": "default" if action == "case.default_ruling" else "reasoned"}))
    if action == "case.tasks_created" and data.get("tasks"):
        out.append(("remedy.due", {**base, "tasks": data["tasks"]}))
    if action == "deadline.passed":
        out.append(("case.deadline_missed", {**base, "stage": data.get("kind"), "due_at": data.get("due_at")}))
    moved_to = data.get("to") if data.get("to") != data.get("from") else None
    if action == "case.opened":
        moved_to = case.state.value
    if moved_to in (CaseState.closed.value, CaseState.withdrawn.value):
        out.append(("case.closed", {**base, "outcome": case.outcome}))
    elif moved_to:
        who = wf.who_acts(CaseState(moved_to), case.supplementary_party)
        if who in ("buyer", "merchant", "both"):
            out.append(("case.your_turn", {**base, "party": who, "stage": moved_to}))
    return out


WATCHED = {"case.opened", "case.issue_ruling", "case.default_ruling", "case.tasks_created", "deadline.passed"}


def _on_event(event) -> None:
    if event.subject_type != "case":
        return
    data = json.loads(event.data_json)
    if event.action not in WATCHED and "to" not in data:
        return
    session = db.session
    transaction, subscribers = session.info.get("webhook_subscribers", (None, None))
    if transaction is not session.get_transaction():   # looked up once per transaction
        subscribers = list(session.scalars(sa.select(ApiClient).where(
            ApiClient.revoked_at.is_(None), ApiClient.webhook_url.is_not(None))))
        session.info["webhook_subscribers"] = (session.get_transaction(), subscribers)
    if not subscribers:
        return
    case = session.get(Case, int(event.subject_id))
    for kind, payload in announcements(event.action, data, case):
        for client in subscribers:
            if kind in client.webhook_events:
                enqueue(client, kind, payload, event.created_at)


audit.listeners.append(_on_event)


def enqueue(client: ApiClient, kind: str, data: dict, now: dt.datetime) -> WebhookDelivery:
    event_id = "evt_" + secrets.token_hex(12)
    body = {"id": event_id, "type": kind, "created_at": now.isoformat(), "data": data}
    row = WebhookDelivery(client_id=client.id, event_id=event_id, event_type=kind,
                          state=DELIVERY_FLOW.check_start("pending"), attempts=0,
                          payload_json=json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                          next_attempt_at=now, created_at=now)
    db.session.add(row)
    db.session.flush()
    deliver.enqueue_after_commit(row.id)
    return row


# ---- sending ----

@job(retries=0)
def deliver(delivery_id: int, replay_by_id: int | None = None) -> str:
    return attempt(delivery_id, replay_by_id=replay_by_id)


def attempt(delivery_id: int, *, replay_by_id: int | None = None, now: dt.datetime | None = None) -> str:
    """One attempt, in two short transactions around the HTTP call (no lock held while the receiver answers)."""
    now = now or clock.now_utc()
    row = db.session.scalar(sa.select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                            .with_for_update(skip_locked=True).execution_options(populate_existing=True))
    if row is None or (replay_by_id is None and (row.state != "pending" or (row.next_attempt_at or now) > now)):
        return "skipped"
    client = db.session.get(ApiClient, row.client_id)
    if client is None or client.revoked_at is not None or not client.webhook_url or not client.signing_secret:
        _move(row, "dead", None)
        row.last_error = "client revoked or has no endpoint"
        commit()
        return "dead"
    row.next_attempt_at = now + LEASE
    url, secret, payload = client.webhook_url, client.signing_secret, row.payload_json.encode("utf-8")
    commit()

    status, error, started = _post(url, secret, payload, row.event_id, row.event_type)
    took = int((time.monotonic() - started) * 1000)

    row = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    done = clock.now_utc()
    db.session.add(WebhookAttempt(delivery_id=row.id, at=done, status=status, error=error, duration_ms=took,
                                  replay_by_id=replay_by_id))
    row.attempts += 1
    row.last_status, row.last_error = status, error
    if status is not None and 200 <= status < 300:
        _move(row, "delivered", None)
        row.delivered_at = done
    elif row.attempts >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        _move(row, "dead", None)
    else:
        _move(row, "pending", done + dt.timedelta(minutes=BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES)) - 1]))
    commit()
    log.info("webhook %s to client %s: %s %s", row.event_id, row.client_id, status, error or "")
    return row.state


def _move(row: WebhookDelivery, to: str, next_attempt_at: dt.datetime | None) -> None:
    """The one place a delivery's state changes (its table: rules.DELIVERY_FLOW), with when it is due next."""
    DELIVERY_FLOW.move(row, to)
    row.next_attempt_at = next_attempt_at


def _post(url: str, secret: str, payload: bytes, event_id: str, kind: str):
    """(status, failure class, start): no redirect is followed (a 3xx is a failed attempt), the response's body is
    not read, and the connection goes only to an address the policy allows (see netguard)."""
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "km-arbitration-webhooks/1",
               "X-KM-Event": kind, "X-KM-Delivery": event_id,
               **signing.headers(secret, int(clock.now_utc().timestamp()), payload)}
    started = time.monotonic()
    transport = netguard.GuardedTransport(netguard.Policy.from_config(current_app.config), verify=_tls_context())
    try:
        with httpx.Client(transport=transport, timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"],
                          follow_redirects=False, trust_env=False) as client:
            with client.stream("POST", url, content=payload, headers=headers) as response:
                status = response.status_code
    except (netguard.Refused, httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
        log.info("webhook %s: %r", event_id, exc)      # the detail for operators, not for the admin page
        return None, failure_class(exc), started
    if 200 <= status < 300:
        return status, None, started
    if 300 <= status < 400:
        return status, "redirect refused", started
    return status, f"HTTP {status}", started


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every attempt (loading the CA bundle each time costs more than the call)."""
    return httpx.create_ssl_context()


def failure_class(exc: BaseException) -> str:
    """The class (a key of FAILURES) of an exception raised while sending."""
    if isinstance(exc, netguard.Refused):
        return {"https_required": "HTTPS required", "host_not_found": "host not found"}.get(
            exc.reason, "address not allowed")
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return "TLS error"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, TimeoutError):
            return "timed out"
        cause = cause.__cause__ or cause.__context__
    return "connection failed"


def attempt_outcome(error: str | None, status: int | None) -> str:
    """An attempt as the admin page shows it: its failure class, or its HTTP status. Text of any other kind (kept
    by attempts made before the classes) is not shown."""
    if error in FAILURES:
        return str(FAILURES[error])
    if error and re.fullmatch(r"HTTP \d{3}", error):
        return error
    if status is not None:
        return f"HTTP {status}"
    return str(FAILURES["connection failed"])


def send_due(limit: int = 100, now: dt.datetime | None = None) -> int:
    """Attempt the deliveries whose time has come (the minute's job, `flask api send-webhooks`)."""
    now = now or clock.now_utc()
    due = list(db.session.scalars(sa.select(WebhookDelivery.id).where(
        WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at).limit(limit)))
    commit()
    return sum(1 for delivery_id in due if attempt(delivery_id) != "skipped")


@every_minute("send_webhooks")
def _send_due_every_minute():
    purge()
    return send_due()


def get_delivery(client_id: int, delivery_id: int) -> WebhookDelivery:
    row = db.session.get(WebhookDelivery, delivery_id)
    if row is None or row.client_id != client_id:
        raise NotFound(_l("No such delivery."))
    return row


def replay(admin, row: WebhookDelivery) -> WebhookDelivery:
    """An admin sends a delivery again (whatever its state); the attempt is logged with the admin's name."""
    audit.record_event("api_client", row.client_id, admin, "webhook.replayed", {"event_id": row.event_id})
    deliver.enqueue_after_commit(row.id, replay_by_id=admin.id)
    return row


def deliveries_of(client_id: int, limit: int = 50) -> list[WebhookDelivery]:
    return list(db.session.scalars(sa.select(WebhookDelivery).where(WebhookDelivery.client_id == client_id)
                                   .order_by(WebhookDelivery.id.desc()).limit(limit)))


def attempts_of(delivery_ids: list[int]) -> dict[int, list[WebhookAttempt]]:
    out: dict[int, list[WebhookAttempt]] = {}
    if delivery_ids:
        for a in db.session.scalars(sa.select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(delivery_ids))
                                    .order_by(WebhookAttempt.id)):
            out.setdefault(a.delivery_id, []).append(a)
    return out
