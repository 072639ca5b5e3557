"""A merchant's timing policy (pure: no Flask, no SQLAlchemy); the defaults are DESIGN §2's."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """A merchant's timing policy (minutes and hours). Defaults: DESIGN §2."""
    payment_window_minutes: int = 60
    review_target_minutes: int = 120
    review_limit_minutes: int = 24 * 60
    after_sales_response_hours: int = 48
    reissue_verify_hours: int = 72
    auto_confirm_hours: int = 72
    delivery_promise_hours: int = 24       # "no card code 24 h after payment" counts as late
    case_window_days: int = 7              # the buyer may open a case this long after a refusal


DEFAULT_POLICY = Policy()
