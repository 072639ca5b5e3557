"""cases: an index on (category, id), for the similar past decisions of a case's category

Revision ID: 0044f_cases_category_index
Revises: 0044e_retrieval_reports
Create Date: 2026-12-01
"""
from alembic import op

revision = "0044f_cases_category_index"
down_revision = "0044e_retrieval_reports"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_cases_category", "cases", ["category", "id"])


def downgrade():
    op.drop_index("ix_cases_category", table_name="cases")
