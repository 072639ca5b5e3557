"""oversight: bulk exports of case dossiers

Revision ID: 0015_exports
Revises: 0014_rulings
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_exports"
down_revision = "0014_rulings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('filter_json', sa.Text(), nullable=False),
    sa.Column('with_evidence', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('zip_key', sa.String(length=300), nullable=True),
    sa.Column('zip_sha256', sa.String(length=64), nullable=True),
    sa.Column('zip_size', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed', 'cancelled')", name=op.f('ck_exports_state')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_exports_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exports'))
    )
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.create_index('ix_exports_requested_by', ['requested_by_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_index('ix_exports_requested_by')

    op.drop_table('exports')
