"""four eyes: the supervisors' rules that send a draft to a supervisor first, and the arbitrators in training

Revision ID: 0037_four_eyes
Revises: 0036_ruling_drafts
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0037_four_eyes"
down_revision = "0036_ruling_drafts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('arbitrators_in_training',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.DateTime(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_arbitrators_in_training_marked_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_arbitrators_in_training_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_arbitrators_in_training'))
    )
    op.create_table('four_eyes_rules',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind != 'amount_over' OR NOT enabled OR amount_fen > 0", name=op.f('ck_four_eyes_rules_amount')),
    sa.CheckConstraint("kind IN ('amount_over', 'in_training', 'reversal')", name=op.f('ck_four_eyes_rules_kind')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_four_eyes_rules_updated_by_id_users')),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_four_eyes_rules'))
    )


def downgrade():
    op.drop_table('four_eyes_rules')
    op.drop_table('arbitrators_in_training')
