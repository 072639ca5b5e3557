"""evidence: one row per stored file

Revision ID: 0007_evidence
Revises: 0006_orders
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_evidence"
down_revision = "0006_orders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.String(length=10), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('display_name', sa.String(length=130), nullable=False),
    sa.Column('mime', sa.String(length=60), nullable=False),
    sa.Column('extension', sa.String(length=10), nullable=False),
    sa.Column('charset', sa.String(length=20), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_backend', sa.String(length=10), nullable=False),
    sa.Column('storage_key', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('retained_until', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('screenshot', 'chat_log', 'order_record', 'card_code_proof', 'payment_record', 'video', 'other')", name=op.f('ck_evidence_kind')),
    sa.CheckConstraint("party IN ('buyer', 'merchant', 'platform')", name=op.f('ck_evidence_party')),
    sa.CheckConstraint('size > 0', name=op.f('ck_evidence_size')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_evidence_order_id_orders')),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_evidence_uploader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_evidence_storage_key'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_evidence_subject', ['subject_type', 'subject_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_subject')
        batch_op.drop_index(batch_op.f('ix_evidence_order_id'))

    op.drop_table('evidence')
