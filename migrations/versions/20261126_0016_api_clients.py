"""api: clients of the platform API (hashed tokens, scopes)

Revision ID: 0016_api_clients
Revises: 0015_exports
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_api_clients"
down_revision = "0015_exports"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_prefix', sa.String(length=12), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('scopes_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_clients_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_clients')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_api_clients_token_sha256'))
    )


def downgrade():
    op.drop_table('api_clients')
