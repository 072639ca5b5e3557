"""API clients: created and revoked by admins; a token is shown once and kept only as its SHA-256."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.api import netguard
from arbitration.api.models import ApiClient
from arbitration.api.webhooks import EVENT_TYPES
from arbitration.audit import events
from arbitration.audit.services import record_event
from arbitration.db import db
from arbitration.errors import Conflict, InvalidInput, NotFound


SCOPES = {
    "orders:read": _l("Read orders"),
    "orders:write": _l("Create and update orders; file requests on a buyer's behalf; send signed webhooks"),
    "cases:read": _l("Read cases: state, deadlines, events"),
    "cases:write": _l("Open cases on a buyer's behalf"),
    "evidence:write": _l("Add evidence to cases for a party"),
    "rulings:read": _l("Read rulings and download their PDFs"),
    "oversight:read": _l("Oversight (regulators): read the headline figures and the masked case list, changes "
                         "since a cursor"),
}
TOKEN_PREFIX = "kmapi_"
# where a refused webhook address leads (netguard.KINDS), in the message shown next to the field
ADDRESS_KINDS = {
    "loopback": _l("a loopback address (the server itself)"),
    "private": _l("a private network address"),
    "link_local": _l("a link-local address"),
    "unique_local": _l("a unique-local IPv6 address"),
    "multicast": _l("a multicast address"),
    "reserved": _l("a reserved or special-purpose address"),
    "unspecified": _l("the unspecified address"),
    "cloud_metadata": _l("a cloud metadata service"),
}


events.declare({
    "api_client.created": _l("An API client was created"),
    "api_client.revoked": _l("An API client's token was revoked"),
    "api_client.webhooks_set": _l("An API client's webhook settings changed"),
    "api_client.secret_rotated": _l("An API client's signing secret was replaced"),
})


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_client(admin, *, name: str, scopes: list[str], now: dt.datetime | None = None) -> tuple[ApiClient, str]:
    """(the client, its token): the token is returned this once and never stored. The client's webhook signing
    secret is made at the same time and shown on its page."""
    now = now or clock.now_utc()
    name = (name or "").strip()
    if not 2 <= len(name) <= 80:
        raise InvalidInput(_l("Give the client a name (2 to 80 characters)."), field="name")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidInput(_l("Choose at least one scope from the list."), field="scopes")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=name, token_prefix=token[:12], token_sha256=digest(token),
                       scopes_json=json.dumps(sorted(set(scopes))), created_at=now,
                       created_by_id=getattr(admin, "id", None), signing_secret=new_secret(),
                       webhook_events_json="[]")
    db.session.add(client)
    db.session.flush()
    record_event("api_client", client.id, admin, "api_client.created", {"name": name, "scopes": client.scopes},
                 now=now)
    return client, token


def revoke_client(admin, client_id: int, now: dt.datetime | None = None) -> ApiClient:
    now = now or clock.now_utc()
    client = db.session.get(ApiClient, client_id)
    if client is None:
        raise NotFound(_l("No such API client."))
    if client.revoked_at is not None:
        raise Conflict(_l("This client's token is revoked already."))
    client.revoked_at = now
    record_event("api_client", client.id, admin, "api_client.revoked", {}, now=now)
    db.session.flush()
    return client


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def get_client(client_id: int) -> ApiClient:
    client = db.session.get(ApiClient, client_id)
    if client is None:
        raise NotFound(_l("No such API client."))
    return client


def set_webhooks(admin, client: ApiClient, *, url: str, events: list[str], rate_limit: int | None,
                 now: dt.datetime | None = None) -> ApiClient:
    """Where the client's webhooks go, which events, and its own rate limit (None: the default)."""
    url = (url or "").strip()
    if url:
        check_webhook_url(url)
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise InvalidInput(_l("Choose the events from the list."), field="events")
    if url and not events:
        raise InvalidInput(_l("Choose at least one event to send to this address."), field="events")
    if rate_limit is not None and not 1 <= rate_limit <= 100_000:
        raise InvalidInput(_l("The rate limit is 1 to 100000 requests a minute."), field="rate_limit")
    client.webhook_url = url or None
    client.webhook_events_json = json.dumps(sorted(set(events)))
    client.rate_limit_per_minute = rate_limit
    record_event("api_client", client.id, admin, "api_client.webhooks_set",
                 {"url": client.webhook_url, "events": client.webhook_events, "rate_limit": rate_limit},
                 now=now or clock.now_utc())
    db.session.flush()
    return client


def check_webhook_url(url: str) -> None:
    """Refuse an address webhooks may not go to (see netguard), with a message for the form's field."""
    policy = netguard.Policy.from_config(current_app.config)
    try:
        netguard.check_url(url, policy)
    except netguard.Refused as refused:
        if refused.reason == "https_required" or (refused.reason == "bad_url" and not policy.allow_http):
            message = _l("Give the webhook address as an https:// URL.")
        elif refused.reason == "bad_url":
            message = _l("Give the webhook address as an http(s):// URL.")
        elif refused.reason == "host_not_found":
            message = _l("No host named %(host)s could be found: check the address.", host=refused.host)
        else:
            message = _l("%(host)s leads to %(kind)s: webhooks go only to public internet addresses.",
                         host=refused.host, kind=ADDRESS_KINDS[refused.reason])
        raise InvalidInput(message, field="webhook_url") from None


def rotate_secret(admin, client: ApiClient, now: dt.datetime | None = None) -> str:
    client.signing_secret = new_secret()
    record_event("api_client", client.id, admin, "api_client.secret_rotated", {}, now=now or clock.now_utc())
    db.session.flush()
    return client.signing_secret


def authenticate(token: str, now: dt.datetime | None = None) -> ApiClient | None:
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    client = db.session.scalar(sa.select(ApiClient).where(ApiClient.token_sha256 == digest(token)))
    if client is None or client.revoked_at is not None:
        return None
    client.last_used_at = now or clock.now_utc()
    return client


def all_clients() -> list[ApiClient]:
    return list(db.session.scalars(sa.select(ApiClient).order_by(ApiClient.id.desc())))
