"""Users and login attempts."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arbitration.db import Base
from arbitration.merchants.models import Merchant


class Role(str, enum.Enum):
    buyer = "buyer"
    merchant_staff = "merchant_staff"
    support = "support"
    arbitrator = "arbitrator"
    supervisor = "supervisor"
    regulator = "regulator"
    admin = "admin"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        # merchant staff belong to exactly one merchant; nobody else belongs to one
        sa.CheckConstraint("(role = 'merchant_staff') = (merchant_id IS NOT NULL)", name="merchant_staff_merchant"),
        # staff lists by role (the arbitrators to assign or reassign) among hundreds of thousands of buyers
        sa.Index("ix_users_role", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    # the commerce platform's own id for a buyer it sent through the API (unique; None for everyone else)
    external_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    role: Mapped[Role] = mapped_column(sa.Enum(Role, name="role", native_enum=False, create_constraint=True, length=20))
    merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    # rotated at logout and password change: a copied session cookie stops working
    session_nonce: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[dt.datetime]
    last_login_at: Mapped[dt.datetime | None]

    merchant: Mapped[Merchant | None] = relationship()

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"


class LoginAttempt(Base):
    """Failed logins (each one checked against a password hash), per account name and address, for throttling."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        sa.Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40))
    address: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[dt.datetime]


class LoginLock(Base):
    """One row per account name and per client address, locked by each login (SELECT ... FOR UPDATE; SQLite's
    BEGIN IMMEDIATE serialises anyway) from before its failures are counted until its transaction ends, so
    simultaneous guesses at one account or from one address are counted and checked one after another."""

    __tablename__ = "login_locks"
    __table_args__ = (sa.CheckConstraint("scope IN ('account', 'address')", name="scope"),)

    scope: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
