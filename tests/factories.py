"""Test data builders, through the real services, and what several test modules send (forms, API bodies).
Personas are created once per test session, committed; the rest per test: `make_order(buyer, state)`,
`make_refused_order()`, `make_case(state)` with the state names of OrderState and CaseState."""
from __future__ import annotations

import datetime as dt
import io
import re
import secrets
from collections.abc import Iterable

import jsonschema
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.api import openapi
from arbitration.audit import events
from arbitration.audit.services import events_of, record_event
from arbitration.auth.models import Role, User
from arbitration.auth.services import hash_password
from arbitration.calendar.services import load_calendar
from arbitration.cases import enforcement
from arbitration.cases import services as cases
from arbitration.cases.models import Case
from arbitration.cases.workflow import CaseState
from arbitration.db import db
from arbitration.deadlines import registry
from arbitration.deadlines import services as deadlines
from arbitration.evidence.models import Evidence
from arbitration.merchants.models import Merchant, MerchantKind
from arbitration.orders import requests as order_requests
from arbitration.orders import services as orders
from arbitration.orders.models import Order
from arbitration.orders.rules import Action as OrderAction
from arbitration.orders.rules import Channel, OrderState, ProductType
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy

# 2026-09-30 10:00 in Shanghai: the day before the National Day holiday (the suite's frozen clock)
T0 = dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.timezone.utc)

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


# event types the tests record on their own subjects (the app declares its own; audit.events refuses others)
events.declare({name: _l("A test step") for name in (
    "test.consequence_applied", "test.half_done", "test.job_ran", "test.committed", "half.written", "a", "b",
    "case.step0", "case.step1", "case.step2")})


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
               channel: Channel | None = None, fee_shown: bool = True, locked: bool = False,
               now: dt.datetime | None = None) -> Order:
    """An order brought to `state` (an OrderState name) through the real services (merchant_staff delivers and
    answers; without one the order is 飞鱼卡盟's)."""
    target = OrderState(state)
    now = now or clock.now_utc()
    merchant = db.session.get(Merchant, merchant_staff.merchant_id) if merchant_staff else \
        db.session.scalar(sa.select(Merchant).where(Merchant.name == "飞鱼卡盟"))
    order = orders.create_order(buyer=buyer, merchant=merchant, product_type=ProductType.game_card,
                                product_name="王者荣耀点券 100元卡", face_value_fen=10_000, amount_fen=amount_fen,
                                channel=channel or Channel.alipay, fee_schedule_shown=fee_shown,
                                listing_description="面值100元", now=now)
    if target in (OrderState.paid, OrderState.delivered, OrderState.completed, OrderState.refunded):
        orders.pay_order(order, now=now)
    if target in (OrderState.delivered, OrderState.completed):
        orders.deliver_order(order, merchant_staff, card_codes=["CODE-1234-5678"], now=now)
    if target == OrderState.completed:
        orders.confirm_receipt(order, buyer, goods_checked=True, now=now)
    if target == OrderState.cancelled:
        orders.cancel_unpaid(order, buyer, now=now)
    if target == OrderState.closed:
        orders.apply_action(order, OrderAction.close_unpaid, None, now=now + dt.timedelta(hours=2))
    if target == OrderState.refunded:
        req = order_requests.request_cancellation(order, buyer, reason="wrong_item", now=now)
        order_requests.review_cancellation(order, req, merchant_staff, approve=True, now=now)
    if locked:
        orders.lock_order(order, None, "manual", now=now)
    return order


REFUSAL = "卡密已出库，不能取消"          # the merchant's answer to the cancellation


def make_refused_order(buyer: User | None = None, merchant_staff: User | None = None, *, amount_fen: int = 10_000,
                       text: str = REFUSAL, now: dt.datetime | None = None) -> Order:
    """A paid order whose cancellation the merchant refused at `now`: its buyer may open a case on it for 7 days.
    `buyer` and `merchant_staff` default to the personas "buyer" and "merchant"."""
    buyer = buyer or _persona("buyer")
    merchant_staff = merchant_staff or _persona("merchant")
    order = make_order(buyer, "paid", merchant_staff=merchant_staff, amount_fen=amount_fen, now=now)
    req = order_requests.request_cancellation(order, buyer, reason="wrong_item", now=now)
    order_requests.review_cancellation(order, req, merchant_staff, approve=False, text=text, now=now)
    return order


