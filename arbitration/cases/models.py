"""Case tables: the case (with the snapshots it opened with) and the per-year number counter."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arbitration.cases.workflow import CaseState
from arbitration.db import Base
from arbitration.orders.models import Escalation, Order

CATEGORIES = ("non_delivery", "delivery_delay", "not_as_described", "invalid_code", "hidden_fee",
              "duplicate_payment", "risk_lock", "fraud", "other")
REMEDIES = ("full_refund", "partial_refund", "reissue", "void_fee", "compensation")
ORIGINS = ("cancellation_rejected", "after_sales_failed", "merchant_timeout", "platform_fault")
NOTHING_RUNNING = dt.datetime(9999, 1, 1, tzinfo=dt.timezone.utc)   # cases with no pending deadline sort last


class CaseNumberCounter(Base):
    """ARB-YYYY-NNNNNN: the last number given out in a year (the row is locked while taking one)."""

    __tablename__ = "case_number_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        sa.CheckConstraint(f"category IN {CATEGORIES}", name="category"),
        sa.CheckConstraint(f"claim_remedy IN {REMEDIES}", name="claim_remedy"),
        sa.CheckConstraint(f"origin IN {ORIGINS}", name="origin"),
        sa.CheckConstraint("claim_amount_fen >= 0 AND (offer_amount_fen IS NULL OR offer_amount_fen >= 0)",
                           name="amounts"),
        # one open case per order
        sa.Index("uq_cases_one_open_per_order", "order_id", unique=True,
                 sqlite_where=sa.text("state NOT IN ('closed', 'withdrawn')"),
                 postgresql_where=sa.text("state NOT IN ('closed', 'withdrawn')")),
        sa.Index("ix_cases_arbitrator_state", "arbitrator_id", "state"),
        sa.Index("ix_cases_merchant_state", "merchant_id", "state"),
        # the case lists' keyset order (queries.case_list), per whose cases are listed
        sa.Index("ix_cases_queue", "queue_due_at", "id"),
        sa.Index("ix_cases_arbitrator_queue", "arbitrator_id", "queue_due_at", "id"),
        sa.Index("ix_cases_merchant_queue", "merchant_id", "queue_due_at", "id"),
        sa.Index("ix_cases_buyer_queue", "buyer_id", "queue_due_at", "id"),
        # the other orders of the case lists (queries.SORTS): newest opened, largest amount; the same four scopes
        sa.Index("ix_cases_opened", "opened_at", "id"),
        sa.Index("ix_cases_arbitrator_opened", "arbitrator_id", "opened_at", "id"),
        sa.Index("ix_cases_merchant_opened", "merchant_id", "opened_at", "id"),
        sa.Index("ix_cases_buyer_opened", "buyer_id", "opened_at", "id"),
        sa.Index("ix_cases_amount", "disputed_amount_fen", "id"),
        sa.Index("ix_cases_arbitrator_amount", "arbitrator_id", "disputed_amount_fen", "id"),
        sa.Index("ix_cases_merchant_amount", "merchant_id", "disputed_amount_fen", "id"),
        sa.Index("ix_cases_buyer_amount", "buyer_id", "disputed_amount_fen", "id"),
        # similar past decisions (precedents.services): the latest cases of a category
        sa.Index("ix_cases_category", "category", "id"),
        # the regulators' open feed (feed.changes): cases changed after a cursor, in the order they changed
        sa.Index("ix_cases_changed", "changed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    escalation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("escalations.id"))
    origin: Mapped[str] = mapped_column(sa.String(30))
    category: Mapped[str] = mapped_column(sa.String(20))
    state: Mapped[CaseState] = mapped_column(
        sa.Enum(CaseState, name="case_state", native_enum=False, create_constraint=True, length=30))
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    arbitrator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    claim_remedy: Mapped[str] = mapped_column(sa.String(20))
    claim_amount_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # the amount in dispute, fixed at opening: the sum claimed for a partial refund or compensation, else the
    # order's amount (the case lists show it and sort by it)
    disputed_amount_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default=sa.text("0"))
    statement: Mapped[str] = mapped_column(sa.Text)
    fact_tags_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    order_snapshot_json: Mapped[str] = mapped_column(sa.Text)     # the order's facts at opening
    policy_snapshot_json: Mapped[str] = mapped_column(sa.Text)    # the deadline rules in force at opening
    opened_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]
    # when the case last changed: its opening, then every workflow action (cases.services.apply_action and
    # apply_action_many, the one place a case's state, outcome and ruling in force change); the open feed's order
    changed_at: Mapped[dt.datetime] = mapped_column(default=lambda ctx: ctx.get_current_parameters()["opened_at"])
    offer_remedy: Mapped[str | None] = mapped_column(sa.String(20))
    offer_amount_fen: Mapped[int | None] = mapped_column(sa.BigInteger)
    offer_text: Mapped[str] = mapped_column(sa.Text, default="")
    refusal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[str | None] = mapped_column(sa.String(30))     # accepted / settled / default_ruling / ...
    buyer_evidence_closed: Mapped[bool] = mapped_column(default=False)
    merchant_evidence_closed: Mapped[bool] = mapped_column(default=False)
    reconsideration_asked_by_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    deadline_extended: Mapped[bool] = mapped_column(default=False)
    supplementary_party: Mapped[str | None] = mapped_column(sa.String(10))   # who was asked for more evidence
    supplementary_note: Mapped[str | None] = mapped_column(sa.Text)          # ... and what, in the arbitrator's words
    escalated: Mapped[bool] = mapped_column(default=False)
    # the nearest pending deadline's due time, NOTHING_RUNNING when none: the case lists' sort key, kept by
    # the deadlines service (refresh_queue_due), so a list page is an index range scan at any size
    queue_due_at: Mapped[dt.datetime] = mapped_column(default=lambda: NOTHING_RUNNING,
                                                      server_default=sa.text("'9999-01-01 00:00:00'"))

    order: Mapped[Order] = relationship()
    escalation: Mapped[Escalation | None] = relationship()

    @property
    def fact_tags(self) -> list[str]:
        return json.loads(self.fact_tags_json)

    @property
    def policy(self) -> dict:
        return json.loads(self.policy_snapshot_json)

    @property
    def order_snapshot(self) -> dict:
        return json.loads(self.order_snapshot_json)


class CaseMessage(Base):
    """A message on a case, seen by both parties and the case's staff (fair procedure: no party talks to the
    decider alone; `audience` 'arbitrator' survives only on messages written before that rule). It may point to
    one of the case's evidence files."""

    __tablename__ = "case_messages"
    __table_args__ = (sa.CheckConstraint("audience IN ('all', 'arbitrator')", name="audience"),
                      sa.Index("ix_case_messages_case", "case_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    sender_role: Mapped[str] = mapped_column(sa.String(20))   # buyer / merchant / arbitrator / supervisor
    audience: Mapped[str] = mapped_column(sa.String(10))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime]
    evidence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evidence.id"))


class CaseNote(Base):
    """An internal note of the case's arbitrator or a supervisor: never shown to the parties nor put in their
    documents (the regulators' dossier lists them as internal notes)."""

    __tablename__ = "case_notes"
    __table_args__ = (sa.Index("ix_case_notes_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    author_role: Mapped[str] = mapped_column(sa.String(20))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime]


class RemedyTask(Base):
    """One remedy to carry out once a case is decided (by acceptance, settlement or a final ruling)."""

    __tablename__ = "remedy_tasks"
    __table_args__ = (
        sa.CheckConstraint(f"remedy IN {REMEDIES}", name="remedy"),
        sa.CheckConstraint("state IN ('open', 'done')", name="state"),
        sa.CheckConstraint("amount_fen >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    remedy: Mapped[str] = mapped_column(sa.String(20))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    owner: Mapped[str] = mapped_column(sa.String(10))            # merchant / platform
    state: Mapped[str] = mapped_column(sa.String(10), default="open")
    created_at: Mapped[dt.datetime]
    done_at: Mapped[dt.datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")


class ArbitratorConflict(Base):
    """An arbitrator tied to a merchant (worked for it, family, shares...): never assigned its cases."""

    __tablename__ = "arbitrator_conflicts"
    __table_args__ = (sa.UniqueConstraint("arbitrator_id", "merchant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    arbitrator_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    declared_at: Mapped[dt.datetime]
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
