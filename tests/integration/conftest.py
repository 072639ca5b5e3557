"""Fixtures of the integration tests: a case committed for the tests that race two connections (PostgreSQL)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from arbitration.db import commit, db
from arbitration.orders.models import OrderRequest
from arbitration.oversight import rollups
from tests.factories import make_case


@pytest.fixture
def committed_case(app):
    """A case in negotiation, committed so that two connections see it; removed afterwards."""
    with app.app_context():
        case = make_case(statement="并发测试：双方同时操作同一案件。")
        request_id = db.session.scalar(sa.select(OrderRequest.id).where(OrderRequest.order_id == case.order_id))
        commit()
        ids = {"case": case.id, "order": case.order_id, "request": request_id}
        yield case.number
        _remove(ids)


def _remove(ids: dict) -> None:
    """Delete what the fixture committed (lifting the event log's guard for the test's own rows)."""
    run = db.session.execute
    run(sa.text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
    for subject_type, key in (("case", "case"), ("order", "order"), ("order_request", "request")):
        params = {"t": subject_type, "i": str(ids[key])}
        run(sa.text("DELETE FROM events WHERE subject_type = :t AND subject_id = :i"), params)
        run(sa.text("DELETE FROM event_chain_heads WHERE subject_type = :t AND subject_id = :i"), params)
        run(sa.text("DELETE FROM deadlines WHERE subject_type = :t AND subject_id = :i"), params)
    run(sa.text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
    run(sa.text("DELETE FROM notifications"))
    run(sa.text("DELETE FROM remedy_tasks WHERE case_id = :c"), {"c": ids["case"]})
    run(sa.text("DELETE FROM search_documents WHERE case_id = :c"), {"c": ids["case"]})   # the search index's rows
    rollups.catch_up(db.session)
    rollups.remove(db.session.connection(), [ids["case"]])          # its counts in the statistics' roll-ups
    run(sa.text("DELETE FROM cases WHERE id = :c"), {"c": ids["case"]})
    run(sa.text("DELETE FROM refunds WHERE order_id = :o"), {"o": ids["order"]})
    run(sa.text("DELETE FROM escalations WHERE order_id = :o"), {"o": ids["order"]})
    run(sa.text("DELETE FROM order_requests WHERE order_id = :o"), {"o": ids["order"]})
    run(sa.text("DELETE FROM orders WHERE id = :o"), {"o": ids["order"]})
    commit()
