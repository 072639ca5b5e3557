"""scale: the case lists' stored sort key and keyset indexes; partial indexes for the deadline sweep

Revision ID: 0030_scale_indexes
Revises: 0017_api_intake
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0030_scale_indexes"
down_revision = "0017_api_intake"
branch_labels = None
depends_on = None

NOTHING_RUNNING = "'9999-01-01 00:00:00'"


def upgrade():
    # a subject's pending deadlines by due time: without state and due_at in it, planners walked the
    # (state, due_at) index through every pending deadline to find one subject's nearest
    op.create_index('ix_deadlines_subject_state_due', 'deadlines', ['subject_type', 'subject_id', 'state', 'due_at'])
    op.drop_index('ix_deadlines_subject', table_name='deadlines')
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('queue_due_at', sa.DateTime(), nullable=False,
                                   server_default=sa.text(NOTHING_RUNNING)))
    # existing cases: their nearest pending deadline (one pass; the index on deadlines(subject) serves it)
    op.execute(
        "UPDATE cases SET queue_due_at = coalesce((SELECT min(d.due_at) FROM deadlines d "
        "WHERE d.subject_type = 'case' AND d.subject_id = CAST(cases.id AS VARCHAR(64)) AND d.state = 'pending'), "
        f"{NOTHING_RUNNING})")
    op.create_index('ix_cases_queue', 'cases', ['queue_due_at', 'id'])
    op.create_index('ix_cases_arbitrator_queue', 'cases', ['arbitrator_id', 'queue_due_at', 'id'])
    op.create_index('ix_cases_merchant_queue', 'cases', ['merchant_id', 'queue_due_at', 'id'])
    op.create_index('ix_cases_buyer_queue', 'cases', ['buyer_id', 'queue_due_at', 'id'])
    op.create_index('ix_deadlines_pending_due', 'deadlines', ['due_at', 'id'],
                    sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
    op.create_index('ix_deadlines_pending_remind', 'deadlines', ['remind_at', 'id'],
                    sqlite_where=sa.text("state = 'pending' AND reminded_at IS NULL"),
                    postgresql_where=sa.text("state = 'pending' AND reminded_at IS NULL"))
    op.create_index('ix_users_role', 'users', ['role'])
    for col in ("actor_user_id", "actor_merchant_id", "actor_role"):
        op.create_index(f'ix_deadlines_pending_{col}', 'deadlines', [col, 'due_at'],
                        sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
    op.create_index('ix_orders_locked', 'orders', ['locked_at', 'id'], sqlite_where=sa.text("locked = 1"),
                    postgresql_where=sa.text("locked"))
    op.create_index('ix_notifications_user_newest', 'notifications', ['user_id', 'id'])


def downgrade():
    op.drop_index('ix_notifications_user_newest', table_name='notifications')
    op.drop_index('ix_orders_locked', table_name='orders')
    for col in ("actor_user_id", "actor_merchant_id", "actor_role"):
        op.drop_index(f'ix_deadlines_pending_{col}', table_name='deadlines')
    op.drop_index('ix_users_role', table_name='users')
    op.drop_index('ix_deadlines_pending_remind', table_name='deadlines')
    op.drop_index('ix_deadlines_pending_due', table_name='deadlines')
    op.drop_index('ix_cases_buyer_queue', table_name='cases')
    op.drop_index('ix_cases_merchant_queue', table_name='cases')
    op.drop_index('ix_cases_arbitrator_queue', table_name='cases')
    op.drop_index('ix_cases_queue', table_name='cases')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('queue_due_at')
    op.create_index('ix_deadlines_subject', 'deadlines', ['subject_type', 'subject_id'])
    op.drop_index('ix_deadlines_subject_state_due', table_name='deadlines')
