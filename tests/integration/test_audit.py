"""The event log: appends chain per subject; the database refuses edits; `flask audit verify` names tampering."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from arbitration.audit.models import ChainHead, Event
from arbitration.audit.services import events_of, record_event, verify_subject
from arbitration.db import db


def _raw(sql: str, **params):
    return db.session.execute(sa.text(sql), params)


def _without_guard(sql: str, **params):
    """What an intruder with database access could do: lift the append-only guard, change a row."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        _raw("ALTER TABLE events DISABLE TRIGGER events_append_only")
        _raw(sql, **params)
        _raw("ALTER TABLE events ENABLE TRIGGER events_append_only")
    else:
        _raw("DROP TRIGGER IF EXISTS events_refuse_update")      # IF EXISTS: a test may lift it twice
        _raw("DROP TRIGGER IF EXISTS events_refuse_delete")
        _raw(sql, **params)  # the outer test transaction rolls the DDL back as well


def _three_events(personas):
    buyer = personas["buyer"]
    return [record_event("case", 42, buyer, f"case.step{i}", {"i": i, "说明": "买家陈述"}) for i in range(3)]


def test_events_of_one_subject_form_a_chain(session, personas):
    events = _three_events(personas)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    head = session.get(ChainHead, ("case", "42"))
    assert (head.seq, head.hash) == (3, events[2].hash)
    assert verify_subject("case", 42).intact


def test_chains_of_different_subjects_are_independent(session, personas):
    record_event("case", 1, None, "a")
    other = record_event("case", 2, None, "b")
    assert other.seq == 1


def test_the_database_refuses_to_update_or_delete_an_event(session, personas):
    event = _three_events(personas)[0]
    for sql in ("UPDATE events SET action = 'x' WHERE id = :id", "DELETE FROM events WHERE id = :id"):
        savepoint = session.begin_nested()
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            _raw(sql, id=event.id)
        savepoint.rollback()
    assert session.scalar(sa.select(Event.action).where(Event.id == event.id)) == "case.step0"


def _verify_cli(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def test_audit_verify_passes_on_an_untouched_log(app, session, personas):
    _three_events(personas)
    result = _verify_cli(app)
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_audit_verify_names_an_edited_event(app, session, personas):
    events = _three_events(personas)
    _without_guard("UPDATE events SET data_json = :forged WHERE id = :id", forged='{"i":99}', id=events[1].id)
    result = _verify_cli(app)
    assert result.exit_code == 1
    assert f"case:42: first bad event id {events[1].id} (seq 2): hash" in result.output


def test_audit_verify_names_where_a_deleted_event_was(app, session, personas):
    events = _three_events(personas)
    _without_guard("DELETE FROM events WHERE id = :id", id=events[1].id)
    result = _verify_cli(app, "--subject", "case:42")
    assert result.exit_code == 1
    assert f"first bad event id {events[2].id} (seq 3): gap" in result.output


def test_audit_verify_notices_a_deleted_last_event(app, session, personas):
    events = _three_events(personas)
    _without_guard("DELETE FROM events WHERE id = :id", id=events[2].id)
    result = _verify_cli(app, "--subject", "case:42")
    assert result.exit_code == 1
    assert "head" in result.output


def test_events_of_returns_the_timeline_in_order(session, personas):
    _three_events(personas)
    assert [e.action for e in events_of("case", 42)] == ["case.step0", "case.step1", "case.step2"]
    assert events_of("case", 42)[0].data == {"i": 0, "说明": "买家陈述"}