def _persona(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


# ---- cases ----

STATEMENT = "付款后商家拒绝取消，也一直没有发货。"
FACTS_FOUND = "买家付款后商家未发货，并拒绝取消订单。"
RULING_REASONING = "商家收取预付款后未按约定提供商品，应当按照消费者的要求退回预付款。"


def make_case(state: str = "negotiation", *, order: Order | None = None, buyer: User | None = None,
              merchant_staff: User | None = None, arbitrator: User | None = None, category: str = "non_delivery",
              remedy: str = "full_refund", amount_fen: int | None = None, statement: str = STATEMENT,
              decision: str = "upheld", found: Iterable[str] = (), now: dt.datetime | None = None,
              ruled_at: dt.datetime | None = None) -> Case:
    """A case brought to `state` (a CaseState name) through the real services, each step at `now`:

    negotiation             the buyer opens it on `order` (default: a new make_refused_order)
    offer_pending           the merchant offers half the price back
    evidence                the merchant refuses the claim; an arbitrator is assigned (`arbitrator`: checked)
    supplementary           ... and the arbitrator asks the buyer for more evidence
    review                  ... both parties have no more evidence
    reconsideration_window  ... the arbitrator rules (`decision`, findings `found`) at `ruled_at` (default `now`)
    reconsideration         ... and the buyer asks for a reconsideration, then
    enforcement             the merchant accepts the claim: a refund task is open
    closed                  ... and the merchant carries it out
    withdrawn               the buyer withdraws during negotiation

    `buyer` defaults to the order's buyer (or the persona "buyer"), `merchant_staff` to the persona "merchant".
    """
    target, S = CaseState(state), CaseState
    buyer = buyer or (order.buyer if order is not None else _persona("buyer"))
    staff = merchant_staff or _persona("merchant")
    if order is None:
        order = make_refused_order(buyer, staff, now=now)
    case = cases.open_case(buyer, order, category=category, remedy=remedy, amount_fen=amount_fen,
                           statement=statement, now=now)
    if target == S.offer_pending:
        cases.make_offer(case, staff, remedy="partial_refund", amount_fen=order.amount_fen // 2, text="退一半",
                         now=now)
    elif target in (S.enforcement, S.closed):
        cases.accept_claim(case, staff, now=now)
        if target == S.closed:
            for task in enforcement.tasks_of(case):
                enforcement.complete_task(case, task, staff, note="已按决定履行", now=now)
    elif target == S.withdrawn:
        cases.withdraw(case, buyer, now=now)
    elif target != S.negotiation:
        cases.refuse_claim(case, staff, reason="卡密已发出，买家已使用", now=now)
        assigned = db.session.get(User, case.arbitrator_id)
        assert arbitrator is None or assigned == arbitrator, f"the case went to {assigned.username}"
        if target == S.supplementary:
            cases.request_supplementary(case, assigned, party="buyer", note="请补充付款记录截图", now=now)
        elif target != S.evidence:
            cases.no_more_evidence(case, buyer, now=now)
            cases.no_more_evidence(case, staff, now=now)
        if target in (S.reconsideration_window, S.reconsideration):
            ruled_at = ruled_at or now
            rulings.issue_ruling(case, assigned, decision=decision, facts_found=FACTS_FOUND,
                                 reasoning=RULING_REASONING,
                                 remedies=[] if decision == "dismissed" else [Remedy("full_refund")],
                                 citations=["CRPL-53"], found_tags=list(found), now=ruled_at)
            if target == S.reconsideration:
                cases.request_reconsideration(case, buyer, new_facts="商家提供的发货记录与订单号不符。", now=ruled_at)
    assert case.state == target, f"the case is in {case.state.value}, not {state}"
    return case


# ---- the arbitrator's ruling form, as the page tests fill it in ----

FACTS = "买家付款后，商家既未发货，也拒绝了取消申请。"
REASONING = "经营者以预收款方式提供商品，未按照约定提供的，应当按照消费者的要求退回预付款。"


def the_form(**changes) -> dict:
    """The ruling form's fields (the facts checklist as the order's record fills it for a paid, undelivered order);
    a change of None leaves the field out."""
    form = {"decision": "upheld", "facts_found": FACTS, "reasoning": REASONING, "full_refund": "y",
            "citations": ["CRPL-53", "CC-563"], "other_citations": "", "found_tags": ["paid_not_delivered"]}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def issue_through_the_form(client, case, **changes):
    """The arbitrator's three steps: save the form as the draft, open the confirmation, issue. Returns the answer
    to the last step."""
    saved = client.post(f"/cases/{case.number}/ruling", data={**the_form(**changes), "do": "issue"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/cases/{case.number}/ruling/issue")
    assert client.get(f"/cases/{case.number}/ruling/issue").status_code in (200, 302)
    return client.post(f"/cases/{case.number}/ruling/issue")


def suggested_codes(page: str) -> list[str]:
    """The provisions the ruling form suggests, in its order."""
    return re.findall(r'name="citations" value="([^"]+)"', page)


# ---- evidence through the web form ----

def upload(client, req, *uploads, kind="screenshot", description="兑换失败截图"):
    """Post (name, content) files to an order request's evidence form."""
    data = {"csrf_token": "", "kind": kind, "description": description,
            "files": [(io.BytesIO(content), name) for name, content in uploads]}
    return client.post(f"/orders/{req.order.number}/requests/{req.id}/evidence", data=data,
                       content_type="multipart/form-data")


def upload_to_case(client, case, *uploads, kind="auto", description=""):
    """Post (name, content) files to a case's evidence form (its default kind: judged from the file)."""
    data = {"csrf_token": "", "kind": kind, "description": description,
            "files": [(io.BytesIO(content), name) for name, content in uploads]}
    return client.post(f"/cases/{case.number}/evidence", data=data, content_type="multipart/form-data")


# ---- signing in without the login form ----

def sign_in(client, user: User) -> None:
    """Put the user in the test client's session, as a login would (for tests that request every route)."""
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


# ---- the platform API ----

ALL_SCOPES = ["orders:read", "orders:write", "cases:read", "cases:write", "evidence:write", "rulings:read",
              "oversight:read"]


def order_body(personas, **changes) -> dict:
    """The platform's POST /api/v1/orders body, for the "merchant" persona's shop."""
    body = {"buyer": {"external_id": "u-10086", "display_name": "小王"},
            "merchant_id": personas["merchant"].merchant_id, "product_type": "game_card",
            "product_name": "王者荣耀点券 100元卡", "face_value_fen": 10_000, "amount_fen": 10_000,
            "channel": "alipay", "listing_description": "面值100元", "fee_schedule_shown": True}
    body.update(changes)
    return body


def validate(body, schema_name: str) -> None:
    """Raises unless `body` matches the served OpenAPI document's schema (its "$ref"s resolve inside it)."""
    spec = openapi.document()
    jsonschema.Draft202012Validator({**spec["components"]["schemas"][schema_name],
                                     "components": spec["components"]}).validate(body)


# ---- deadlines on a test subject, whose consequence only records that it ran ----

calls: list[int] = []     # the ids of the deadlines whose "test.record" consequence ran


@registry.consequence("test.record", lambda: "a test consequence")
def _record(deadline, now):
    calls.append(deadline.id)
    record_event(deadline.subject_type, deadline.subject_id, None, "test.consequence_applied",
                 {"deadline_id": deadline.id}, now=now)


def schedule_test_deadline(subject_id, hours=48, consequence="test.record", subject_type="test", **kw):
    """A deadline started at T0, due `hours` later on the business calendar."""
    cal = load_calendar()
    return deadlines.schedule(subject_type, subject_id, "test.answer", consequence, cal.add_hours(T0, hours),
                              started_at=T0, **kw)


# ---- pages ----

def scripts_are_our_own_files(page: str) -> bool:
    """Every <script> of a page loads a file of ours (/static/...) and holds no code of its own: the CSP allows no
    inline script, and no outside host."""
    tags = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S | re.I)
    return all(re.search(r'\bsrc="/static/[^"]+"', attrs) and not body.strip() for attrs, body in tags) and \
        page.lower().count("<script") == len(tags)


# ---- evidence on an order request, through the pages ----

def request_evidence(session, req) -> list[Evidence]:
    """The files filed with an order request, oldest first."""
    return list(session.scalars(sa.select(Evidence).where(Evidence.subject_type == "order_request",
                                                          Evidence.subject_id == str(req.id)).order_by(Evidence.id)))


def upload_one(client, session, req, name, content, kind="auto") -> Evidence:
    """One file uploaded through the request's form; the stored row."""
    response = upload(client, req, (name, content), kind=kind)
    assert response.status_code == 302, client.get(f"/orders/{req.order.number}").get_data(as_text=True)[-800:]
    return request_evidence(session, req)[-1]


def order_actions(order_id) -> list[str]:
    return [e.action for e in events_of("order", order_id)]
