"""A realistic mix of cases made through the real services, for the export benchmark and the bulk export
test: for each case an order is paid, its cancellation refused, a case opened; then, in turn, the case stays
in negotiation, gets an offer, or is refused, reviewed and ruled (with citations), some with evidence files."""
from __future__ import annotations

import datetime as dt

from arbitration.cases import services as cases
from arbitration.evidence import services as evidence
from arbitration.orders import requests as order_requests
from arbitration.orders import services as orders
from arbitration.orders.rules import Channel, ProductType
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy

CATEGORIES = ("non_delivery", "hidden_fee", "invalid_code", "delivery_delay", "fraud")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def make_cases(n: int, *, buyer, staff_by_merchant: dict, arbitrator_of=None, now: dt.datetime,
               evidence_every: int = 4) -> list[int]:
    """`staff_by_merchant`: {merchant: staff user}; cases alternate between the merchants."""
    pairs = list(staff_by_merchant.items())
    made = []
    for i in range(n):
        merchant, staff = pairs[i % len(pairs)]
        at = now + dt.timedelta(minutes=i)
        order = orders.create_order(buyer=buyer, merchant=merchant, product_type=ProductType.game_card,
                                    product_name="王者荣耀点券 100元卡", face_value_fen=10_000, amount_fen=9_800,
                                    channel=Channel.alipay, listing_description="面值100元", now=at)
        orders.pay_order(order, now=at)
        req = order_requests.request_cancellation(order, buyer, reason="wrong_item", now=at)
        order_requests.review_cancellation(order, req, staff, approve=False, text="卡密已出库，不能取消", now=at)
        category = CATEGORIES[i % len(CATEGORIES)]
        case = cases.open_case(buyer, order, category=category, remedy="full_refund", amount_fen=None,
                               statement=f"第 {i} 号测试案件：付款后商家拒绝取消，也一直没有发货。", now=at)
        if evidence_every and i % evidence_every == 0:
            evidence.add_file(buyer, cases.evidence_subject(case), filename=f"付款截图-{i}.png", chunks=[PNG],
                              kind="payment_record", now=at)
        stage = i % 3
        if stage == 1:
            cases.make_offer(case, staff, remedy="partial_refund", amount_fen=4_900, text="愿意退一半", now=at)
        elif stage == 2:
            cases.refuse_claim(case, staff, reason="卡密已发出，买家已使用", now=at)
            cases.no_more_evidence(case, buyer, now=at)
            cases.no_more_evidence(case, staff, now=at)
            arbitrator = arbitrator_of(case) if arbitrator_of else cases.db.session.get(cases.User, case.arbitrator_id)
            rulings.issue_ruling(case, arbitrator, decision="upheld", facts_found="买家付款后商家未发货，并拒绝取消。",
                                 reasoning="商家收取预付款后未按约定提供商品，应当按照消费者的要求退回预付款。",
                                 remedies=[Remedy("full_refund")], citations=["CRPL-53", "CC-563"],
                                 found_tags=["hidden_fee"] if category == "hidden_fee" else [], now=at)
        made.append(case.id)
    return made
