"""Rulings (争议处理决定书) and the provision versions they cite. A ruling is never edited after issue:
only its PDF fields are filled, once, by the rendering job (a guard below refuses anything else)."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arbitration.db import Base
from arbitration.law.models import Provision

DECISIONS = ("upheld", "partly_upheld", "dismissed")
KINDS = ("reasoned", "default")
PDF_STATES = ("pending", "ready", "failed")


class DecisionJson:
    """A decision's remedies and findings, read from their JSON columns (remedies_json, found_tags_json): the ruling,
    and its copy in the public library."""

    @property
    def remedies(self) -> list[dict]:
        return json.loads(self.remedies_json)

    @property
    def found_tags(self) -> list[str]:
        return json.loads(self.found_tags_json)


class Ruling(DecisionJson, Base):
    __tablename__ = "rulings"
    __table_args__ = (
        sa.CheckConstraint(f"decision IN {DECISIONS}", name="decision"),
        sa.CheckConstraint(f"kind IN {KINDS}", name="kind"),
        sa.CheckConstraint(f"pdf_state IN {PDF_STATES}", name="pdf_state"),
        sa.UniqueConstraint("case_id", "round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)       # ARB-2026-000123-1
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    round: Mapped[int]                                                     # 1: first ruling, 2: reconsideration
    kind: Mapped[str] = mapped_column(sa.String(10))                       # reasoned / default
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rulings.id"))
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))   # None: the system
    issued_at: Mapped[dt.datetime]
    decision: Mapped[str] = mapped_column(sa.String(20))
    facts_found: Mapped[str] = mapped_column(sa.Text)
    reasoning: Mapped[str] = mapped_column(sa.Text)
    found_tags_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    remedies_json: Mapped[str] = mapped_column(sa.Text, default="[]")    # [{"remedy": ..., "amount_fen": ...}]
    missed_deadline_json: Mapped[str | None] = mapped_column(sa.Text)    # default rulings: which, when, whose
    pdf_state: Mapped[str] = mapped_column(sa.String(10), default="pending")
    pdf_key: Mapped[str | None] = mapped_column(sa.String(300))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    pdf_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    pdf_ready_at: Mapped[dt.datetime | None]
    pdf_error: Mapped[str | None] = mapped_column(sa.String(300))

    citations: Mapped[list["RulingCitation"]] = relationship(order_by="RulingCitation.position",
                                                             back_populates="ruling")

    @property
    def missed_deadline(self) -> dict | None:
        return json.loads(self.missed_deadline_json) if self.missed_deadline_json else None


class RulingCitation(Base):
    """One cited provision: the exact version (row) of its text, and why it applies."""

    __tablename__ = "ruling_citations"
    __table_args__ = (sa.UniqueConstraint("ruling_id", "provision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ruling_id: Mapped[int] = mapped_column(sa.ForeignKey("rulings.id"), index=True)
    provision_id: Mapped[int] = mapped_column(sa.ForeignKey("law_provisions.id"))
    position: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    ruling: Mapped[Ruling] = relationship(back_populates="citations")
    provision: Mapped[Provision] = relationship()


PDF_FIELDS = {"pdf_state", "pdf_key", "pdf_sha256", "pdf_size", "pdf_ready_at", "pdf_error"}


class RulingIsFinal(RuntimeError):
    """A programming error: something tried to edit an issued ruling."""


@event.listens_for(Ruling, "before_update")
def _never_edited(mapper, connection, target: Ruling) -> None:
    state = sa.inspect(target)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if changed - PDF_FIELDS - {"citations"}:
        raise RulingIsFinal(f"ruling {target.number} is issued: {sorted(changed - PDF_FIELDS)} cannot change")
    pdf_state = state.attrs.pdf_state.history
    if pdf_state.deleted and pdf_state.deleted[0] == "ready":
        raise RulingIsFinal(f"ruling {target.number}: its PDF is issued already")


@event.listens_for(RulingCitation, "before_update")
def _citations_never_edited(mapper, connection, target: RulingCitation) -> None:
    raise RulingIsFinal("a ruling's citations cannot change")


DRAFT_STATES = ("draft", "in_review", "returned", "approved", "issued")


class RulingDraft(Base):
    """A ruling being written: its arbitrator's, for one round of a case, saved and resumed until it is issued
    (through rulings.services.issue_ruling, the one place that issues). Never shown to the parties."""

    __tablename__ = "ruling_drafts"
    __table_args__ = (
        sa.CheckConstraint(f"state IN {DRAFT_STATES}", name="state"),
        sa.CheckConstraint(f"decision IS NULL OR decision IN {DECISIONS}", name="decision"),
        sa.UniqueConstraint("case_id", "round", "author_id"),
        # the supervisors' list of drafts waiting for them
        sa.Index("ix_ruling_drafts_state_sent_at", "state", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    round: Mapped[int]
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(sa.String(12), default="draft")
    # the form's fields, as last saved (not checked until issue: a draft may be incomplete)
    decision: Mapped[str | None] = mapped_column(sa.String(20))
    facts_found: Mapped[str] = mapped_column(sa.Text, default="")
    reasoning: Mapped[str] = mapped_column(sa.Text, default="")
    found_tags_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    remedies_json: Mapped[str] = mapped_column(sa.Text, default="[]")    # [{"remedy": ..., "amount_fen": ...}]
    citations_json: Mapped[str] = mapped_column(sa.Text, default="[]")   # codes, in the order chosen
    # four eyes: why it was sent, to whom it went, what came back
    review_reasons_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    sent_at: Mapped[dt.datetime | None]
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None]
    review_note: Mapped[str] = mapped_column(sa.Text, default="")
    review_seconds: Mapped[int] = mapped_column(default=0)              # time spent in review, all rounds closed
    ruling_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rulings.id"))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]

    @property
    def found_tags(self) -> list[str]:
        return json.loads(self.found_tags_json)

    @property
    def remedies(self) -> list[dict]:
        return json.loads(self.remedies_json)

    @property
    def citations(self) -> list[str]:
        return json.loads(self.citations_json)

    @property
    def review_reasons(self) -> list[dict]:
        return json.loads(self.review_reasons_json)


FOUR_EYES_RULES = ("amount_over", "in_training", "reversal")


class FourEyesRule(Base):
    """A supervisor's rule that sends a draft to a supervisor before it can be issued; absent or disabled: off."""

    __tablename__ = "four_eyes_rules"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {FOUR_EYES_RULES}", name="kind"),
        sa.CheckConstraint("kind != 'amount_over' OR NOT enabled OR amount_fen > 0", name="amount"),
    )

    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    amount_fen: Mapped[int | None] = mapped_column(sa.BigInteger)        # amount_over: the threshold
    updated_at: Mapped[dt.datetime]
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class ArbitratorInTraining(Base):
    """An arbitrator a supervisor marked as in training (the in_training rule reads it)."""

    __tablename__ = "arbitrators_in_training"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    since: Mapped[dt.datetime]
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
