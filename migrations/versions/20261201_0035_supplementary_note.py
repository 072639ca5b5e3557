"""cases: the arbitrator's words when asking a party for supplementary evidence, for the pages and the notification

Revision ID: 0035_supplementary_note
Revises: 0034_refund_arrival_fallback
Create Date: 2026-12-01
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0035_supplementary_note"
down_revision = "0034_refund_arrival_fallback"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('supplementary_note', sa.Text(), nullable=True))
    # cases asked before: the latest request's words, from the event log (each request's data holds its note)
    conn = op.get_bind()
    # (only cases ever asked, each read through the events' (subject_type, subject_id, seq) index)
    rows = conn.execute(sa.text(
        "SELECT e.subject_id, e.data_json FROM cases c JOIN events e ON e.subject_type = 'case' "
        "AND e.subject_id = CAST(c.id AS VARCHAR(64)) WHERE c.supplementary_party IS NOT NULL "
        "AND e.action = 'case.request_supplementary' ORDER BY e.subject_id, e.seq")).all()
    latest = {subject_id: json.loads(data or "{}").get("note") for subject_id, data in rows}
    for subject_id, note in latest.items():
        if note and subject_id.isdigit():
            conn.execute(sa.text("UPDATE cases SET supplementary_note = :note WHERE id = :id"),
                         {"note": note, "id": int(subject_id)})


def downgrade():
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('supplementary_note')
