"""Run by test_sweep_equivalence.py in a process of its own (a fresh app on the database named by the environment):
one sweep at a fixed time, one deadline at a time or in batches. Prints the sweep's counts as JSON."""
from __future__ import annotations

import datetime as dt
import json
import sys

from arbitration import create_app
from arbitration.db import commit

now, mode = dt.datetime.fromisoformat(sys.argv[1]), sys.argv[2]
app = create_app({"EMBEDDED_WORKER": False, "JOBS_IMMEDIATE": False})
with app.app_context():
    from arbitration.deadlines.services import sweep

    result = sweep(now=now, batch_size=int(sys.argv[3]), batched=mode == "batched")
    commit()
print(json.dumps({"applied": result.applied, "failed": result.failed, "deferred": result.deferred,
                  "reminded": result.reminded, "batched": result.batched}))
