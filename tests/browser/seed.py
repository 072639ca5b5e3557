"""Data for the browser journeys, made through the real services in an app context and committed.

Run from the project folder with the server's environment (ARBITRATION_INSTANCE_PATH, ...) after
`flask db upgrade`:  python -m tests.browser.seed
The last line of the output is a JSON object: journey -> order number (and "stages": stage -> [case number,
arbitrator]).
"""
from __future__ import annotations

import json

import sqlalchemy as sa

from arbitration import clock, create_app
from arbitration.auth.models import Role, User
from arbitration.calendar.services import seed_from_package
from arbitration.cases import conflicts
from arbitration.cases import services as cases
from arbitration.cases.models import Case
from arbitration.db import commit, db
from arbitration.evidence.services import add_file
from arbitration.law.services import load_file
from arbitration.merchants.models import Merchant
from arbitration.orders import requests as order_requests
from arbitration.rulings.models import Ruling
from arbitration.seed.cases import demo_cases
from tests import files
from tests.factories import (create_personas, create_user, make_case, make_order, make_refused_order,
                             personas)

# The second arbitrator: a reconsideration goes to a different arbitrator than the one who ruled.
SECOND_ARBITRATOR = "arbitrator_b"
# people as the pages name them (the factories' personas are named after their usernames)
DISPLAY_NAMES = {"buyer": "张三", "buyer_b": "李四", "merchant": "星辰直营店客服", "merchant_b": "飞鱼卡盟店主",
                 "support": "平台客服", "arbitrator": "王仲裁员", SECOND_ARBITRATOR: "赵仲裁员", "supervisor": "陈主管",
                 "regulator": "市场监管员", "admin": "系统管理员"}


def escalated_order(buyer, staff):
    """A paid order whose cancellation the merchant rejected: the buyer may open a case on it for 7 days."""
    return make_refused_order(buyer, staff, text="卡密已备好，正在发货中，不同意取消。")


def seed() -> dict[str, str]:
    now = clock.now_utc()
    seed_from_package(now)
    load_file(now=now)
    create_personas()
    people = personas()
    second = create_user(SECOND_ARBITRATOR, Role.arbitrator)
    # Tied to the official store: cases against it always go to the persona "arbitrator".
    conflicts.declare(people["admin"], arbitrator_id=second.id, merchant_id=people["merchant"].merchant_id,
                      reason="曾在该直营店担任客服主管")
    for username, name in DISPLAY_NAMES.items():     # the pages greet and list people by these names
        (people.get(username) or second).display_name = name
    buyer, official, agent = people["buyer"], people["merchant"], people["merchant_b"]
    stages = demo_cases(buyer, agent, db.session.get(Merchant, agent.merchant_id))   # before any other case
    return {
        # the first screen of every role in every stage: stage -> [case number, its arbitrator's username]
        "stages": {stage: [number, arbitrator_of(number)] for stage, number in stages.items()},
        # 1. the buyer asks to cancel through the pages; against the official store
        "main": make_order(buyer, "paid", merchant_staff=official).number,
        # 2. not paid yet: cancelled at once
        "unpaid": make_order(buyer, "pending_payment", merchant_staff=official).number,
        # 3. the merchant will stay silent on the case
        "default": escalated_order(buyer, agent).number,
        # 4. ruled, then reconsidered at the merchant's request (two arbitrators without a conflict)
        "reconsideration": escalated_order(buyer, agent).number,
        # 5. the key pages at phone width
        "phone": escalated_order(buyer, agent).number,
        # the arbitrator reading evidence; the dossier link on the case page
        "arbitrator_evidence": escalated_order(buyer, agent).number,
        "dossier_link": escalated_order(buyer, agent).number,
        # personal information in a statement: masked dossier, the unmasked export's form (issue 21)
        **{f"privacy_{width}": escalated_order(buyer, agent).number for width in (375, 1280)},
        # the platform API against the live server: its orders are made through the API, for this merchant
        "api_merchant_id": str(agent.merchant_id),
        "workspace": workspace(buyer, official),
        **{f"parties_{width}": parties(create_user(f"buyer_{width}", Role.buyer), official, agent)
           for width in (375, 1280)},
        **bad_input(buyer, official, agent),
        "evidence_viewers": evidence_viewers(buyer, official),
        **accessibility(buyer, agent),
        # a case in review against the official store (the persona "arbitrator"'s), for the similar decisions
        "precedents_case": make_case("review", order=make_refused_order(buyer, official),
                                     merchant_staff=official).number,
    }


def arbitrator_of(number: str) -> str | None:
    case = db.session.scalar(sa.select(Case).where(Case.number == number))
    return db.session.get(User, case.arbitrator_id).username if case.arbitrator_id else None


