"""search: the text of evidence files (decoded, extracted from PDF, or machine-read from images)

Revision ID: 0044c_evidence_texts
Revises: 0044b_search_index
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0044c_evidence_texts"
down_revision = "0044b_search_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evidence_texts",
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("method IN ('text', 'pdf', 'ocr')", name=op.f("ck_evidence_texts_method")),
        sa.CheckConstraint("state IN ('done', 'empty', 'failed')", name=op.f("ck_evidence_texts_state")),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"], name=op.f("fk_evidence_texts_evidence_id_evidence")),
        sa.PrimaryKeyConstraint("evidence_id", name=op.f("pk_evidence_texts")),
    )


def downgrade():
    op.drop_table("evidence_texts")
