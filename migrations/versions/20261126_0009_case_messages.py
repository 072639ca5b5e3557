"""case messages

Revision ID: 0009_case_messages
Revises: 0008_cases
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_case_messages"
down_revision = "0008_cases"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('sender_role', sa.String(length=20), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("audience IN ('all', 'arbitrator')", name=op.f('ck_case_messages_audience')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_messages_case_id_cases')),
    sa.ForeignKeyConstraint(['sender_id'], ['users.id'], name=op.f('fk_case_messages_sender_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_messages'))
    )
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.create_index('ix_case_messages_case', ['case_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_case_messages_case')

    op.drop_table('case_messages')
