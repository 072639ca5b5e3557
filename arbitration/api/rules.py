"""Webhook deliveries' states as data (pure): due (pending) until an attempt is answered 2xx (delivered) or the
attempts run out or the client can no longer receive (dead); a failed attempt leaves it pending for the next try.
An admin's replay makes one more attempt whatever the state, which ends the same three ways."""
from __future__ import annotations

from arbitration.flows import Flow

OUTCOMES = frozenset({"pending", "delivered", "dead"})
DELIVERY_FLOW = Flow.of("webhook delivery", start={"pending"}, moves={
    "pending": OUTCOMES,            # an attempt
    "delivered": OUTCOMES,          # an admin's replay
    "dead": OUTCOMES,               # an admin's replay
})
