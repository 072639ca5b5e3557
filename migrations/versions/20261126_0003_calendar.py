"""the business calendar

Revision ID: 0003_calendar
Revises: 0002_event_log
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_calendar"
down_revision = '0002_event_log'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('holiday', 'workday')", name=op.f('ck_calendar_days_kind')),
    sa.CheckConstraint("source IN ('package', 'admin')", name=op.f('ck_calendar_days_source')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_days'))
    )
    op.create_table('calendar_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("source IN ('package', 'admin')", name=op.f('ck_calendar_years_source')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_years'))
    )


def downgrade():
    op.drop_table('calendar_years')
    op.drop_table('calendar_days')
