"""evidence: the time stamping authority's token over each file's SHA-256, and the time it states

Revision ID: 0041c_evidence_timestamps
Revises: 0041b_audit_anchors
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0041c_evidence_timestamps"
down_revision = "0041b_audit_anchors"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tsr", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("stamped_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("stamped_at")
        batch_op.drop_column("tsr")
