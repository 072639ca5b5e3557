"""cases: when each case last changed (the regulators' open feed pulls the changes after a cursor)

Filled from the case's latest event (its opening when it has none), then kept by the workflow's one service.

Revision ID: 0047_case_changes
Revises: 0046_public_library
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0047_case_changes"
down_revision = "0046_public_library"
branch_labels = None
depends_on = None

LATEST_EVENT = ("SELECT MAX(events.created_at) FROM events WHERE events.subject_type = 'case' "
                "AND events.subject_id = CAST(cases.id AS VARCHAR(64))")


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(), nullable=True))
    op.execute(f"UPDATE cases SET changed_at = COALESCE(({LATEST_EVENT}), opened_at)")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column("changed_at", existing_type=sa.DateTime(), nullable=False)
    op.create_index("ix_cases_changed", "cases", ["changed_at", "id"])


def downgrade():
    op.drop_index("ix_cases_changed", table_name="cases")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
