"""Why a decision departs from most of the close precedents, in the arbitrator's words: kept with the ruling for
supervisors and regulators, never printed in the decision (unless the arbitrator put it in the reasoning)."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base


class StandingDecision(Base):
    """The decision in force of each ruled case, by category: where the similar past decisions are read from (a
    category's few standing decisions, not all its cases). One row per case, moved to the reconsideration's ruling
    when one replaces the first; kept by the rulings' `issued` hook in the issuing transaction (services.py)."""

    __tablename__ = "standing_decisions"
    __table_args__ = (sa.Index("ix_standing_decisions_category", "category", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)        # (an id: bench/generate.py clones rows that have one)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    ruling_id: Mapped[int] = mapped_column(sa.ForeignKey("rulings.id"), unique=True)
    category: Mapped[str] = mapped_column(sa.String(20))      # the case's (never changes after opening)


class PrecedentDeparture(Base):
    __tablename__ = "precedent_departures"

    ruling_id: Mapped[int] = mapped_column(sa.ForeignKey("rulings.id"), primary_key=True, autoincrement=False)
    decision: Mapped[str] = mapped_column(sa.String(20))            # what the ruling decided
    usual: Mapped[str] = mapped_column(sa.String(20))               # what most close precedents decided
    close_numbers_json: Mapped[str] = mapped_column(sa.Text)        # the close precedents' decision numbers
    reason: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime]


VERDICTS = ("followed", "distinguished")


class RetrievalReport(Base):
    """A similar-case retrieval report (类案检索报告) the arbitrator attaches to the case file: what was searched,
    the decisions found, and for each whether it was followed or distinguished, and why. Goes into the regulators'
    dossier. A later report on the same case is added beside the earlier ones, never over them."""

    __tablename__ = "retrieval_reports"
    __table_args__ = (sa.Index("ix_retrieval_reports_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    query: Mapped[str] = mapped_column(sa.Text)
    # [{"ruling": number, "decision": ..., "score": ..., "verdict": followed/distinguished, "reason": ...}]
    entries_json: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime]

    @property
    def entries(self) -> list[dict]:
        return json.loads(self.entries_json)
