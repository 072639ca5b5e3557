"""Test data builders. Personas are created once per test session, committed; the rest per test."""
from __future__ import annotations

import secrets

import sqlalchemy as sa

from arbitration import clock
from arbitration.auth.models import Role, User
from arbitration.auth.services import hash_password
from arbitration.db import db
from arbitration.merchants.models import Merchant, MerchantKind

PASSWORD = "correct-horse-battery"

# username -> (role, merchant name or None)
PERSONAS = {
    "buyer": (Role.buyer, None),
    "buyer_b": (Role.buyer, None),
    "merchant": (Role.merchant_staff, "官方直营店"),
    "merchant_b": (Role.merchant_staff, "飞鱼卡盟"),
    "support": (Role.support, None),
    "arbitrator": (Role.arbitrator, None),
    "supervisor": (Role.supervisor, None),
    "regulator": (Role.regulator, None),
    "admin": (Role.admin, None),
}
ONE_PER_ROLE = {"buyer": "buyer", "merchant_staff": "merchant", "support": "support", "arbitrator": "arbitrator",
                "supervisor": "supervisor", "regulator": "regulator", "admin": "admin"}


def create_merchant(name: str, kind: MerchantKind = MerchantKind.agent) -> Merchant:
    m = Merchant(name=name, kind=kind, active=True, created_at=clock.now_utc())
    db.session.add(m)
    db.session.flush()
    return m


def create_user(username: str, role: Role, merchant: Merchant | None = None, active: bool = True,
                password: str = PASSWORD) -> User:
    user = User(username=username, display_name=username.title(), role=role,
                merchant_id=merchant.id if merchant else None, password_hash=hash_password(password),
                active=active, session_nonce=secrets.token_hex(16), created_at=clock.now_utc())
    db.session.add(user)
    db.session.flush()
    return user


def create_personas() -> None:
    merchants = {
        "官方直营店": create_merchant("官方直营店", MerchantKind.official),
        "飞鱼卡盟": create_merchant("飞鱼卡盟", MerchantKind.agent),
    }
    for username, (role, merchant) in PERSONAS.items():
        create_user(username, role, merchants.get(merchant))


def personas() -> dict[str, User]:
    users = db.session.scalars(sa.select(User).where(User.username.in_(PERSONAS))).all()
    return {u.username: u for u in users}
