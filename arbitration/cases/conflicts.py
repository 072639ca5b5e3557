"""Arbitrator–merchant conflicts, declared by admins: a conflicted arbitrator is never assigned the merchant's
cases (services.assign_arbitrator) nor given one by a reassignment."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit.services import record_event
from arbitration.auth.models import Role, User
from arbitration.cases.models import ArbitratorConflict
from arbitration.db import db
from arbitration.errors import Conflict, InvalidInput, NotFound
from arbitration.merchants.models import Merchant


def all_conflicts() -> list[ArbitratorConflict]:
    return list(db.session.scalars(sa.select(ArbitratorConflict).order_by(ArbitratorConflict.id)))


def declare(admin: User, *, arbitrator_id: int, merchant_id: int, reason: str,
            now: dt.datetime | None = None) -> ArbitratorConflict:
    now = now or clock.now_utc()
    arbitrator = db.session.get(User, arbitrator_id or 0)
    if arbitrator is None or arbitrator.role != Role.arbitrator:
        raise InvalidInput(_l("Choose an arbitrator."), field="arbitrator_id")
    if db.session.get(Merchant, merchant_id or 0) is None:
        raise InvalidInput(_l("Choose a merchant."), field="merchant_id")
    if len((reason or "").strip()) < 5:
        raise InvalidInput(_l("Say what ties the arbitrator to the merchant (at least 5 characters)."),
                           field="reason")
    if db.session.scalar(sa.select(ArbitratorConflict).where(ArbitratorConflict.arbitrator_id == arbitrator_id,
                                                             ArbitratorConflict.merchant_id == merchant_id)):
        raise Conflict(_l("This conflict is recorded already."))
    conflict = ArbitratorConflict(arbitrator_id=arbitrator_id, merchant_id=merchant_id, reason=reason.strip(),
                                  declared_at=now, declared_by_id=admin.id)
    db.session.add(conflict)
    db.session.flush()
    record_event("user", arbitrator_id, admin, "user.conflict_declared",
                 {"merchant_id": merchant_id, "reason": reason.strip()}, now=now)
    return conflict


def remove(admin: User, conflict_id: int, now: dt.datetime | None = None) -> None:
    conflict = db.session.get(ArbitratorConflict, conflict_id)
    if conflict is None:
        raise NotFound(_l("No such conflict."))
    record_event("user", conflict.arbitrator_id, admin, "user.conflict_removed",
                 {"merchant_id": conflict.merchant_id}, now=now)
    db.session.delete(conflict)
    db.session.flush()
