"""rulings: the law library (versioned provisions), rulings and their citations

Revision ID: 0014_rulings
Revises: 0013_arbitrator_conflicts
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_rulings"
down_revision = "0013_arbitrator_conflicts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('law_provisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('law', sa.String(length=120), nullable=False),
    sa.Column('law_en', sa.String(length=200), nullable=False),
    sa.Column('article', sa.String(length=40), nullable=False),
    sa.Column('article_no', sa.Integer(), nullable=True),
    sa.Column('paragraph', sa.Integer(), nullable=True),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('text_zh', sa.Text(), nullable=False),
    sa.Column('gloss_en', sa.Text(), nullable=False),
    sa.Column('applies_when_json', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.Column('retired_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('version >= 1', name=op.f('ck_law_provisions_version')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_law_provisions_added_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_law_provisions')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_law_provisions_code_version'))
    )
    with op.batch_alter_table('law_provisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_law_provisions_code'), ['code'], unique=False)

    op.create_table('rulings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('facts_found', sa.Text(), nullable=False),
    sa.Column('reasoning', sa.Text(), nullable=False),
    sa.Column('found_tags_json', sa.Text(), nullable=False),
    sa.Column('remedies_json', sa.Text(), nullable=False),
    sa.Column('missed_deadline_json', sa.Text(), nullable=True),
    sa.Column('pdf_state', sa.String(length=10), nullable=False),
    sa.Column('pdf_key', sa.String(length=300), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('pdf_size', sa.BigInteger(), nullable=True),
    sa.Column('pdf_ready_at', sa.DateTime(), nullable=True),
    sa.Column('pdf_error', sa.String(length=300), nullable=True),
    sa.CheckConstraint("decision IN ('upheld', 'partly_upheld', 'dismissed')", name=op.f('ck_rulings_decision')),
    sa.CheckConstraint("kind IN ('reasoned', 'default')", name=op.f('ck_rulings_kind')),
    sa.CheckConstraint("pdf_state IN ('pending', 'ready', 'failed')", name=op.f('ck_rulings_pdf_state')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_rulings_case_id_cases')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_rulings_issued_by_id_users')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['rulings.id'], name=op.f('fk_rulings_supersedes_id_rulings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rulings')),
    sa.UniqueConstraint('case_id', 'round', name=op.f('uq_rulings_case_id_round')),
    sa.UniqueConstraint('number', name=op.f('uq_rulings_number'))
    )
    with op.batch_alter_table('rulings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rulings_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rulings_pdf_sha256'), ['pdf_sha256'], unique=False)

    op.create_table('ruling_citations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ruling_id', sa.Integer(), nullable=False),
    sa.Column('provision_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['provision_id'], ['law_provisions.id'], name=op.f('fk_ruling_citations_provision_id_law_provisions')),
    sa.ForeignKeyConstraint(['ruling_id'], ['rulings.id'], name=op.f('fk_ruling_citations_ruling_id_rulings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ruling_citations')),
    sa.UniqueConstraint('ruling_id', 'provision_id', name=op.f('uq_ruling_citations_ruling_id_provision_id'))
    )
    with op.batch_alter_table('ruling_citations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ruling_citations_ruling_id'), ['ruling_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ruling_citations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ruling_citations_ruling_id'))

    op.drop_table('ruling_citations')
    with op.batch_alter_table('rulings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rulings_pdf_sha256'))
        batch_op.drop_index(batch_op.f('ix_rulings_case_id'))

    op.drop_table('rulings')
    with op.batch_alter_table('law_provisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_law_provisions_code'))

    op.drop_table('law_provisions')
