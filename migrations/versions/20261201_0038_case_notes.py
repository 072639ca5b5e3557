"""cases: internal notes of the case's staff; a message may point to an evidence file

Revision ID: 0038_case_notes
Revises: 0037_four_eyes
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0038_case_notes"
down_revision = "0037_four_eyes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('author_role', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index('ix_case_notes_case', ['case_id', 'id'], unique=False)
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_case_messages_evidence_id_evidence'), 'evidence',
                                    ['evidence_id'], ['id'])


def downgrade():
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_messages_evidence_id_evidence'), type_='foreignkey')
        batch_op.drop_column('evidence_id')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_case_notes_case')
    op.drop_table('case_notes')
