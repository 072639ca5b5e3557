"""Demo cases for `flask seed-demo`, built through the real services from refused demo orders."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from arbitration import clock
from arbitration.auth.models import User
from arbitration.cases import enforcement
from arbitration.cases import services as cases
from arbitration.cases.models import Case
from arbitration.cases.workflow import Action
from arbitration.db import db
from arbitration.library import services as library
from arbitration.merchants.models import Merchant
from arbitration.orders import requests as order_requests
from arbitration.orders import services as orders
from arbitration.orders.rules import Channel, ProductType
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy

H = dt.timedelta(hours=1)
STATEMENT = "付款后商家既不发货也不同意取消，客服称“虚拟商品一经售出概不退换”，请平台介入。"


def seed_cases(buyer: User, staff: User, merchant: Merchant) -> list[str]:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Case)):
        return []
    made = demo_cases(buyer, staff, merchant)
    return [f"cases: {', '.join(made.values())} (one in each stage: {', '.join(made)})"]


def demo_cases(buyer: User, staff: User, merchant: Merchant) -> dict[str, str]:
    """One case in each stage (STAGES), opened over the last day by `buyer` against `merchant`: stage -> number."""
    now = clock.now_utc()

    def refused_order(n: int, stage: str):
        # the final decision's case began 9 days ago: its 7-day reconsideration window has closed
        start = now - (24 - n) * H if stage != "final" else now - 9 * 24 * H
        order = orders.create_order(buyer=buyer, merchant=merchant, product_type=ProductType.membership,
                                    product_name="爱奇艺黄金会员 年卡", face_value_fen=24_800, amount_fen=19_800,
                                    channel=Channel.alipay, number=f"KM2026CASE{merchant.id:02d}{n:04d}",
                                    listing_description="年卡，付款后自动开通", now=start)
        orders.pay_order(order, now=start + 0.1 * H)
        req = order_requests.request_cancellation(order, buyer, reason="late_delivery", now=start + 0.5 * H)
        order_requests.review_cancellation(order, req, staff, approve=False, text="系统繁忙，请耐心等待发货",
                                           now=start + H)
        return order, start + 2 * H

    made = {}
    for n, stage in enumerate(STAGES, 1):
        order, at = refused_order(n, stage)
        case = cases.open_case(buyer, order, category="non_delivery", remedy="full_refund", amount_fen=None,
                               statement=STATEMENT, now=at)
        _bring(case, stage, buyer, staff, at)
        made[stage] = case.number
    return made


# One demo case in each stage a case can be in, so every page and every 'now' panel can be seen.
STAGES = ("negotiation", "offer_pending", "evidence", "supplementary", "review", "ruled", "reconsideration",
          "final", "enforcement", "closed", "withdrawn")


def _bring(case: Case, stage: str, buyer: User, staff: User, at: dt.datetime) -> None:
    """Move a new demo case to `stage` through the real services, an hour a step."""
    if stage == "offer_pending":
        cases.make_offer(case, staff, remedy="partial_refund", amount_fen=9_900, text="愿意退一半", now=at + H)
    elif stage in ("enforcement", "closed"):
        cases.accept_claim(case, staff, now=at + H)
        if stage == "closed":
            (task,) = enforcement.tasks_of(case)
            enforcement.complete_task(case, task, staff, now=at + 2 * H)
    elif stage == "withdrawn":
        cases.withdraw(case, buyer, now=at + H)
    elif stage != "negotiation":
        cases.refuse_claim(case, staff, reason="会员已按约开通，买家账号可查", now=at + H)
    if stage == "supplementary":
        cases.request_supplementary(case, db.session.get(User, case.arbitrator_id), party="merchant",
                                    note="请补充会员开通记录截图（含开通时间与买家账号）", now=at + 2 * H)
    if stage in ("review", "ruled", "reconsideration", "final"):
        cases.no_more_evidence(case, buyer, now=at + 2 * H)
        cases.no_more_evidence(case, staff, now=at + 3 * H)
    if stage in ("ruled", "reconsideration", "final"):
        _rule(case, at + 4 * H)
    if stage == "final":     # neither party asked for a reconsideration: the decision is final, and published
        cases.apply_action(case, Action.ruling_final, None, now=at + 4 * H + 7 * 24 * H)
        library.publish_due(now=at + 4 * H + 7 * 24 * H)
    if stage == "reconsideration":
        cases.request_reconsideration(case, staff, new_facts="会员已于付款后十分钟开通，附开通记录，请求复核。",
                                      now=at + 5 * H)


def _rule(case: Case, at: dt.datetime) -> None:
    arbitrator = db.session.get(User, case.arbitrator_id)
    ruling = rulings.issue_ruling(
        case, arbitrator, decision="upheld", found_tags=["delivery_delay"],
        facts_found="买家于付款后半小时申请取消，商家以“系统繁忙”为由拒绝，至立案时仍未开通会员。",
        reasoning="商家以预收款方式销售会员年卡，收款后未按约定及时开通，买家在交付前请求解除合同并退回预付款，"
                  "商家应当退回预付款。商家所称“虚拟商品一经售出概不退换”不能排除其未履行交付义务的责任。",
        remedies=[Remedy("full_refund")], citations=["CRPL-53", "CRPLR-22", "CC-563", "ECL-63"], now=at)
    rulings.make_pdf(ruling, now=at)
