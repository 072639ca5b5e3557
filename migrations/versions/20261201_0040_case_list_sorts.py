"""cases: the amount in dispute, and the indexes of the case lists' other orders (opened, amount)

Revision ID: 0040_case_list_sorts
Revises: 0039_request_withdrawn
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0040_case_list_sorts"
down_revision = "0039_request_withdrawn"
branch_labels = None
depends_on = None

# per sort, the whole list's index and each role's (a role's keyset compares its column first)
INDEXES = [
    ("ix_cases_opened", ["opened_at", "id"]),
    ("ix_cases_arbitrator_opened", ["arbitrator_id", "opened_at", "id"]),
    ("ix_cases_merchant_opened", ["merchant_id", "opened_at", "id"]),
    ("ix_cases_buyer_opened", ["buyer_id", "opened_at", "id"]),
    ("ix_cases_amount", ["disputed_amount_fen", "id"]),
    ("ix_cases_arbitrator_amount", ["arbitrator_id", "disputed_amount_fen", "id"]),
    ("ix_cases_merchant_amount", ["merchant_id", "disputed_amount_fen", "id"]),
    ("ix_cases_buyer_amount", ["buyer_id", "disputed_amount_fen", "id"]),
]


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disputed_amount_fen", sa.BigInteger(), nullable=False,
                                      server_default=sa.text("0")))
    # what was claimed for a partial refund or compensation, else the order's amount
    op.execute("UPDATE cases SET disputed_amount_fen = CASE WHEN claim_remedy IN ('partial_refund', 'compensation') "
               "THEN claim_amount_fen ELSE (SELECT orders.amount_fen FROM orders WHERE orders.id = cases.order_id) END")
    for name, columns in INDEXES:
        op.create_index(name, "cases", columns)


def downgrade():
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="cases")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("disputed_amount_fen")
