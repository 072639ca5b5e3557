"""order requests: a buyer may withdraw a request the merchant has not answered (state "withdrawn")

Revision ID: 0039_request_withdrawn
Revises: 0038_case_notes
Create Date: 2026-12-01
"""
from alembic import op

revision = "0039_request_withdrawn"
down_revision = "0038_case_notes"
branch_labels = None
depends_on = None

BEFORE = ("pending", "reissued", "approved", "auto_approved", "rejected", "resolved", "accepted", "failed", "timed_out",
          "escalated")
AFTER = BEFORE + ("withdrawn",)


def _state_check(states) -> None:
    with op.batch_alter_table("order_requests", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_order_requests_state"), type_="check")
        batch_op.create_check_constraint("state", f"state IN {states}")


def upgrade():
    _state_check(AFTER)


def downgrade():
    op.execute("UPDATE order_requests SET state = 'resolved' WHERE state = 'withdrawn'")
    _state_check(BEFORE)
