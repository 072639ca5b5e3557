"""exports: an unmasked export's stated legal basis and the list of cases it was asked for

Revision ID: 0045_export_unmasked
Revises: 0044f_cases_category_index
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0045_export_unmasked"
down_revision = "0044f_cases_category_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_basis", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("case_list_json", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.drop_column("case_list_json")
        batch_op.drop_column("legal_basis")
