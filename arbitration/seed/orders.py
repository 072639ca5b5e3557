"""Demo orders for `flask seed-demo`: every state, for both merchants, built through the real services."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from arbitration import clock
from arbitration.auth.models import User
from arbitration.db import db
from arbitration.merchants.models import Merchant
from arbitration.merchants.services import add_fee_schedule
from arbitration.orders import requests as order_requests
from arbitration.orders import services
from arbitration.orders.models import Order
from arbitration.orders.rules import Channel, ProductType

H = dt.timedelta(hours=1)
PRODUCTS = [
    (ProductType.game_card, "王者荣耀点券 100元卡", 10_000, 9_800),
    (ProductType.membership, "腾讯视频VIP会员 月卡", 3_000, 2_500),
    (ProductType.top_up, "原神 创世结晶 6480 直充", 64_800, 62_800),
    (ProductType.gift_pack, "和平精英 新春礼包", 6_800, 6_800),
    (ProductType.game_card, "网易一卡通 50元", 5_000, 4_850),
]


def seed_orders(buyers: list[User], staff: dict[int, User], merchants: list[Merchant]) -> list[str]:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Order)):
        return []
    now = clock.now_utc()
    for m in merchants:
        add_fee_schedule(None, m, paid_rate_bp=0 if m.kind.value == "official" else 500, delivered_rate_bp=0,
                         note="已支付未发货订单取消收取5%手续费" if m.kind.value != "official" else "取消免手续费",
                         now=now - 400 * H)
    counter = 0

    def order(merchant, buyer, hours_ago, product=0, channel=Channel.alipay, shown=True):
        nonlocal counter
        counter += 1
        kind, name, face, amount = PRODUCTS[product % len(PRODUCTS)]
        return services.create_order(
            buyer=buyer, merchant=merchant, product_type=kind, product_name=name, face_value_fen=face,
            amount_fen=amount, channel=channel, fee_schedule_shown=shown,
            listing_description=f"{name}，面值{face // 100}元，付款后24小时内发卡密",
            number=f"KM2026{merchant.id:02d}{counter:06d}", now=now - hours_ago * H)

    def paid(o, hours_ago):
        return services.pay_order(o, now=now - hours_ago * H)

    def delivered(o, hours_ago, merchant):
        return services.deliver_order(o, staff[merchant.id], card_codes=[f"KM-{o.id:04d}-7F3A-9C21"],
                                      now=now - hours_ago * H)

    for i, m in enumerate(merchants):
        buyer, other = buyers[i % len(buyers)], buyers[(i + 1) % len(buyers)]
        order(m, buyer, 0.2, product=i)                                        # awaiting payment
        paid(order(m, buyer, 3, product=i + 1, channel=Channel.wechat), 2.9)   # paid, awaiting delivery
        o = paid(order(m, buyer, 1.5, product=i + 2), 1.4)                     # paid, cancellation under review
        order_requests.request_cancellation(o, buyer, reason="duplicate_order", now=now - 1.2 * H)
        o = paid(order(m, other, 30, product=i + 3, channel=Channel.bank_card, shown=False), 29)
        order_requests.request_cancellation(o, other, reason="wrong_item", now=now - 28 * H)
        req = services.open_request(o)
        order_requests.review_cancellation(o, req, staff[m.id], approve=False,
                                           text="卡密已锁定库存，无法取消", now=now - 27 * H)   # rejected: case-eligible
        delivered(paid(order(m, buyer, 20, product=i + 4), 19.9), 19, m)        # delivered, unconfirmed
        o = delivered(paid(order(m, other, 10, product=i), 9.9), 9, m)
        order_requests.request_after_sales(o, other, problem="invalid_code",
                                           description="卡密兑换时提示“该卡密已被使用”，截图已保存。", now=now - 5 * H)
        o = delivered(paid(order(m, buyer, 100, product=i + 1), 99), 98, m)
        services.confirm_receipt(o, buyer, goods_checked=True, now=now - 97 * H)  # completed
        order(m, other, 80, product=i + 2)                                      # will close unpaid (swept)
        services.cancel_unpaid(order(m, buyer, 50, product=i + 3), buyer, now=now - 49.9 * H)   # cancelled
        o = paid(order(m, other, 60, product=i + 4, channel=Channel.balance), 59.9)
        order_requests.request_cancellation(o, other, reason="not_needed", now=now - 59 * H)
        order_requests.review_cancellation(o, services.open_request(o), staff[m.id], approve=True,
                                           now=now - 58.5 * H)                 # refunded
    services.lock_order(order(merchants[-1], buyers[0], 0.5, product=2), None, "many_orders", now=now - 0.5 * H)
    if merchants[-1].kind.value != "official":
        add_fee_schedule(None, merchants[-1], paid_rate_bp=1000, delivered_rate_bp=0,
                         note="取消订单收取10%手续费", now=now - 2 * H)       # raised later: a hidden fee
    return [f"orders: {counter} demo orders in every state for {len(merchants)} merchants"]
