"""ruling drafts: a ruling is written as a draft, saved and resumed, previewed, sent to a supervisor, then issued

Revision ID: 0036_ruling_drafts
Revises: 0035_supplementary_note
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0036_ruling_drafts"
down_revision = "0035_supplementary_note"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ruling_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('facts_found', sa.Text(), nullable=False),
    sa.Column('reasoning', sa.Text(), nullable=False),
    sa.Column('found_tags_json', sa.Text(), nullable=False),
    sa.Column('remedies_json', sa.Text(), nullable=False),
    sa.Column('citations_json', sa.Text(), nullable=False),
    sa.Column('review_reasons_json', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('review_seconds', sa.Integer(), nullable=False),
    sa.Column('ruling_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("decision IS NULL OR decision IN ('upheld', 'partly_upheld', 'dismissed')", name=op.f('ck_ruling_drafts_decision')),
    sa.CheckConstraint("state IN ('draft', 'in_review', 'returned', 'approved', 'issued')", name=op.f('ck_ruling_drafts_state')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_ruling_drafts_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_ruling_drafts_case_id_cases')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_ruling_drafts_reviewer_id_users')),
    sa.ForeignKeyConstraint(['ruling_id'], ['rulings.id'], name=op.f('fk_ruling_drafts_ruling_id_rulings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ruling_drafts')),
    sa.UniqueConstraint('case_id', 'round', 'author_id', name=op.f('uq_ruling_drafts_case_id_round_author_id'))
    )
    with op.batch_alter_table('ruling_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ruling_drafts_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_ruling_drafts_state_sent_at', ['state', 'sent_at'], unique=False)


def downgrade():
    with op.batch_alter_table('ruling_drafts', schema=None) as batch_op:
        batch_op.drop_index('ix_ruling_drafts_state_sent_at')
        batch_op.drop_index(batch_op.f('ix_ruling_drafts_case_id'))
    op.drop_table('ruling_drafts')
