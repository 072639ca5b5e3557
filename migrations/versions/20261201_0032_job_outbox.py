"""job outbox: a job asked for in a transaction is written in it, and handed to the queue after commit

Revision ID: 0032_job_outbox
Revises: 0031_login_locks
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0032_job_outbox"
down_revision = "0031_login_locks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=100), nullable=False),
    sa.Column('arguments_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_outbox'))
    )


def downgrade():
    op.drop_table('job_outbox')
