"""events: the audit key whose HMAC an event's hash is (NULL: written before the log was keyed)

Revision ID: 0041a_event_key_ids
Revises: 0040_case_list_sorts
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0041a_event_key_ids"
down_revision = "0040_case_list_sorts"
branch_labels = None
depends_on = None


def upgrade():
    # a plain ADD COLUMN (no batch copy of the table: its triggers refusing UPDATE and DELETE stay as they are)
    op.add_column("events", sa.Column("key_id", sa.String(length=20), nullable=True))


def downgrade():
    op.execute("ALTER TABLE events DROP COLUMN key_id")      # in place too (SQLite >= 3.35): the triggers stay
