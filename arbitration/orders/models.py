"""Order tables: orders, requests (cancellation and after-sales), refunds, escalations."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arbitration.auth.models import User
from arbitration.db import Base
from arbitration.merchants.models import Merchant
from arbitration.orders.rules import OPEN_REQUEST_STATES, REFUND_FLOW, REQUEST_FLOW, Channel, OrderState, ProductType


def _enum(cls, name):
    return sa.Enum(cls, name=name, native_enum=False, create_constraint=True, length=20)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        sa.CheckConstraint("amount_fen > 0 AND quantity > 0 AND face_value_fen >= 0", name="amounts"),
        sa.Index("ix_orders_buyer_created", "buyer_id", "created_at", "id"),
        sa.Index("ix_orders_merchant_state", "merchant_id", "state"),
        # support's list of locked orders: a handful among a million
        sa.Index("ix_orders_locked", "locked_at", "id", sqlite_where=sa.text("locked = 1"),
                 postgresql_where=sa.text("locked")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    product_type: Mapped[ProductType] = mapped_column(_enum(ProductType, "product_type"))
    product_name: Mapped[str] = mapped_column(sa.String(200))
    face_value_fen: Mapped[int]
    listing_description: Mapped[str] = mapped_column(sa.Text, default="")
    quantity: Mapped[int] = mapped_column(default=1)
    amount_fen: Mapped[int]
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "payment_channel"))
    state: Mapped[OrderState] = mapped_column(_enum(OrderState, "order_state"))
    created_at: Mapped[dt.datetime]
    paid_at: Mapped[dt.datetime | None]
    delivery_due_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]
    completed_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]      # closed, cancelled or refunded
    # the fee schedule shown to the buyer before paying; NULL: none was shown
    fee_snapshot_json: Mapped[str | None] = mapped_column(sa.Text)
    # delivery record
    delivery_kind: Mapped[str | None] = mapped_column(sa.String(20))   # card_codes / account_topup
    card_codes_json: Mapped[str | None] = mapped_column(sa.Text)
    topup_account: Mapped[str | None] = mapped_column(sa.String(100))
    # risk control
    locked: Mapped[bool] = mapped_column(default=False)
    lock_reason: Mapped[str | None] = mapped_column(sa.String(40))
    locked_at: Mapped[dt.datetime | None]

    buyer: Mapped[User] = relationship(foreign_keys=[buyer_id])
    merchant: Mapped[Merchant] = relationship()

    @property
    def fee_snapshot(self) -> dict | None:
        return json.loads(self.fee_snapshot_json) if self.fee_snapshot_json else None

    @property
    def card_codes(self) -> list[str]:
        return json.loads(self.card_codes_json) if self.card_codes_json else []


REQUEST_STATES = REQUEST_FLOW.states


class OrderRequest(Base):
    """A buyer's cancellation or after-sales request and the merchant's answer."""

    __tablename__ = "order_requests"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('cancellation', 'after_sales', 'platform_fault')", name="kind"),
        sa.CheckConstraint(f"state IN {REQUEST_STATES}", name="state"),
        sa.CheckConstraint("fee_fen >= 0 AND (response_amount_fen IS NULL OR response_amount_fen >= 0)",
                           name="amounts"),
        # at most one open request per order
        sa.Index("uq_order_requests_one_open", "order_id", unique=True,
                 sqlite_where=sa.text("state IN ('pending', 'reissued')"),
                 postgresql_where=sa.text("state IN ('pending', 'reissued')")),
        sa.Index("ix_order_requests_merchant_queue", "merchant_id", "kind", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    state: Mapped[str] = mapped_column(sa.String(20), default="pending")
    order_state: Mapped[str] = mapped_column(sa.String(20))       # the order's state when it was filed
    reason: Mapped[str] = mapped_column(sa.String(30))             # preset reason / ground / problem code
    reason_text: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    fee_fen: Mapped[int] = mapped_column(default=0)
    hidden_fee: Mapped[bool] = mapped_column(default=False)        # a fee the merchant would charge, not disclosed
    created_at: Mapped[dt.datetime]
    target_at: Mapped[dt.datetime | None]                          # review target (paid cancellations)
    due_at: Mapped[dt.datetime | None]                             # the merchant's limit
    response: Mapped[str | None] = mapped_column(sa.String(20))
    response_amount_fen: Mapped[int | None]
    response_text: Mapped[str] = mapped_column(sa.Text, default="")
    responded_at: Mapped[dt.datetime | None]
    responded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    replacement_codes_json: Mapped[str | None] = mapped_column(sa.Text)
    verify_due_at: Mapped[dt.datetime | None]                      # buyer's check of a reissue
    closed_at: Mapped[dt.datetime | None]

    order: Mapped[Order] = relationship()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REQUEST_STATES

    @property
    def replacement_codes(self) -> list[str]:
        return json.loads(self.replacement_codes_json) if self.replacement_codes_json else []


REFUND_STATES = REFUND_FLOW.states


class Refund(Base):
    """Money back to the original payment channel (a refund, or a compensation)."""

    __tablename__ = "refunds"
    __table_args__ = (
        sa.CheckConstraint("amount_fen > 0 AND fee_fen >= 0", name="amounts"),
        sa.CheckConstraint(f"state IN {REFUND_STATES}", name="state"),
        sa.CheckConstraint("kind IN ('refund', 'compensation')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_requests.id"))
    kind: Mapped[str] = mapped_column(sa.String(20), default="refund")
    amount_fen: Mapped[int]                   # what reaches the buyer
    fee_fen: Mapped[int] = mapped_column(default=0)   # deducted (disclosed fees only)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "refund_channel"))
    state: Mapped[str] = mapped_column(sa.String(10), default="pending")
    expected_by: Mapped[dt.date | None] = mapped_column(sa.Date)
    # counted weekends-only (the calendar lacked a year on the way), from expected_from: recounted when it changes
    expected_fallback: Mapped[bool] = mapped_column(default=False)
    expected_from: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]
    completed_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=1)
    failure_reason: Mapped[str | None] = mapped_column(sa.String(200))


class Escalation(Base):
    """An order became eligible for a case: the origin, the 7-day window, the facts gathered."""

    __tablename__ = "escalations"
    __table_args__ = (
        sa.CheckConstraint("origin IN ('cancellation_rejected', 'after_sales_failed', 'merchant_timeout', "
                           "'platform_fault')", name="origin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_requests.id"))
    origin: Mapped[str] = mapped_column(sa.String(30))
    created_at: Mapped[dt.datetime]
    eligible_until: Mapped[dt.datetime]
    facts_json: Mapped[str] = mapped_column(sa.Text)
    case_opened_at: Mapped[dt.datetime | None]

    @property
    def facts(self) -> dict:
        return json.loads(self.facts_json)
