"""stats: the statistics' roll-ups (each case's facts; sums per opening day × merchant × category × outcome and
over all time, the times to the first ruling, what happened per day)

Created empty: a database that already has cases fills them with `flask stats rebuild` (`make run` does it when
they are empty and cases are not); from then on every change keeps them current in its own transaction.

Revision ID: 0048_stats_rollups
Revises: 0047_case_changes
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0048_stats_rollups"
down_revision = "0047_case_changes"
branch_labels = None
depends_on = None

MEASURES = ("met", "applied", "missed", "hidden_fee", "upheld", "remedy_late", "reversed", "risk_lock")
DAYS = ("closed_day", "closed_default_day", "ruled_day", "hidden_fee_day", "refund_ordered_day", "refund_paid_day")


def _opened_key():
    return [sa.Column("opened_day", sa.Date(), nullable=False), sa.Column("merchant_id", sa.Integer(), nullable=False),
            sa.Column("category", sa.String(30), nullable=False), sa.Column("outcome", sa.String(20), nullable=False)]


def upgrade():
    op.create_table(
        "stats_cases",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", name="fk_stats_cases_case_id_cases",
                                                          ondelete="CASCADE"), nullable=False),
        *_opened_key(),
        *(sa.Column(m, sa.SmallInteger() if m not in ("met", "applied") else sa.Integer(), nullable=False)
          for m in MEASURES),
        sa.Column("ruling_tenths", sa.Integer(), nullable=True),
        *(sa.Column(d, sa.Date(), nullable=True) for d in DAYS),
        sa.PrimaryKeyConstraint("case_id", name="pk_stats_cases"))
    op.create_table(
        "stats_opened", *_opened_key(), sa.Column("cases", sa.Integer(), nullable=False),
        *(sa.Column(m, sa.Integer(), nullable=False) for m in MEASURES),
        sa.PrimaryKeyConstraint("opened_day", "merchant_id", "category", "outcome", name="pk_stats_opened"))
    op.create_index("ix_stats_opened_merchant", "stats_opened", ["merchant_id", "opened_day"])
    op.create_table(
        "stats_totals", *_opened_key()[1:], sa.Column("cases", sa.Integer(), nullable=False),
        *(sa.Column(m, sa.Integer(), nullable=False) for m in MEASURES),
        sa.PrimaryKeyConstraint("merchant_id", "category", "outcome", name="pk_stats_totals"))
    op.create_table(
        "stats_ruling_times", *_opened_key(), sa.Column("tenths", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("opened_day", "merchant_id", "category", "outcome", "tenths",
                                name="pk_stats_ruling_times"))
    op.create_table(
        "stats_daily", sa.Column("day", sa.Date(), nullable=False), sa.Column("what", sa.String(20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "what", name="pk_stats_daily"))
    op.create_table(
        "stats_daily_ruling_times", sa.Column("day", sa.Date(), nullable=False),
        sa.Column("tenths", sa.Integer(), nullable=False), sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "tenths", name="pk_stats_daily_ruling_times"))


def downgrade():
    for table in ("stats_daily_ruling_times", "stats_daily", "stats_ruling_times", "stats_totals", "stats_opened",
                  "stats_cases"):
        op.drop_table(table)
