"""Entry point for worker processes: `huey_consumer arbitration.worker.huey -w 2 -k thread`."""
from arbitration import create_app, settle_heap
from arbitration.jobs.queue import huey  # noqa: F401

app = create_app()
settle_heap()
