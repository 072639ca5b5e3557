"""Bulk exports of case dossiers: what was asked, by whom, how far the job got, where the ZIP is."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base
from arbitration.oversight.rules import EXPORT_FLOW

EXPORT_STATES = EXPORT_FLOW.states


class Export(Base):
    __tablename__ = "exports"
    __table_args__ = (sa.CheckConstraint(f"state IN {EXPORT_STATES}", name="state"),
                      sa.Index("ix_exports_requested_by", "requested_by_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))   # None: an operator (CLI)
    requested_at: Mapped[dt.datetime]
    filter_json: Mapped[str] = mapped_column(sa.Text)
    with_evidence: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(sa.String(10), default="queued")
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]
    zip_key: Mapped[str | None] = mapped_column(sa.String(300))
    zip_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    zip_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    error: Mapped[str | None] = mapped_column(sa.String(300))
    # an unmasked export (personal information shown as stored): why, in the regulator's words, and which cases
    legal_basis: Mapped[str | None] = mapped_column(sa.Text)
    case_list_json: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def masked(self) -> bool:
        """Personal information is masked unless a legal basis was stated (regulators only)."""
        return not self.legal_basis

    @property
    def case_list(self) -> list[str] | None:
        return json.loads(self.case_list_json) if self.case_list_json else None

    @property
    def filter(self) -> dict:
        return json.loads(self.filter_json)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.state == "done" else 0)
