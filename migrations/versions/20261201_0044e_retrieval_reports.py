"""precedents: similar-case retrieval reports (类案检索报告) attached to a case file

Revision ID: 0044e_retrieval_reports
Revises: 0044d_precedent_departures
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0044e_retrieval_reports"
down_revision = "0044d_precedent_departures"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "retrieval_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("entries_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_retrieval_reports_author_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_retrieval_reports_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retrieval_reports")),
    )
    op.create_index("ix_retrieval_reports_case", "retrieval_reports", ["case_id", "id"])


def downgrade():
    op.drop_index("ix_retrieval_reports_case", table_name="retrieval_reports")
    op.drop_table("retrieval_reports")
