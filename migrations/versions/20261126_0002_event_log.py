"""the hash-chained event log

Revision ID: 0002_event_log
Revises: 0001_accounts
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_event_log"
down_revision = '0001_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_chain_heads',
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('subject_type', 'subject_id', name=op.f('pk_event_chain_heads'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('data_json', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('subject_type', 'subject_id', 'seq', name=op.f('uq_events_subject_type_subject_id_seq'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_created_at'), ['created_at'], unique=False)

    # The log is append-only: the database itself refuses UPDATE and DELETE. (A later batch
    # migration that recreates `events` on SQLite must create these triggers again.)
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER events_refuse_{verb.lower()} BEFORE {verb} ON events
                BEGIN SELECT RAISE(ABORT, 'the event log is append-only ({verb} refused)'); END
            """)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION events_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the event log is append-only (% refused)', TG_OP;
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute("""
            CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION events_refuse_change()
        """)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS events_refuse_update")
        op.execute("DROP TRIGGER IF EXISTS events_refuse_delete")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP FUNCTION IF EXISTS events_refuse_change()")
    op.drop_table('events')
    op.drop_table('event_chain_heads')
