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
