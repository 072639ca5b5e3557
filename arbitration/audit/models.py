"""Event log tables: the events (never updated or deleted) and the head of each subject's chain."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        sa.UniqueConstraint("subject_type", "subject_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[str] = mapped_column(sa.String(64))
    seq: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(sa.String(20))
    action: Mapped[str] = mapped_column(sa.String(60))
    created_at: Mapped[dt.datetime] = mapped_column(index=True)
    data_json: Mapped[str] = mapped_column(sa.Text)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
    # the audit key whose HMAC `hash` is (None: written before the log was keyed, a plain SHA-256)
    key_id: Mapped[str | None] = mapped_column(sa.String(20))

    @property
    def data(self) -> dict:
        return json.loads(self.data_json)


class ChainHead(Base):
    """Last seq and hash of a subject's chain: the lock point for appends and the anchor that
    reveals a deleted last event."""

    __tablename__ = "event_chain_heads"

    subject_type: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    subject_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(sa.String(64))


class Anchor(Base):
    """The heads of every chain at one moment, gathered into a Merkle root that a time stamping authority
    stamped: a rewrite of any chain up to its anchored head shows later, even by someone holding the audit key."""

    __tablename__ = "audit_anchors"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(index=True)
    chains: Mapped[int]
    root: Mapped[str] = mapped_column(sa.String(64))
    # zlib-compressed JSON [[subject_type, subject_id, seq, head hash], ...] in (type, id) order
    leaves: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)     # ~8 MiB per 200,000 chains
    # the authority's TimeStampResp over the root (None: not stamped yet, retried by `flask audit anchor`)
    tsr: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    stamped_at: Mapped[dt.datetime | None]
