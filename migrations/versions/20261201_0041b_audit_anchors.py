"""audit_anchors: the Merkle root over every chain's head, stamped by a time stamping authority

Revision ID: 0041b_audit_anchors
Revises: 0041a_event_key_ids
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0041b_audit_anchors"
down_revision = "0041a_event_key_ids"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_anchors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('chains', sa.Integer(), nullable=False),
    sa.Column('root', sa.String(length=64), nullable=False),
    sa.Column('leaves', sa.LargeBinary(), nullable=False),
    sa.Column('tsr', sa.LargeBinary(), nullable=True),
    sa.Column('stamped_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_anchors'))
    )
    with op.batch_alter_table('audit_anchors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_anchors_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_anchors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_anchors_created_at'))
    op.drop_table('audit_anchors')
