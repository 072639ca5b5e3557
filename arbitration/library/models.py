"""The public decision library's rows: each final decision as published (a masked copy, made once when the
decision became final and never changed after), and the decisions a supervisor withheld from publication, why."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base
from arbitration.rulings.models import DecisionJson


class PublicDecision(DecisionJson, Base):
    """A final decision as anyone may read it: the parties' and the merchant's names, contact data, order and case
    numbers removed from its texts (library.rules.public_text). Its own full-text index sits beside it like the
    search index's (migration 0046: PostgreSQL's generated `tsv` and GIN index, SQLite's FTS5 `library_fts`)."""

    __tablename__ = "public_decisions"
    __table_args__ = (sa.Index("ix_public_decisions_category", "category", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ruling_id: Mapped[int] = mapped_column(sa.ForeignKey("rulings.id"), unique=True)
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)     # the decision's number, as printed
    kind: Mapped[str] = mapped_column(sa.String(10))                    # reasoned / default
    round: Mapped[int]
    category: Mapped[str] = mapped_column(sa.String(20))
    claim_remedy: Mapped[str] = mapped_column(sa.String(20))
    disputed_amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    decision: Mapped[str] = mapped_column(sa.String(20))
    found_tags_json: Mapped[str] = mapped_column(sa.Text)
    remedies_json: Mapped[str] = mapped_column(sa.Text)                 # [{"remedy": ..., "amount_fen": ...}]
    citations_json: Mapped[str] = mapped_column(sa.Text)                # [{"code": ..., "title": ...}]
    facts: Mapped[str] = mapped_column(sa.Text)
    reasoning: Mapped[str] = mapped_column(sa.Text)
    words: Mapped[str] = mapped_column(sa.Text)                         # segmented facts and reasoning
    issued_at: Mapped[dt.datetime]
    published_at: Mapped[dt.datetime]

    @property
    def citations(self) -> list[dict]:
        return json.loads(self.citations_json)


class PublicationHold(Base):
    """A decision a supervisor withheld from the library (before or after it was published), with the reason."""

    __tablename__ = "publication_holds"

    ruling_id: Mapped[int] = mapped_column(sa.ForeignKey("rulings.id"), primary_key=True, autoincrement=False)
    reason: Mapped[str] = mapped_column(sa.Text)
    held_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    held_at: Mapped[dt.datetime]
