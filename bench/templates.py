"""The histories the platform-scale generator copies: one order (and case) per path through the rules, made
through the real services at a fixed time, so every row has the shape the pages, the sweep and the exports
expect. `bench/generate.py` clones each one many times with new ids, people, numbers and times."""
from __future__ import annotations

import datetime as dt
import struct
import zlib
from dataclasses import dataclass

import sqlalchemy as sa

from arbitration.audit.services import record_event
from arbitration.cases import enforcement
from arbitration.cases import services as cases
from arbitration.db import db
from arbitration.deadlines import registry
from arbitration.deadlines.services import _claim
from arbitration.evidence import services as evidence
from arbitration.orders import requests as order_requests
from arbitration.orders import services as orders
from arbitration.orders.rules import Channel, ProductType
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy

H = dt.timedelta(hours=1)
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _png_saying(text: bytes) -> bytes:
    """The same picture with a tEXt chunk: other bytes, so another party's file (a case takes a file once)."""
    chunk = b"tEXtComment\x00" + text
    return PNG[:33] + struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk)) + PNG[33:]


MERCHANT_PNG = _png_saying(b"merchant")


@dataclass
class People:
    buyer: object
    staff: object
    merchant: object
    supervisor: object
    support: object


def fire(case, now: dt.datetime) -> None:
    """What the sweep does to one due deadline (claim, consequence, event), for this case's running one."""
    deadline = cases.running_deadline(case)
    assert deadline is not None and deadline.due_at <= now, (case.state, deadline)
    assert _claim(deadline.id, now)
    db.session.refresh(deadline)
    registry.get(deadline.consequence).apply(deadline, now)
    record_event(deadline.subject_type, deadline.subject_id, None, "deadline.passed",
                 {"deadline_id": deadline.id, "kind": deadline.kind, "consequence": deadline.consequence,
                  "due_at": deadline.due_at.isoformat()}, now=now)
    db.session.flush()


def _order(p: People, at: dt.datetime, *, amount: int = 9_800):
    order = orders.create_order(buyer=p.buyer, merchant=p.merchant, product_type=ProductType.game_card,
                                product_name="王者荣耀点券 100元卡", face_value_fen=10_000, amount_fen=amount,
                                channel=Channel.alipay, listing_description="面值100元，自动发卡", now=at)
    return order


def completed_order(p: People, at: dt.datetime):
    order = _order(p, at)
    orders.pay_order(order, now=at + dt.timedelta(minutes=2))
    orders.deliver_order(order, p.staff, card_codes=["KM-8842-1199-0042"], now=at + dt.timedelta(minutes=5))
    orders.confirm_receipt(order, p.buyer, goods_checked=True, now=at + 3 * H)
    return order, None


def unpaid_cancelled_order(p: People, at: dt.datetime):
    order = _order(p, at)
    orders.cancel_unpaid(order, p.buyer, now=at + dt.timedelta(minutes=10))
    return order, None


def delivered_order(p: People, at: dt.datetime):
    order = _order(p, at)
    orders.pay_order(order, now=at + dt.timedelta(minutes=1))
    orders.deliver_order(order, p.staff, card_codes=["KM-1234-5678-0001"], now=at + dt.timedelta(minutes=3))
    return order, None


def _case(p: People, at: dt.datetime, category: str = "non_delivery", with_evidence: bool = True):
    order = _order(p, at)
    orders.pay_order(order, now=at + dt.timedelta(minutes=1))
    req = order_requests.request_cancellation(order, p.buyer, reason="wrong_item", now=at + dt.timedelta(minutes=5))
    order_requests.review_cancellation(order, req, p.staff, approve=False, text="卡密已出库，不能取消",
                                       now=at + dt.timedelta(minutes=30))
    case = cases.open_case(p.buyer, order, category=category, remedy="full_refund", amount_fen=None,
                           statement="付款后商家拒绝取消订单，卡密也一直没有发出。", now=at + H)
    if with_evidence:
        evidence.add_file(p.buyer, cases.evidence_subject(case), filename="付款截图.png", chunks=[PNG],
                          kind="payment_record", now=at + H)
    return order, case


def negotiation(p, at):
    return _case(p, at)


def offer_pending(p, at):
    order, case = _case(p, at, "invalid_code")
    cases.make_offer(case, p.staff, remedy="partial_refund", amount_fen=4_900, text="愿意退一半", now=at + 5 * H)
    return order, case


def _evidence(p, at, category="not_as_described"):
    order, case = _case(p, at, category)
    cases.refuse_claim(case, p.staff, reason="卡密已发出，买家已使用", now=at + 6 * H)
    evidence.add_file(p.staff, cases.evidence_subject(case), filename="发货记录.png", chunks=[MERCHANT_PNG],
                      kind="order_record", now=at + 8 * H)
    return order, case


