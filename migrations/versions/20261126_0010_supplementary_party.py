"""cases: the party asked for supplementary evidence

Revision ID: 0010_supplementary_party
Revises: 0009_case_messages
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_supplementary_party"
down_revision = "0009_case_messages"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supplementary_party', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('supplementary_party')
