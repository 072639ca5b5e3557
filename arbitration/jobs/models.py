"""The job outbox: a job asked for in a transaction is a row of that transaction until the queue has it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base


class OutboxJob(Base):
    """Written with the change that asks for the job; deleted once Huey has the job. A row that stays (the queue
    was down, or the process died between commit and hand-over) is handed over by the minute's flush."""

    __tablename__ = "job_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)                # the hand-over order
    job: Mapped[str] = mapped_column(sa.String(100))                 # the Huey task's name
    arguments_json: Mapped[str] = mapped_column(sa.Text)             # {"args": [...], "kwargs": {...}}
    created_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(default=0)                 # hand-overs that failed
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
    last_attempt_at: Mapped[dt.datetime | None]
