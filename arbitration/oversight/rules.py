"""Bulk exports' states as data (pure): asked for (queued), being built (running), then done, failed or
cancelled; a queued export is cancelled at once, a running one when the job next looks (exports.cancel)."""
from __future__ import annotations

from arbitration.flows import Flow

EXPORT_FLOW = Flow.of("export", start={"queued"}, moves={
    "queued": {"running", "cancelled"},
    "running": {"done", "failed", "cancelled"},
})
ACTIVE = frozenset({"queued", "running"})
