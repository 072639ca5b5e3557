"""merchants: timing policy (DESIGN §2 defaults)

Revision ID: 0005_merchant_policy
Revises: 0004_deadlines
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_merchant_policy"
down_revision = "0004_deadlines"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('merchants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_window_minutes', sa.Integer(), nullable=False, server_default='60'))
        batch_op.add_column(sa.Column('review_target_minutes', sa.Integer(), nullable=False, server_default='120'))
        batch_op.add_column(sa.Column('review_limit_minutes', sa.Integer(), nullable=False, server_default='1440'))
        batch_op.add_column(sa.Column('after_sales_response_hours', sa.Integer(), nullable=False, server_default='48'))
        batch_op.add_column(sa.Column('reissue_verify_hours', sa.Integer(), nullable=False, server_default='72'))
        batch_op.add_column(sa.Column('auto_confirm_hours', sa.Integer(), nullable=False, server_default='72'))
        batch_op.add_column(sa.Column('delivery_promise_hours', sa.Integer(), nullable=False, server_default='24'))
        batch_op.create_check_constraint(
            "policy_positive",
            "payment_window_minutes > 0 AND review_target_minutes > 0 AND review_limit_minutes > 0 "
            "AND after_sales_response_hours > 0 AND reissue_verify_hours > 0 "
            "AND auto_confirm_hours > 0 AND delivery_promise_hours > 0")


def downgrade():
    with op.batch_alter_table('merchants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_merchants_policy_positive'), type_='check')
        batch_op.drop_column('delivery_promise_hours')
        batch_op.drop_column('auto_confirm_hours')
        batch_op.drop_column('reissue_verify_hours')
        batch_op.drop_column('after_sales_response_hours')
        batch_op.drop_column('review_limit_minutes')
        batch_op.drop_column('review_target_minutes')
        batch_op.drop_column('payment_window_minutes')
