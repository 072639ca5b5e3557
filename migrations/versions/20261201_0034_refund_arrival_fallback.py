"""refunds: whether the expected arrival was counted weekends-only, and from when, so a calendar change recounts it

Revision ID: 0034_refund_arrival_fallback
Revises: 0033_deadline_working_days
Create Date: 2026-12-01
"""
import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0034_refund_arrival_fallback"
down_revision = "0033_deadline_working_days"
branch_labels = None
depends_on = None

CHINA = ZoneInfo("Asia/Shanghai")


def upgrade():
    with op.batch_alter_table('refunds') as batch:
        batch.add_column(sa.Column('expected_fallback', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('expected_from', sa.DateTime(), nullable=True))
    # pending refunds never retried were counted from their creation: the count fell back if a year between that
    # day and the expected date has no known schedule (retried ones: the start is not stored, left as they are)
    conn = op.get_bind()
    known = {y for (y,) in conn.execute(sa.text("SELECT year FROM calendar_years"))}
    rows = conn.execute(sa.text(
        "SELECT id, created_at, expected_by FROM refunds WHERE state = 'pending' AND attempts = 1 "
        "AND expected_by IS NOT NULL").columns(id=sa.Integer, created_at=sa.DateTime, expected_by=sa.Date)).all()
    update = sa.text("UPDATE refunds SET expected_from = :start, expected_fallback = :fell_back WHERE id = :id") \
        .bindparams(sa.bindparam("start", type_=sa.DateTime), sa.bindparam("fell_back", type_=sa.Boolean))
    for refund_id, created_at, expected_by in rows:
        start = created_at.replace(tzinfo=dt.timezone.utc).astimezone(CHINA).date()
        fell_back = any(year not in known for year in range(start.year, expected_by.year + 1))
        conn.execute(update, {"start": created_at, "fell_back": fell_back, "id": refund_id})


def downgrade():
    with op.batch_alter_table('refunds') as batch:
        batch.drop_column('expected_from')
        batch.drop_column('expected_fallback')
