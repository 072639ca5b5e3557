"""search: the documents of the full-text index (a case's text, segmented) and the text read from evidence files

Revision ID: 0044a_search_documents
Revises: 0041c_evidence_timestamps
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0044a_search_documents"
down_revision = "0041c_evidence_timestamps"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("source IN ('statement', 'request', 'refusal', 'message', 'ruling', 'evidence')",
                           name=op.f("ck_search_documents_source")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_search_documents_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("case_id", "source", "source_id", name=op.f("uq_search_documents_case_id_source_source_id")),
    )
    op.create_index("ix_search_documents_source", "search_documents", ["source", "source_id"])


def downgrade():
    op.drop_index("ix_search_documents_source", table_name="search_documents")
    op.drop_table("search_documents")
