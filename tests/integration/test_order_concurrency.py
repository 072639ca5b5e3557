"""The deadline sweep and a buyer on the same order at the same moment: one outcome, no deadlock (PostgreSQL).

A buyer confirming receipt just as the automatic confirmation falls due used to lock the order, then wait for the
deadline row the sweep's batch held, while the sweep held the deadline and waited for the order: PostgreSQL broke
the deadlock after a second by killing one side. Every actor now takes the deadlines first, then the order, and the
sweep never waits for a person (it leaves the deadline for its next run)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from arbitration.audit.models import Event
from arbitration.auth.models import User
from arbitration.db import commit, db, rollback
from arbitration.deadlines.models import Deadline
from arbitration.deadlines.services import sweep
from arbitration.errors import DomainError
from arbitration.orders import services as orders
from arbitration.orders.models import Order
from arbitration.orders.rules import OrderState
from tests.conftest import POSTGRES_URL
from tests.factories import T0, make_order

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not POSTGRES_URL, reason="ARBITRATION_TEST_POSTGRES_URL not set")]
ROUNDS = 6


@pytest.fixture
def delivered_orders(app):
    """Orders delivered at T0, committed (their automatic confirmation falls due 72 h later); removed after."""
    with app.app_context():
        buyer = db.session.scalar(sa.select(User).where(User.username == "buyer"))
        staff = db.session.scalar(sa.select(User).where(User.username == "merchant"))
        made = [make_order(buyer, "delivered", merchant_staff=staff, now=T0) for _ in range(ROUNDS)]
        numbers = [o.number for o in made]
        ids = [o.id for o in made]
        commit()
    yield numbers
    with app.app_context():
        run = db.session.execute
        run(sa.text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
        for i in ids:
            for table in ("events", "event_chain_heads", "deadlines"):
                run(sa.text(f"DELETE FROM {table} WHERE subject_type = 'order' AND subject_id = :i"), {"i": str(i)})
        run(sa.text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
        run(sa.text("DELETE FROM notifications"))
        run(sa.delete(Order).where(Order.id.in_(ids)))
        commit()


def test_a_buyer_confirming_as_the_automatic_confirmation_falls_due_meets_the_sweep_without_a_deadlock(
        app, delivered_orders):
    with app.app_context():
        due = db.session.scalar(sa.select(sa.func.max(Deadline.due_at))
                                .where(Deadline.kind == "auto_confirm", Deadline.state == "pending"))
    at = due + dt.timedelta(minutes=1)
    for number in delivered_orders:
        results: dict[str, str] = {}
        barrier = threading.Barrier(2)

        def buyer():
            with app.app_context():
                try:
                    order = orders.get_order(number)
                    user = db.session.scalar(sa.select(User).where(User.username == "buyer"))
                    barrier.wait()
                    orders.confirm_receipt(order, user, goods_checked=True, now=at)
                    commit()
                    results["buyer"] = "done"
                except DomainError as err:
                    rollback()
                    results["buyer"] = f"refused: {err}"
                except Exception as err:          # a deadlock: the test names it
                    rollback()
                    results["buyer"] = f"error: {type(err).__name__}: {str(err)[:200]}"

        def sweeper():
            with app.app_context():
                try:
                    barrier.wait()
                    sweep(now=at, batch_size=50)
                    results["sweep"] = "done"
                except Exception as err:
                    rollback()
                    results["sweep"] = f"error: {type(err).__name__}: {str(err)[:200]}"

        threads = [threading.Thread(target=buyer), threading.Thread(target=sweeper)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not any(v.startswith("error") for v in results.values()), results
        with app.app_context():
            sweep(now=at)                     # a deadline the sweep left while the buyer acted: applied now
            commit()
            order = orders.get_order(number)
            assert order.state == OrderState.completed
            confirmations = db.session.scalars(sa.select(Event.action).where(
                Event.subject_type == "order", Event.subject_id == str(order.id),
                Event.action.in_(("order.confirm_receipt", "order.auto_confirm")))).all()
            assert len(confirmations) == 1, (results, confirmations)
            assert (confirmations[0] == "order.confirm_receipt") == (results["buyer"] == "done"), results
