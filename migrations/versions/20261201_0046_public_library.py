"""library: the public decision library (published masked decisions, withheld decisions) and its full-text index

PostgreSQL: a generated tsvector column over public_decisions.words and a GIN index; SQLite: an FTS5 table kept
by triggers, as for the search index (0044b; neither is in the models, see arbitration/search/schema.py).

Revision ID: 0046_public_library
Revises: 0045_export_unmasked
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0046_public_library"
down_revision = "0045_export_unmasked"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE library_fts USING fts5(words, content='public_decisions', content_rowid='id')",
    "CREATE TRIGGER public_decisions_fts_insert AFTER INSERT ON public_decisions BEGIN "
    "INSERT INTO library_fts(rowid, words) VALUES (new.id, new.words); END",
    "CREATE TRIGGER public_decisions_fts_delete AFTER DELETE ON public_decisions BEGIN "
    "INSERT INTO library_fts(library_fts, rowid, words) VALUES ('delete', old.id, old.words); END",
    "CREATE TRIGGER public_decisions_fts_update AFTER UPDATE OF words ON public_decisions BEGIN "
    "INSERT INTO library_fts(library_fts, rowid, words) VALUES ('delete', old.id, old.words); "
    "INSERT INTO library_fts(rowid, words) VALUES (new.id, new.words); END",
]


def upgrade():
    op.create_table(
        "public_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ruling_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("claim_remedy", sa.String(length=20), nullable=False),
        sa.Column("disputed_amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("found_tags_json", sa.Text(), nullable=False),
        sa.Column("remedies_json", sa.Text(), nullable=False),
        sa.Column("citations_json", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("reasoning", sa.Text(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ruling_id"], ["rulings.id"], name=op.f("fk_public_decisions_ruling_id_rulings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_decisions")),
        sa.UniqueConstraint("number", name=op.f("uq_public_decisions_number")),
        sa.UniqueConstraint("ruling_id", name=op.f("uq_public_decisions_ruling_id")),
    )
    op.create_index("ix_public_decisions_category", "public_decisions", ["category", "id"], unique=False)
    op.create_table(
        "publication_holds",
        sa.Column("ruling_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("held_by_id", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["held_by_id"], ["users.id"], name=op.f("fk_publication_holds_held_by_id_users")),
        sa.ForeignKeyConstraint(["ruling_id"], ["rulings.id"], name=op.f("fk_publication_holds_ruling_id_rulings")),
        sa.PrimaryKeyConstraint("ruling_id", name=op.f("pk_publication_holds")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE public_decisions ADD COLUMN tsv tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, words)) STORED")
        op.execute("CREATE INDEX ix_public_decisions_tsv ON public_decisions USING gin (tsv)")
    else:
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        for name in ("update", "delete", "insert"):
            op.execute(f"DROP TRIGGER IF EXISTS public_decisions_fts_{name}")
        op.execute("DROP TABLE IF EXISTS library_fts")
    op.drop_table("publication_holds")
    op.drop_index("ix_public_decisions_category", table_name="public_decisions")
    op.drop_table("public_decisions")
