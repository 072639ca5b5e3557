"""Run in a subprocess by test_job_backends.py: a real (non-immediate) queue, a real consumer.

Environment chooses the backend (ARBITRATION_QUEUE_URL unset: SQLite file; redis://...: Redis).
Schedules a due deadline, enqueues the sweep job, runs the embedded consumer until the deadline is
applied, and prints the backend's class name and the result.
"""
import datetime as dt
import sys
import time

from flask_migrate import upgrade

from arbitration import clock, create_app
from arbitration.calendar.rules import Due
from arbitration.db import commit, db
from arbitration.deadlines import registry
from arbitration.deadlines import services as deadlines
from arbitration.deadlines.models import Deadline
from arbitration.jobs import queue

registry.consequence("check.applied", lambda: "check")(lambda deadline, now: None)

app = create_app({"EMBEDDED_WORKER": True})
with app.app_context():
    upgrade()
    queue.huey.flush()
    now = clock.now_utc()
    row = deadlines.schedule("check", 1, "check.kind", "check.applied", Due(now - dt.timedelta(minutes=1), False),
                             started_at=now - dt.timedelta(hours=1))
    deadline_id = row.id
    commit()

deadlines.sweep_deadlines()       # enqueue (not immediate): nothing happens until a consumer runs it
assert queue.start_embedded_consumer()
state = None
for _ in range(100):
    time.sleep(0.1)
    with app.app_context():
        state = db.session.get(Deadline, deadline_id).state
        db.session.rollback()
    if state == "applied":
        break
print(type(queue.huey).__name__, state)
sys.exit(0 if state == "applied" else 1)
