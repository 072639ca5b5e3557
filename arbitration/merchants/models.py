"""Merchants: the table with each merchant's timing policy, and its versioned fee schedules."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base
from arbitration.merchants.policy import DEFAULT_POLICY, Policy


class MerchantKind(str, enum.Enum):
    official = "official"   # 官方直营店
    agent = "agent"         # 第三方卡盟代理


class Merchant(Base):
    __tablename__ = "merchants"
    __table_args__ = (
        sa.CheckConstraint("payment_window_minutes > 0 AND review_target_minutes > 0 AND review_limit_minutes > 0 "
                           "AND after_sales_response_hours > 0 AND reissue_verify_hours > 0 "
                           "AND auto_confirm_hours > 0 AND delivery_promise_hours > 0", name="policy_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    kind: Mapped[MerchantKind] = mapped_column(
        sa.Enum(MerchantKind, name="merchant_kind", native_enum=False, create_constraint=True, length=20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime]
    # the merchant's timing policy (defaults: DESIGN §2; admins edit them)
    payment_window_minutes: Mapped[int] = mapped_column(default=DEFAULT_POLICY.payment_window_minutes)
    review_target_minutes: Mapped[int] = mapped_column(default=DEFAULT_POLICY.review_target_minutes)
    review_limit_minutes: Mapped[int] = mapped_column(default=DEFAULT_POLICY.review_limit_minutes)
    after_sales_response_hours: Mapped[int] = mapped_column(default=DEFAULT_POLICY.after_sales_response_hours)
    reissue_verify_hours: Mapped[int] = mapped_column(default=DEFAULT_POLICY.reissue_verify_hours)
    auto_confirm_hours: Mapped[int] = mapped_column(default=DEFAULT_POLICY.auto_confirm_hours)
    delivery_promise_hours: Mapped[int] = mapped_column(default=DEFAULT_POLICY.delivery_promise_hours)

    POLICY_FIELDS = ("payment_window_minutes", "review_target_minutes", "review_limit_minutes",
                     "after_sales_response_hours", "reissue_verify_hours", "auto_confirm_hours",
                     "delivery_promise_hours")

    def policy(self) -> Policy:
        return Policy(**{f: getattr(self, f) for f in self.POLICY_FIELDS})


class FeeSchedule(Base):
    """What cancelling costs, per order state, as a version; the newest version is in force."""

    __tablename__ = "fee_schedules"
    __table_args__ = (sa.UniqueConstraint("merchant_id", "version"),
                      sa.CheckConstraint("paid_rate_bp BETWEEN 0 AND 10000 AND delivered_rate_bp BETWEEN 0 AND 10000",
                                         name="rates"))

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    version: Mapped[int]
    paid_rate_bp: Mapped[int] = mapped_column(default=0)        # basis points of the amount, paid orders
    delivered_rate_bp: Mapped[int] = mapped_column(default=0)   # delivered orders
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    def snapshot(self) -> dict:
        return {"version": self.version, "paid_rate_bp": self.paid_rate_bp,
                "delivered_rate_bp": self.delivered_rate_bp, "note": self.note}
