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


# ---- orders ----

def make_order(buyer: User, state: str = "paid", *, merchant_staff: User | None = None, amount_fen: int = 10_000,
               channel=None, fee_shown: bool = True, locked: bool = False, now=None):
    """An order brought to `state` through the real services (merchant_staff delivers and answers)."""
    import datetime as dt

    from arbitration.merchants.models import Merchant
    from arbitration.orders import requests as order_requests
    from arbitration.orders import services
    from arbitration.orders.rules import Channel, ProductType

    now = now or clock.now_utc()
    merchant = db.session.get(Merchant, merchant_staff.merchant_id) if merchant_staff else \
        db.session.scalar(sa.select(Merchant).where(Merchant.name == "飞鱼卡盟"))
    order = services.create_order(buyer=buyer, merchant=merchant, product_type=ProductType.game_card,
                                  product_name="王者荣耀点券 100元卡", face_value_fen=10_000, amount_fen=amount_fen,
                                  channel=channel or Channel.alipay, fee_schedule_shown=fee_shown,
                                  listing_description="面值100元", now=now)
    if state in ("paid", "delivered", "completed", "refunded"):
        services.pay_order(order, now=now)
    if state in ("delivered", "completed"):
        services.deliver_order(order, merchant_staff, card_codes=["CODE-1234-5678"], now=now)
    if state == "completed":
        services.confirm_receipt(order, buyer, goods_checked=True, now=now)
    if state == "cancelled":
        services.cancel_unpaid(order, buyer, now=now)
    if state == "closed":
        from arbitration.orders.rules import Action

        services.apply_action(order, Action.close_unpaid, None, now=now + dt.timedelta(hours=2))
    if state == "refunded":
        req = order_requests.request_cancellation(order, buyer, reason="wrong_item", now=now)
        order_requests.review_cancellation(order, req, merchant_staff, approve=True, now=now)
    if locked:
        services.lock_order(order, None, "manual", now=now)
    return order
