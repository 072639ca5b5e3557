"""the deadline engine

Revision ID: 0004_deadlines
Revises: 0003_calendar
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_deadlines"
down_revision = '0003_calendar'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('consequence', sa.String(length=60), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('remind_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_merchant_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=20), nullable=True),
    sa.Column('calendar_fallback', sa.Boolean(), nullable=False),
    sa.Column('data_json', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'applied', 'met', 'cancelled', 'failed')", name=op.f('ck_deadlines_state')),
    sa.ForeignKeyConstraint(['actor_merchant_id'], ['merchants.id'], name=op.f('fk_deadlines_actor_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_deadlines_actor_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadlines'))
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadlines_actor_merchant_id'), ['actor_merchant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadlines_actor_user_id'), ['actor_user_id'], unique=False)
        batch_op.create_index('ix_deadlines_state_due_at', ['state', 'due_at'], unique=False)
        batch_op.create_index('ix_deadlines_state_remind_at', ['state', 'remind_at'], unique=False)
        batch_op.create_index('ix_deadlines_subject', ['subject_type', 'subject_id'], unique=False)


def downgrade():
    op.drop_table('deadlines')
