"""Keeping the library current: the queue's consumers publish the decisions that became final, every minute."""
from __future__ import annotations

from arbitration.jobs.queue import every_minute
from arbitration.library import services


@every_minute("publish_decisions")
def publish_every_minute() -> int:
    return services.publish_due()
