"""deadlines: the number of working days a deadline counts, so a calendar change can count it again

Revision ID: 0033_deadline_working_days
Revises: 0032_job_outbox
Create Date: 2026-12-01
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0033_deadline_working_days"
down_revision = "0032_job_outbox"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deadlines') as batch:
        batch.add_column(sa.Column('working_days', sa.Integer(), nullable=True))
    # pending case deadlines: their working days from the policy snapshot the case opened with (a case's deadline
    # kind is the state that started it); the other deadlines run in hours and stay NULL
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT d.id, d.kind, c.policy_snapshot_json FROM deadlines d JOIN cases c "
        "ON d.subject_id = CAST(c.id AS VARCHAR(64)) WHERE d.subject_type = 'case' AND d.state = 'pending'")).all()
    for deadline_id, kind, snapshot in rows:
        days = (json.loads(snapshot or "{}").get(kind) or {}).get("working_days")
        if days:
            conn.execute(sa.text("UPDATE deadlines SET working_days = :days WHERE id = :id"),
                         {"days": days, "id": deadline_id})


def downgrade():
    with op.batch_alter_table('deadlines') as batch:
        batch.drop_column('working_days')
