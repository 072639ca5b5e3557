"""The deadlines table."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base

DEADLINE_STATES = ("pending", "applied", "met", "cancelled", "failed")


class Deadline(Base):
    """Something must happen by `due_at`; if it has not, the sweep applies `consequence` once."""

    __tablename__ = "deadlines"
    __table_args__ = (
        sa.CheckConstraint(f"state IN {DEADLINE_STATES}", name="state"),
        sa.Index("ix_deadlines_state_due_at", "state", "due_at"),
        # a subject's deadlines, its pending ones nearest first (the case page, the case list's key)
        sa.Index("ix_deadlines_subject_state_due", "subject_type", "subject_id", "state", "due_at"),
        sa.Index("ix_deadlines_state_remind_at", "state", "remind_at"),
        # the sweep's and the reminders' ranges: only pending rows, a small part of a long history
        sa.Index("ix_deadlines_pending_due", "due_at", "id", sqlite_where=sa.text("state = 'pending'"),
                 postgresql_where=sa.text("state = 'pending'")),
        sa.Index("ix_deadlines_pending_remind", "remind_at", "id",
                 sqlite_where=sa.text("state = 'pending' AND reminded_at IS NULL"),
                 postgresql_where=sa.text("state = 'pending' AND reminded_at IS NULL")),
        # what each person must act on (home pages: services.awaiting)
        *(sa.Index(f"ix_deadlines_pending_{col}", col, "due_at", sqlite_where=sa.text("state = 'pending'"),
                   postgresql_where=sa.text("state = 'pending'"))
          for col in ("actor_user_id", "actor_merchant_id", "actor_role")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(60))
    consequence: Mapped[str] = mapped_column(sa.String(60))
    state: Mapped[str] = mapped_column(sa.String(12), default="pending")
    started_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime]
    remind_at: Mapped[dt.datetime | None]
    reminded_at: Mapped[dt.datetime | None]
    # who must act: a user, a merchant's staff, or a role; any combination may be empty
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    actor_role: Mapped[str | None] = mapped_column(sa.String(20))
    calendar_fallback: Mapped[bool] = mapped_column(default=False)
    # counted in working days from started_at (None: in hours): what a calendar change recomputes it from
    working_days: Mapped[int | None]
    data_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    closed_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def data(self) -> dict:
        return json.loads(self.data_json or "{}")
