"""login throttle: a lock row per account name and per client address

Revision ID: 0031_login_locks
Revises: 0030_scale_indexes
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0031_login_locks"
down_revision = "0030_scale_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_locks',
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.CheckConstraint("scope IN ('account', 'address')", name=op.f('ck_login_locks_scope')),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_login_locks'))
    )


def downgrade():
    op.drop_table('login_locks')
