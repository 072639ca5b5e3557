"""The search index's rows, and the text read out of evidence files (kept beside the file, never replacing it)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base

# what a row indexes: the case's statement, the request it came from (the buyer's words and the merchant's
# answer), the merchant's refusal, a message, an issued ruling (facts and reasoning), an evidence file
SOURCES = ("statement", "request", "refusal", "message", "ruling", "evidence")
READ_METHODS = ("text", "pdf", "ocr")
READ_STATES = ("done", "empty", "failed")


class SearchDocument(Base):
    """One piece of a case's text, segmented. The database's own full-text index sits beside it: on PostgreSQL a
    generated `tsv` column (to_tsvector('simple', words)) with a GIN index, on SQLite the FTS5 table `search_fts`
    kept by triggers (migration 0044b; neither is in this model, see migrations/env.py)."""

    __tablename__ = "search_documents"
    __table_args__ = (
        sa.CheckConstraint(f"source IN {SOURCES}", name="source"),
        sa.UniqueConstraint("case_id", "source", "source_id"),
        sa.Index("ix_search_documents_source", "source", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    source: Mapped[str] = mapped_column(sa.String(12))
    source_id: Mapped[int]
    restricted: Mapped[bool] = mapped_column(default=False)   # a message to the arbitrator alone (old rule): staff
    body: Mapped[str] = mapped_column(sa.Text)                # the text as written (excerpts and highlights)
    words: Mapped[str] = mapped_column(sa.Text)               # the text's words, space-separated (text.index_words)
    indexed_at: Mapped[dt.datetime]


class EvidenceText(Base):
    """The text of an evidence file: decoded (chat logs), extracted (PDF) or machine-read (OCR of a screenshot).
    Machine-read text is marked as such wherever it is shown."""

    __tablename__ = "evidence_texts"
    __table_args__ = (
        sa.CheckConstraint(f"method IN {READ_METHODS}", name="method"),
        sa.CheckConstraint(f"state IN {READ_STATES}", name="state"),
    )

    evidence_id: Mapped[int] = mapped_column(sa.ForeignKey("evidence.id"), primary_key=True, autoincrement=False)
    method: Mapped[str] = mapped_column(sa.String(10))
    state: Mapped[str] = mapped_column(sa.String(10))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    error: Mapped[str | None] = mapped_column(sa.String(300))
    read_at: Mapped[dt.datetime]
