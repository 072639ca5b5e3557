"""orders, fee schedules, requests, refunds, escalations

Revision ID: 0006_orders
Revises: 0005_merchant_policy
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_orders"
down_revision = "0005_merchant_policy"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('fee_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('paid_rate_bp', sa.Integer(), nullable=False),
    sa.Column('delivered_rate_bp', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('paid_rate_bp BETWEEN 0 AND 10000 AND delivered_rate_bp BETWEEN 0 AND 10000', name=op.f('ck_fee_schedules_rates')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_fee_schedules_created_by_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_fee_schedules_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_schedules')),
    sa.UniqueConstraint('merchant_id', 'version', name=op.f('uq_fee_schedules_merchant_id_version'))
    )
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('product_type', sa.Enum('game_card', 'membership', 'top_up', 'gift_pack', name='product_type', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('product_name', sa.String(length=200), nullable=False),
    sa.Column('face_value_fen', sa.Integer(), nullable=False),
    sa.Column('listing_description', sa.Text(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('alipay', 'wechat', 'balance', 'bank_card', name='payment_channel', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('state', sa.Enum('pending_payment', 'paid', 'delivered', 'completed', 'closed', 'cancelled', 'refunded', name='order_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('delivery_due_at', sa.DateTime(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('fee_snapshot_json', sa.Text(), nullable=True),
    sa.Column('delivery_kind', sa.String(length=20), nullable=True),
    sa.Column('card_codes_json', sa.Text(), nullable=True),
    sa.Column('topup_account', sa.String(length=100), nullable=True),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('lock_reason', sa.String(length=40), nullable=True),
    sa.Column('locked_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('amount_fen > 0 AND quantity > 0 AND face_value_fen >= 0', name=op.f('ck_orders_amounts')),
    sa.ForeignKeyConstraint(['buyer_id'], ['users.id'], name=op.f('fk_orders_buyer_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_orders_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_orders_number'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_buyer_created', ['buyer_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_orders_merchant_state', ['merchant_id', 'state'], unique=False)

    op.create_table('order_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('order_state', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('reason_text', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('fee_fen', sa.Integer(), nullable=False),
    sa.Column('hidden_fee', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('target_at', sa.DateTime(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('response', sa.String(length=20), nullable=True),
    sa.Column('response_amount_fen', sa.Integer(), nullable=True),
    sa.Column('response_text', sa.Text(), nullable=False),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('replacement_codes_json', sa.Text(), nullable=True),
    sa.Column('verify_due_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('cancellation', 'after_sales', 'platform_fault')", name=op.f('ck_order_requests_kind')),
    sa.CheckConstraint("state IN ('pending', 'reissued', 'approved', 'auto_approved', 'rejected', 'resolved', 'accepted', 'failed', 'timed_out', 'escalated')", name=op.f('ck_order_requests_state')),
    sa.CheckConstraint('fee_fen >= 0 AND (response_amount_fen IS NULL OR response_amount_fen >= 0)', name=op.f('ck_order_requests_amounts')),
    sa.ForeignKeyConstraint(['buyer_id'], ['users.id'], name=op.f('fk_order_requests_buyer_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_order_requests_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_requests_order_id_orders')),
    sa.ForeignKeyConstraint(['responded_by_id'], ['users.id'], name=op.f('fk_order_requests_responded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_requests'))
    )
    with op.batch_alter_table('order_requests', schema=None) as batch_op:
        batch_op.create_index('ix_order_requests_merchant_queue', ['merchant_id', 'kind', 'state', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_requests_order_id'), ['order_id'], unique=False)
        batch_op.create_index('uq_order_requests_one_open', ['order_id'], unique=True, sqlite_where=sa.text("state IN ('pending', 'reissued')"), postgresql_where=sa.text("state IN ('pending', 'reissued')"))

    op.create_table('escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('eligible_until', sa.DateTime(), nullable=False),
    sa.Column('facts_json', sa.Text(), nullable=False),
    sa.Column('case_opened_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("origin IN ('cancellation_rejected', 'after_sales_failed', 'merchant_timeout', 'platform_fault')", name=op.f('ck_escalations_origin')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_escalations_order_id_orders')),
    sa.ForeignKeyConstraint(['request_id'], ['order_requests.id'], name=op.f('fk_escalations_request_id_order_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations'))
    )
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalations_order_id'), ['order_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('fee_fen', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('alipay', 'wechat', 'balance', 'bank_card', name='refund_channel', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('expected_by', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('failure_reason', sa.String(length=200), nullable=True),
    sa.CheckConstraint("kind IN ('refund', 'compensation')", name=op.f('ck_refunds_kind')),
    sa.CheckConstraint("state IN ('pending', 'done', 'failed')", name=op.f('ck_refunds_state')),
    sa.CheckConstraint('amount_fen > 0 AND fee_fen >= 0', name=op.f('ck_refunds_amounts')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders')),
    sa.ForeignKeyConstraint(['request_id'], ['order_requests.id'], name=op.f('fk_refunds_request_id_order_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_order_id'), ['order_id'], unique=False)


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_order_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalations_order_id'))

    op.drop_table('escalations')
    with op.batch_alter_table('order_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_order_requests_one_open', sqlite_where=sa.text("state IN ('pending', 'reissued')"), postgresql_where=sa.text("state IN ('pending', 'reissued')"))
        batch_op.drop_index(batch_op.f('ix_order_requests_order_id'))
        batch_op.drop_index('ix_order_requests_merchant_queue')

    op.drop_table('order_requests')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_merchant_state')
        batch_op.drop_index('ix_orders_buyer_created')

    op.drop_table('orders')
    op.drop_table('fee_schedules')
