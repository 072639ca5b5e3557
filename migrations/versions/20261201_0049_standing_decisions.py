"""precedents: the decision in force of each ruled case, by category (where similar past decisions are read from)

Filled here from the rulings (each case's latest round); from then on the rulings' `issued` hook keeps it in the
issuing transaction.

Revision ID: 0049_standing_decisions
Revises: 0048_stats_rollups
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0049_standing_decisions"
down_revision = "0048_stats_rollups"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "standing_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("ruling_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_standing_decisions_case_id_cases")),
        sa.ForeignKeyConstraint(["ruling_id"], ["rulings.id"], name=op.f("fk_standing_decisions_ruling_id_rulings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing_decisions")),
        sa.UniqueConstraint("case_id", name=op.f("uq_standing_decisions_case_id")),
        sa.UniqueConstraint("ruling_id", name=op.f("uq_standing_decisions_ruling_id")),
    )
    op.create_index("ix_standing_decisions_category", "standing_decisions", ["category", "case_id"])
    op.execute(
        "INSERT INTO standing_decisions (case_id, ruling_id, category) "
        "SELECT r.case_id, r.id, c.category FROM rulings r JOIN cases c ON c.id = r.case_id "
        "WHERE NOT EXISTS (SELECT 1 FROM rulings later WHERE later.case_id = r.case_id AND later.round > r.round) "
        "ORDER BY r.case_id")


def downgrade():
    op.drop_index("ix_standing_decisions_category", table_name="standing_decisions")
    op.drop_table("standing_decisions")
