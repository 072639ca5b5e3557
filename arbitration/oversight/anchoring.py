"""The day's anchor of the event log (audit/anchors.py), run by the queue's consumers: checked every minute,
taken when the last anchor is a day old, stamped (or retried) by the time stamping authority."""
from __future__ import annotations

from arbitration.audit import anchors
from arbitration.jobs.queue import every_minute


@every_minute("audit_anchor_daily")
def anchor_daily() -> None:
    anchors.daily()
