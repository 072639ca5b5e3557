"""precedents: the arbitrator's reason for departing from most of the close precedents, kept with the ruling

Revision ID: 0044d_precedent_departures
Revises: 0044c_evidence_texts
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0044d_precedent_departures"
down_revision = "0044c_evidence_texts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "precedent_departures",
        sa.Column("ruling_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("usual", sa.String(length=20), nullable=False),
        sa.Column("close_numbers_json", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_precedent_departures_recorded_by_id_users")),
        sa.ForeignKeyConstraint(["ruling_id"], ["rulings.id"], name=op.f("fk_precedent_departures_ruling_id_rulings")),
        sa.PrimaryKeyConstraint("ruling_id", name=op.f("pk_precedent_departures")),
    )


def downgrade():
    op.drop_table("precedent_departures")
