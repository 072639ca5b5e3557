"""What the commerce platform sends us, as actions: each takes the checked body and returns (status, JSON body),
and each calls the same services as the web pages, with the same checks. The API endpoints and the inbound
webhooks both run these."""
from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.api import representations as rep
from arbitration.auth.models import Role, User
from arbitration.audit.services import record_event
from arbitration.auth.services import hash_password
from arbitration.cases import services as cases
from arbitration.db import db
from arbitration.errors import InvalidInput, NotFound
from arbitration.merchants.models import Merchant
from arbitration.orders import refunds
from arbitration.orders import requests as order_requests
from arbitration.orders import services as orders
from arbitration.orders.models import OrderRequest
from arbitration.orders.rules import Channel, ProductType


def _order(number: str):
    found = orders.get_order(number)
    if found is None:
        raise NotFound(_l("No order %(number)s.", number=number))
    return found


def buyer_for(external_id: str, display_name: str) -> User:
    """The platform's buyer: found by the platform's id, or registered on first sight (without a usable
    password: support sets one if the buyer wants to sign in here)."""
    user = db.session.scalar(sa.select(User).where(User.external_id == external_id))
    if user is not None:
        if user.role != Role.buyer:
            raise InvalidInput(_l("This external id belongs to an account that is not a buyer."),
                               field="buyer.external_id")
        return user
    now = clock.now_utc()
    username = "p-" + hashlib.sha256(external_id.encode("utf-8")).hexdigest()[:20]
    user = User(username=username, display_name=display_name.strip(), role=Role.buyer, external_id=external_id,
                password_hash=hash_password(secrets.token_urlsafe(32)), active=True,
                session_nonce=secrets.token_hex(16), created_at=now)
    db.session.add(user)
    db.session.flush()
    record_event("user", user.id, None, "user.created", {"username": username, "role": "buyer",
                                                         "external_id": external_id}, now=now)
    return user


def create_order(body: dict) -> tuple[int, dict]:
    merchant = db.session.get(Merchant, body["merchant_id"])
    if merchant is None or not merchant.active:
        raise InvalidInput(_l("No active merchant with this id."), field="merchant_id")
    buyer = buyer_for(body["buyer"]["external_id"], body["buyer"]["display_name"])
    order = orders.create_order(
        buyer=buyer, merchant=merchant, product_type=ProductType(body["product_type"]),
        product_name=body["product_name"], face_value_fen=body["face_value_fen"], amount_fen=body["amount_fen"],
        channel=Channel(body["channel"]), quantity=body.get("quantity", 1),
        listing_description=body.get("listing_description", ""),
        fee_schedule_shown=body.get("fee_schedule_shown", True), number=body.get("number"),
        account_switches_today=body.get("account_switches_today", 0))
    return 201, rep.order(order)


def pay(number: str, body: dict) -> tuple[int, dict]:
    return 200, rep.order(orders.pay_order(_order(number)))


def deliver(number: str, body: dict) -> tuple[int, dict]:
    order = _order(number)
    orders.deliver_order(order, None, card_codes=body.get("card_codes"), topup_account=body.get("topup_account"))
    return 200, rep.order(order)


def confirm(number: str, body: dict) -> tuple[int, dict]:
    order = _order(number)
    orders.confirm_receipt(order, order.buyer, goods_checked=body["goods_checked"])
    return 200, rep.order(order)


def refund_outcome(number: str, refund_id: int, body: dict) -> tuple[int, dict]:
    order = _order(number)
    refund = refunds.mark_refund(order, refund_id, body["outcome"], None, reason=body.get("reason", ""))
    return 200, rep.refund(refund)


def cancellation(number: str, body: dict) -> tuple[int, dict]:
    order = _order(number)
    req = order_requests.request_cancellation(
        order, order.buyer, reason=body.get("reason", ""), reason_text=body.get("reason_text", ""),
        ground=body.get("ground", ""), description=body.get("description", ""))
    return (201 if req else 200), {"order": rep.order(order), "request": rep.request(req) if req else None}


def after_sales(number: str, body: dict) -> tuple[int, dict]:
    order = _order(number)
    req = order_requests.request_after_sales(order, order.buyer, problem=body["problem"],
                                             description=body["description"])
    return 201, {"order": rep.order(order), "request": rep.request(req)}


def verify_reissue(number: str, request_id: int, body: dict) -> tuple[int, dict]:
    """The buyer checked the reissued card code: it works, or it fails too (with what happened)."""
    order = _order(number)
    req = db.session.get(OrderRequest, request_id)
    if req is None or req.order_id != order.id:
        raise NotFound(_l("No such request on this order."))
    order_requests.verify_reissue(order, req, order.buyer, works=body["works"], note=body.get("note", ""))
    return 200, {"order": rep.order(order), "request": rep.request(req)}


def evidence_uploader(case, party: str, staff_username: str) -> User:
    """Whose evidence an upload is: the case's buyer, or the named active staff account of its merchant."""
    if party == "buyer":
        return db.session.get(User, case.buyer_id)
    if party == "merchant":
        staff = db.session.scalar(sa.select(User).where(User.username == (staff_username or "").strip().lower()))
        if staff is None or not staff.active or staff.role != Role.merchant_staff \
                or staff.merchant_id != case.merchant_id:
            raise InvalidInput(_l("Name an active staff account of the case's merchant."), field="staff_username")
        return staff
    raise InvalidInput(_l("Say whose evidence this is: buyer or merchant."), field="party")


def open_case(body: dict) -> tuple[int, dict]:
    order = _order(body["order"])
    case = cases.open_case(order.buyer, order, category=body["category"], remedy=body["remedy"],
                           amount_fen=body.get("amount_fen"), statement=body["statement"])
    return 201, rep.case(case)


# inbound webhooks: the platform's event type -> (the action, the fields of `data` it is called with)
INBOUND = {
    "order.created": lambda d: create_order(d),
    "order.paid": lambda d: pay(d["number"], d),
    "order.delivered": lambda d: deliver(d["number"], d),
    "order.confirmed": lambda d: confirm(d["number"], d),
    "refund.updated": lambda d: refund_outcome(d["number"], d["refund_id"], d),
}
INBOUND_SCHEMAS = {"order.created": "OrderCreate", "order.paid": "OrderRef", "order.delivered": "DeliveryEvent",
                   "order.confirmed": "ConfirmationEvent", "refund.updated": "RefundEvent"}