def evidence_stage(p, at):
    return _evidence(p, at)


def supplementary(p, at):
    order, case = _review(p, at)
    arbitrator = db.session.get(cases.User, case.arbitrator_id)
    cases.request_supplementary(case, arbitrator, party="merchant", note="请提供卡密使用记录", now=at + 30 * H)
    return order, case


def _review(p, at, category="not_as_described"):
    order, case = _evidence(p, at, category)
    cases.no_more_evidence(case, p.buyer, now=at + 20 * H)
    cases.no_more_evidence(case, p.staff, now=at + 22 * H)
    return order, case


def review(p, at):
    return _review(p, at)


def _ruled(p, at, category="hidden_fee"):
    order, case = _review(p, at, category)
    arbitrator = db.session.get(cases.User, case.arbitrator_id)
    rulings.issue_ruling(case, arbitrator, decision="upheld", facts_found="买家付款后商家未发货，并拒绝取消。",
                         reasoning="商家收取预付款后未按约定提供商品，应当按照消费者的要求退回预付款。",
                         remedies=[Remedy("full_refund")], citations=["CRPL-53", "CC-563"],
                         found_tags=["hidden_fee"] if category == "hidden_fee" else [], now=at + 50 * H)
    return order, case


def reconsideration_window(p, at):
    return _ruled(p, at)


def reconsideration(p, at):
    order, case = _ruled(p, at)
    cases.request_reconsideration(case, p.staff, new_facts="我方有新的发货凭证，请求复核。", now=at + 60 * H)
    return order, case


def enforcement_stage(p, at):
    order, case = _ruled(p, at, "delivery_delay")
    fire(case, at + 50 * H + dt.timedelta(days=7, minutes=1))
    return order, case


def _finish(case, p, at):
    for task in enforcement.tasks_of(case):
        actor = p.support if task.owner == "platform" else p.staff
        enforcement.complete_task(case, task, actor, note="已退款", now=at)


def closed_ruled(p, at):
    order, case = enforcement_stage(p, at)
    _finish(case, p, at + 50 * H + dt.timedelta(days=7, hours=5))
    return order, case


def closed_accepted(p, at):
    order, case = _case(p, at, "invalid_code", with_evidence=False)
    cases.accept_claim(case, p.staff, now=at + 4 * H)
    _finish(case, p, at + 6 * H)
    return order, case


def closed_settled(p, at):
    order, case = offer_pending(p, at)
    cases.answer_offer(case, p.buyer, accept=True, now=at + 9 * H)
    _finish(case, p, at + 12 * H)
    return order, case


def closed_default(p, at):
    order, case = _case(p, at, "fraud", with_evidence=False)
    fire(case, at + 50 * H)                                   # the merchant's 48 h passed: default ruling
    fire(case, at + 50 * H + dt.timedelta(days=7, minutes=1))  # nobody asked for reconsideration
    _finish(case, p, at + 50 * H + dt.timedelta(days=8))
    return order, case


def withdrawn(p, at):
    order, case = _case(p, at, "delivery_delay", with_evidence=False)
    cases.withdraw(case, p.buyer, now=at + 3 * H)
    return order, case


# name: (maker, share of the cases, open?) — a platform's history: most cases closed, every stage present
CASE_PATHS = {
    "negotiation": (negotiation, 0.05, True),
    "offer_pending": (offer_pending, 0.03, True),
    "evidence": (evidence_stage, 0.05, True),
    "supplementary": (supplementary, 0.02, True),
    "review": (review, 0.05, True),
    "reconsideration_window": (reconsideration_window, 0.03, True),
    "reconsideration": (reconsideration, 0.01, True),
    "enforcement": (enforcement_stage, 0.03, True),
    "closed_ruled": (closed_ruled, 0.28, False),
    "closed_accepted": (closed_accepted, 0.17, False),
    "closed_settled": (closed_settled, 0.12, False),
    "closed_default": (closed_default, 0.06, False),
    "withdrawn": (withdrawn, 0.10, False),
}
# orders without a case (delivered: waiting for the buyer's confirmation now)
ORDER_PATHS = {
    "completed": (completed_order, 0.85, False),
    "unpaid_cancelled": (unpaid_cancelled_order, 0.10, False),
    "delivered": (delivered_order, 0.05, True),
}


def people(merchant_name_staff: str = "merchant"):
    from arbitration.auth.models import User

    by_name = {u.username: u for u in db.session.scalars(sa.select(User).where(User.username.in_(
        ("buyer", merchant_name_staff, "supervisor", "support"))))}
    staff = by_name[merchant_name_staff]
    return People(buyer=by_name["buyer"], staff=staff, merchant=staff.merchant, supervisor=by_name["supervisor"],
                  support=by_name["support"])
