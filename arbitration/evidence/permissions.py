"""Who may add and read evidence: a file relates to people as its order does (the parties, the arbitrators of
a case on it now or before, and staff by role)."""
from __future__ import annotations

from arbitration import access
from arbitration.access import Relation
from arbitration.db import db
from arbitration.evidence.models import Evidence
from arbitration.orders import permissions as order_permissions  # noqa: F401  (the order ties files go through)
from arbitration.orders.models import Order

access.through(Evidence, Order, Evidence.order_id, lambda ev: db.session.get(Order, ev.order_id))
access.viewers(Evidence, {Relation.buyer, Relation.merchant_staff, Relation.arbitrator, Relation.former_arbitrator,
                          Relation.supervisor, Relation.regulator})
PARTY_OF = {Relation.buyer: "buyer", Relation.merchant_staff: "merchant"}


def party_of(user, order) -> str | None:
    """"buyer" or "merchant" when the user is a party to the order, else None."""
    found = access.relations(user, order)
    return next((party for relation, party in PARTY_OF.items() if relation in found), None)


def can_read_evidence(user, evidence: Evidence) -> bool:
    """Checked per download."""
    return access.may_view(user, evidence)


def can_read_evidence_of(user, order) -> bool:
    """Whether the user may read the files of this order (its requests' and its cases')."""
    return access.may(user, order, access.viewers_of(Evidence))


def can_add_evidence(user, order) -> bool:
    return party_of(user, order) is not None
