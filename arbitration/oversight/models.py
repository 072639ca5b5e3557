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


# ---- the statistics' roll-ups (oversight.rollups keeps them; docs/DECISIONS.md "Figures from roll-ups") ----

class CaseStats(Base):
    """One case's facts as the figures count them (oversight.rollup_rules.Facts): the roll-ups below are sums of
    these rows, and a change moves them by the difference between a case's old and new row."""
    __tablename__ = "stats_cases"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    opened_day: Mapped[dt.date]
    merchant_id: Mapped[int]
    category: Mapped[str] = mapped_column(sa.String(30))
    outcome: Mapped[str] = mapped_column(sa.String(20))          # "" while open
    met: Mapped[int] = mapped_column(default=0)                  # the merchant's deadlines met
    applied: Mapped[int] = mapped_column(default=0)              # … passed, their default applied
    missed: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    hidden_fee: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    upheld: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    remedy_late: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    reversed: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    risk_lock: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    ruling_tenths: Mapped[int | None]                            # opening → first ruling, tenths of an hour
    closed_day: Mapped[dt.date | None]
    closed_default_day: Mapped[dt.date | None]
    ruled_day: Mapped[dt.date | None]
    hidden_fee_day: Mapped[dt.date | None]
    refund_ordered_day: Mapped[dt.date | None]
    refund_paid_day: Mapped[dt.date | None]


class _Sums:
    """The cases of a roll-up row and the sums of their measures (rollup_rules.MEASURES)."""
    cases: Mapped[int] = mapped_column(default=0)
    met: Mapped[int] = mapped_column(default=0)
    applied: Mapped[int] = mapped_column(default=0)
    missed: Mapped[int] = mapped_column(default=0)
    hidden_fee: Mapped[int] = mapped_column(default=0)
    upheld: Mapped[int] = mapped_column(default=0)
    remedy_late: Mapped[int] = mapped_column(default=0)
    reversed: Mapped[int] = mapped_column(default=0)
    risk_lock: Mapped[int] = mapped_column(default=0)


class StatsOpened(_Sums, Base):
    """Per China day of opening × merchant × category × outcome: cases and the sums of their measures."""
    __tablename__ = "stats_opened"
    __table_args__ = (sa.Index("ix_stats_opened_merchant", "merchant_id", "opened_day"),)

    opened_day: Mapped[dt.date] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    outcome: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class StatsTotals(_Sums, Base):
    """The same sums over all time, per merchant × category × outcome: what the statistics page reads when no
    date is given (a row per key instead of a row per key and day)."""
    __tablename__ = "stats_totals"

    merchant_id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    outcome: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class StatsRulingTimes(Base):
    """The same key and the time to the first ruling in tenths of an hour: how many cases took it."""
    __tablename__ = "stats_ruling_times"

    opened_day: Mapped[dt.date] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    outcome: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    tenths: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class StatsDaily(Base):
    """Per China day: the cases to which something happened that day (opened, closed, first ruled, …)."""
    __tablename__ = "stats_daily"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    what: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class StatsDailyRulingTimes(Base):
    """Per China day of a first ruling: how many took each time from opening (tenths of an hour)."""
    __tablename__ = "stats_daily_ruling_times"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    tenths: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
