"""cases: arbitrators tied to a merchant are never assigned its cases

Revision ID: 0013_arbitrator_conflicts
Revises: 0012_notifications
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_arbitrator_conflicts"
down_revision = "0012_notifications"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('arbitrator_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('arbitrator_id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['arbitrator_id'], ['users.id'], name=op.f('fk_arbitrator_conflicts_arbitrator_id_users')),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_arbitrator_conflicts_declared_by_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_arbitrator_conflicts_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arbitrator_conflicts')),
    sa.UniqueConstraint('arbitrator_id', 'merchant_id', name=op.f('uq_arbitrator_conflicts_arbitrator_id_merchant_id'))
    )
    with op.batch_alter_table('arbitrator_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arbitrator_conflicts_merchant_id'), ['merchant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('arbitrator_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arbitrator_conflicts_merchant_id'))

    op.drop_table('arbitrator_conflicts')
