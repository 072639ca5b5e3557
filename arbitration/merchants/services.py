"""Admin actions on merchants: the timing policy and versioned fee schedules."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit import events
from arbitration.audit.services import record_event
from arbitration.db import db
from arbitration.errors import InvalidInput
from arbitration.merchants.models import FeeSchedule, Merchant


events.declare({
    "merchant.policy_changed": _l("The merchant's timing policy changed"),
    "merchant.fee_schedule_added": _l("A new fee schedule version is in force"),
})


def update_policy(actor, merchant: Merchant, values: dict[str, int], now: dt.datetime | None = None) -> Merchant:
    """New values apply to orders and requests from now on; running deadlines keep theirs."""
    if values["review_target_minutes"] > values["review_limit_minutes"]:
        raise InvalidInput(_l("The review target cannot be later than the review limit."),
                           field="review_target_minutes")
    changes = {}
    for field in Merchant.POLICY_FIELDS:
        value = int(values[field])
        if value <= 0:
            raise InvalidInput(_l("Every window must be positive."), field=field)
        if getattr(merchant, field) != value:
            changes[field] = {"from": getattr(merchant, field), "to": value}
            setattr(merchant, field, value)
    db.session.flush()
    if changes:
        record_event("merchant", merchant.id, actor, "merchant.policy_changed", changes, now=now)
    return merchant


def add_fee_schedule(actor, merchant: Merchant, *, paid_rate_bp: int, delivered_rate_bp: int, note: str,
                     now: dt.datetime | None = None) -> FeeSchedule:
    """A new version; orders keep the version shown to their buyer at purchase."""
    now = now or clock.now_utc()
    for rate in (paid_rate_bp, delivered_rate_bp):
        if not 0 <= rate <= 10_000:
            raise InvalidInput(_l("A fee is between 0 and 100 percent."))
    latest = db.session.scalar(sa.select(sa.func.max(FeeSchedule.version)).where(
        FeeSchedule.merchant_id == merchant.id)) or 0
    row = FeeSchedule(merchant_id=merchant.id, version=latest + 1, paid_rate_bp=paid_rate_bp,
                      delivered_rate_bp=delivered_rate_bp, note=note.strip(), created_at=now,
                      created_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    record_event("merchant", merchant.id, actor, "merchant.fee_schedule_added", row.snapshot(), now=now)
    return row


def fee_schedules(merchant: Merchant) -> list[FeeSchedule]:
    return list(db.session.scalars(sa.select(FeeSchedule).where(FeeSchedule.merchant_id == merchant.id)
                                   .order_by(FeeSchedule.version.desc())))


def current_fee_schedule(merchant_id: int) -> FeeSchedule | None:
    """The version in force: the newest."""
    return db.session.scalar(sa.select(FeeSchedule).where(FeeSchedule.merchant_id == merchant_id)
                             .order_by(FeeSchedule.version.desc()).limit(1))
