"""What of the search index the models do not describe, for Alembic to leave out of its comparison.

The full-text index lives beside search_documents in each database's own form (migration 0044b): PostgreSQL's
generated `tsv` column and its GIN index, SQLite's FTS5 table `search_fts` (and the shadow tables FTS5 makes,
search_fts_data, _idx, _docsize, _config). SQLAlchemy's models cannot describe either portably, so autogenerate
and `alembic check` (migrations/env.py) and the suite's schema test skip them by name."""
from __future__ import annotations

FULL_TEXT_TABLES = ("search_fts", "library_fts")          # the public library's index is made the same way (0046)
TSV_COLUMN = "tsv"
TSV_TABLES = ("search_documents", "public_decisions")
TSV_INDEXES = ("ix_search_documents_tsv", "ix_public_decisions_tsv")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table" and name and name.startswith(FULL_TEXT_TABLES):
        return False
    if type_ == "column" and name == TSV_COLUMN and obj.table.name in TSV_TABLES:
        return False
    if type_ == "index" and name in TSV_INDEXES:
        return False
    return True
