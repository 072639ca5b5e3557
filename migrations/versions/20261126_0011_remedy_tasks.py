"""cases: remedy tasks of enforcement

Revision ID: 0011_remedy_tasks
Revises: 0010_supplementary_party
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_remedy_tasks"
down_revision = "0010_supplementary_party"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('remedy_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('remedy', sa.String(length=20), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('owner', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint("remedy IN ('full_refund', 'partial_refund', 'reissue', 'void_fee', 'compensation')", name=op.f('ck_remedy_tasks_remedy')),
    sa.CheckConstraint("state IN ('open', 'done')", name=op.f('ck_remedy_tasks_state')),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_remedy_tasks_amount')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_remedy_tasks_case_id_cases')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_remedy_tasks_done_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remedy_tasks'))
    )
    with op.batch_alter_table('remedy_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remedy_tasks_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('remedy_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remedy_tasks_case_id'))

    op.drop_table('remedy_tasks')
