"""A calendar change recounts the expected arrival of pending refunds counted without that year's holidays."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from arbitration.audit.services import record_event
from arbitration.calendar import services as calendar
from arbitration.calendar.rules import BusinessCalendar
from arbitration.clock import CHINA
from arbitration.db import db
from arbitration.orders import messages as labels  # noqa: F401  (declares the event types recorded here)
from arbitration.orders.models import Refund
from arbitration.orders.refunds import SUBJECT, expected_arrival


@calendar.changed.register
def recount_expected_arrivals(year: int, before: BusinessCalendar, after: BusinessCalendar, actor,
                              now: dt.datetime) -> int:
    """Pending refunds whose expected arrival was counted weekends-only over `year`, counted again from when
    they were issued (or retried); each change is recorded on the order. How many changed."""
    next_first = dt.datetime(year + 1, 1, 1, tzinfo=CHINA).astimezone(dt.timezone.utc)
    refunds = list(db.session.scalars(
        sa.select(Refund).where(Refund.state == "pending", Refund.expected_fallback.is_(True),
                                Refund.expected_from.is_not(None), Refund.expected_from < next_first,
                                Refund.expected_by >= dt.date(year, 1, 1))
        .order_by(Refund.id).with_for_update()))
    changed = 0
    for refund in refunds:
        expected, fell_back = expected_arrival(refund.channel, refund.expected_from, after)
        if (expected, fell_back) == (refund.expected_by, refund.expected_fallback):
            continue
        was = refund.expected_by
        refund.expected_by, refund.expected_fallback = expected, fell_back
        record_event(SUBJECT, refund.order_id, actor, "order.refund_arrival_recomputed",
                     {"refund_id": refund.id, "year": year, "from": was.isoformat(), "to": expected.isoformat(),
                      "calendar_fallback": fell_back}, now=now)
        changed += 1
    db.session.flush()
    return changed
