"""After-commit hooks run each on its own: one that fails is logged and does not stop the others."""
from __future__ import annotations

import logging

import sqlalchemy as sa

from arbitration import db as db_module
from arbitration.audit.models import Event
from arbitration.audit.services import record_event
from arbitration.db import after_commit, commit, db


# ---- after-commit hooks ----

def test_a_failing_after_commit_hook_is_logged_and_the_next_hook_still_runs(session, caplog, monkeypatch):
    monkeypatch.setattr(db_module.log, "disabled", False)   # Alembic's fileConfig disables it once migrations ran
    after_hooks: list[str] = []

    def half_done_then_broken():
        record_event("test-hook", 1, None, "test.half_done", {})
        db.session.flush()
        raise RuntimeError("mail server on fire")

    after_commit(half_done_then_broken)
    after_commit(lambda: after_hooks.append("next"))
    record_event("test-hook", 1, None, "test.committed", {})
    with caplog.at_level(logging.ERROR, logger="arbitration.db"):
        commit()                                            # no exception: the change is made
    assert after_hooks == ["next"]
    [record] = [r for r in caplog.records if r.name == "arbitration.db"]
    assert "half_done_then_broken" in record.getMessage() and "mail server on fire" in record.exc_text
    actions = set(session.scalars(sa.select(Event.action).where(Event.subject_type == "test-hook")))
    assert actions == {"test.committed"}                    # what the failed hook left half-done is rolled back
