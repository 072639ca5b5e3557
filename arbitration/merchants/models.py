"""The merchants table (the Orders feature adds policies and fee schedules)."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base


class MerchantKind(str, enum.Enum):
    official = "official"   # 官方直营店
    agent = "agent"         # 第三方卡盟代理


class Merchant(Base):
    __tablename__ = "merchants"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    kind: Mapped[MerchantKind] = mapped_column(
        sa.Enum(MerchantKind, name="merchant_kind", native_enum=False, create_constraint=True, length=20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime]