def parties(buyer, official, agent) -> dict[str, str]:
    """The parties' journey at one width, for a buyer of its own (whose inbox holds only this journey): a paid
    order whose cancellation the buyer asked for (to withdraw), and one whose cancellation the merchant refused
    (the buyer opens a case on it, the merchant accepts)."""
    pending = make_order(buyer, "paid", merchant_staff=official)
    order_requests.request_cancellation(pending, buyer, reason="not_needed")
    return {"buyer": buyer.username, "pending": pending.number, "refused": escalated_order(buyer, agent).number}


def workspace(buyer, official) -> str:
    """A ¥8,000 case in review (so a supervisor's four-eyes rule over ¥5,000 catches it), the buyer's and the
    merchant's evidence filed; against the official store, so it is the persona "arbitrator"'s. A case number."""
    case = make_case("evidence", order=make_refused_order(buyer, official, amount_fen=800_000,
                                                          text="充值已到账，不同意取消。"),
                     merchant_staff=official, statement="付款8000元购买游戏点卡，商家两天未发货却拒绝取消，请求全额退款。")
    subject = cases.evidence_subject(case)
    add_file(buyer, subject, filename="付款记录.png", chunks=[files.png(400, 260, (30, 110, 200))],
             kind="payment_record", description="支付宝付款 8000 元的记录")
    add_file(official, subject, filename="充值后台记录.png", chunks=[files.png(420, 280, (200, 120, 40))],
             kind="order_record", description="后台显示的充值记录")
    cases.no_more_evidence(case, buyer)
    cases.no_more_evidence(case, official)
    return case.number


def accessibility(buyer, agent) -> dict[str, str]:
    """The pages the accessibility checks read (a case in evidence, its assigned arbitrator, a ruled case and
    its ruling) and an order whose case the buyer opens with the keyboard alone."""
    heard = make_case("evidence", buyer=buyer, merchant_staff=agent)
    ruled = make_case("reconsideration_window", buyer=buyer, merchant_staff=agent)
    ruling = db.session.scalar(sa.select(Ruling.number).where(Ruling.case_id == ruled.id))
    return {"a11y_case": heard.number, "a11y_arbitrator": db.session.get(User, heard.arbitrator_id).username,
            "a11y_order": heard.order.number, "a11y_ruling": ruling,
            "keyboard": escalated_order(buyer, agent).number}


def evidence_viewers(buyer, official) -> str:
    """An after-sales request with three screenshots, a chat log in GB18030 and a PDF (the viewers' journey)."""
    order = make_order(buyer, "delivered", merchant_staff=official)
    req = order_requests.request_after_sales(order, buyer, problem="invalid_code",
                                             description="卡密兑换时提示已被使用，请核实")
    for name, content in (("付款截图.png", files.png(480, 300, (46, 125, 200))),
                          ("兑换失败提示.png", files.png(300, 520, (200, 60, 50))),
                          ("客服对话截图.png", files.png(720, 360, (40, 150, 90))),
                          ("客服聊天记录.txt", ("买家：卡密无效，提示已被使用\n商家：<b>请稍等</b>，正在核实\n" * 40)
                           .encode("gb18030")),
                          ("支付凭证.pdf", files.pdf("paid 98 yuan"))):
        add_file(buyer, req, filename=name, chunks=[content], kind="auto", description="")
    return order.number


def bad_input(buyer, official, agent) -> dict[str, str]:
    """What the bad-input journey needs: an order to open a case on; a locked order; a delivered order with a
    cancellation request the merchant answers; a reissue the buyer checks; a refund on its way; a ruled case."""
    delivered = make_order(buyer, "delivered", merchant_staff=official)
    asked = order_requests.request_cancellation(delivered, buyer, ground="not_as_described",
                                                description="面值与商品描述不符，只到账了50元")
    reissued = make_order(buyer, "delivered", merchant_staff=official)
    req = order_requests.request_after_sales(reissued, buyer, problem="invalid_code",
                                             description="卡密无法兑换，提示已被使用过")
    order_requests.respond_after_sales(reissued, req, official, response="reissue", codes=["NEW-CODE-0001"])
    refunded = make_order(buyer, "paid", merchant_staff=official)
    cancel = order_requests.request_cancellation(refunded, buyer, reason="not_needed")
    order_requests.review_cancellation(refunded, cancel, official, approve=True)
    return {"bad_input_case": escalated_order(buyer, agent).number,
            "bad_input_locked": make_order(buyer, "paid", merchant_staff=official, locked=True).number,
            "bad_input_request": str(asked.id), "bad_input_reissued": reissued.number,
            "bad_input_refund": refunded.number,
            "bad_input_ruled_case": make_case("reconsideration_window", buyer=buyer, merchant_staff=agent).number}


def main() -> None:
    app = create_app()
    with app.app_context():
        orders = seed()
        commit()
    print(json.dumps(orders))


if __name__ == "__main__":
    main()
