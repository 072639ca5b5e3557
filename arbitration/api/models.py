"""Clients of the platform API (a token stored only as its SHA-256, scopes, a webhook endpoint and its signing
secret), the idempotency keys of their POSTs, and the outbox of webhook deliveries with every attempt."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base


class ApiClient(Base):
    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_prefix: Mapped[str] = mapped_column(sa.String(12))           # shown to admins to tell tokens apart
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
    # signs our webhooks to the client and verifies its webhooks to us (HMAC-SHA256); shown to admins once
    signing_secret: Mapped[str | None] = mapped_column(sa.String(80))
    webhook_url: Mapped[str | None] = mapped_column(sa.String(500))
    webhook_events_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    rate_limit_per_minute: Mapped[int | None]                           # None: the configured default

    @property
    def scopes(self) -> list[str]:
        return json.loads(self.scopes_json)

    @property
    def webhook_events(self) -> list[str]:
        return json.loads(self.webhook_events_json or "[]")

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class IdempotencyKey(Base):
    """A POST's key and the response it got; a repeat with the same body gets the same response."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("client_id", "key"),
                      sa.Index("ix_api_idempotency_keys_expires_at", "expires_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("api_clients.id"))
    key: Mapped[str] = mapped_column(sa.String(200))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))            # SHA-256 of method, path and body
    status: Mapped[int]
    response_json: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


class WebhookDelivery(Base):
    """The outbox: written in the transaction of the change it reports, sent after commit, retried."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.CheckConstraint("state IN ('pending', 'delivered', 'dead')", name="state"),
        sa.Index("ix_webhook_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_client_id_id", "client_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("api_clients.id"))
    event_id: Mapped[str] = mapped_column(sa.String(40), unique=True)  # evt_…: receivers drop repeats by it
    event_type: Mapped[str] = mapped_column(sa.String(40))
    payload_json: Mapped[str] = mapped_column(sa.Text)                  # the exact body sent, every attempt
    state: Mapped[str] = mapped_column(sa.String(12))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]
    delivered_at: Mapped[dt.datetime | None]
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(300))


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_deliveries.id"), index=True)
    at: Mapped[dt.datetime]
    status: Mapped[int | None]                  # the receiver's HTTP status; None when it could not be reached
    error: Mapped[str | None] = mapped_column(sa.String(300))
    duration_ms: Mapped[int]
    replay_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))   # an admin's replay
