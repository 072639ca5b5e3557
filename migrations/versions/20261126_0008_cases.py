"""cases: the case and its yearly number counter

Revision ID: 0008_cases
Revises: 0007_evidence
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_cases"
down_revision = "0007_evidence"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_number_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_case_number_counters'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('escalation_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=30), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('state', sa.Enum('negotiation', 'offer_pending', 'evidence', 'supplementary', 'review', 'reconsideration_window', 'reconsideration', 'enforcement', 'closed', 'withdrawn', name='case_state', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('merchant_id', sa.Integer(), nullable=False),
    sa.Column('arbitrator_id', sa.Integer(), nullable=True),
    sa.Column('claim_remedy', sa.String(length=20), nullable=False),
    sa.Column('claim_amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('fact_tags_json', sa.Text(), nullable=False),
    sa.Column('order_snapshot_json', sa.Text(), nullable=False),
    sa.Column('policy_snapshot_json', sa.Text(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('offer_remedy', sa.String(length=20), nullable=True),
    sa.Column('offer_amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('offer_text', sa.Text(), nullable=False),
    sa.Column('refusal_reason', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.Column('buyer_evidence_closed', sa.Boolean(), nullable=False),
    sa.Column('merchant_evidence_closed', sa.Boolean(), nullable=False),
    sa.Column('reconsideration_asked_by_json', sa.Text(), nullable=False),
    sa.Column('deadline_extended', sa.Boolean(), nullable=False),
    sa.Column('escalated', sa.Boolean(), nullable=False),
    sa.CheckConstraint("category IN ('non_delivery', 'delivery_delay', 'not_as_described', 'invalid_code', 'hidden_fee', 'duplicate_payment', 'risk_lock', 'fraud', 'other')", name=op.f('ck_cases_category')),
    sa.CheckConstraint("claim_remedy IN ('full_refund', 'partial_refund', 'reissue', 'void_fee', 'compensation')", name=op.f('ck_cases_claim_remedy')),
    sa.CheckConstraint("origin IN ('cancellation_rejected', 'after_sales_failed', 'merchant_timeout', 'platform_fault')", name=op.f('ck_cases_origin')),
    sa.CheckConstraint('claim_amount_fen >= 0 AND (offer_amount_fen IS NULL OR offer_amount_fen >= 0)', name=op.f('ck_cases_amounts')),
    sa.ForeignKeyConstraint(['arbitrator_id'], ['users.id'], name=op.f('fk_cases_arbitrator_id_users')),
    sa.ForeignKeyConstraint(['buyer_id'], ['users.id'], name=op.f('fk_cases_buyer_id_users')),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'], name=op.f('fk_cases_escalation_id_escalations')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_cases_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_cases_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_arbitrator_state', ['arbitrator_id', 'state'], unique=False)
        batch_op.create_index('ix_cases_merchant_state', ['merchant_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_order_id'), ['order_id'], unique=False)
        batch_op.create_index('uq_cases_one_open_per_order', ['order_id'], unique=True, sqlite_where=sa.text("state NOT IN ('closed', 'withdrawn')"), postgresql_where=sa.text("state NOT IN ('closed', 'withdrawn')"))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('uq_cases_one_open_per_order', sqlite_where=sa.text("state NOT IN ('closed', 'withdrawn')"), postgresql_where=sa.text("state NOT IN ('closed', 'withdrawn')"))
        batch_op.drop_index(batch_op.f('ix_cases_order_id'))
        batch_op.drop_index('ix_cases_merchant_state')
        batch_op.drop_index('ix_cases_arbitrator_state')

    op.drop_table('cases')
    op.drop_table('case_number_counters')
