"""Every endpoint, requested for real by every role and by an anonymous visitor, against one table."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import url_for

from arbitration import clock
from tests.factories import ONE_PER_ROLE
from tests.http.permission_matrix import ALLOWED_ALSO, ENDS_AT_LOGIN, MATRIX, ROLES, TOKEN_ONLY


def test_every_registered_endpoint_has_a_row_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(MATRIX))
    assert missing == [], f"add rows to tests/http/permission_matrix.py for: {missing}"
    assert sorted(set(MATRIX) - endpoints) == []


def test_each_row_uses_a_method_the_route_accepts(app):
    for rule in app.url_map.iter_rules():
        method = MATRIX[rule.endpoint][0]
        assert method in rule.methods, rule.endpoint


def _sign_in(client, user):
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


@pytest.fixture
def context(session, personas):
    """One object of each kind the routes need, owned by the buyer persona and the merchant persona."""
    from arbitration.orders import requests as order_requests
    from arbitration.orders.models import Refund
    from tests.factories import make_order

    buyer, staff = personas["buyer"], personas["merchant"]
    orders = {state: make_order(buyer, state, merchant_staff=staff) for state in ("paid", "delivered", "refunded")}
    orders["locked"] = make_order(buyer, "paid", merchant_staff=staff, locked=True)
    orders["pending_request"] = make_order(buyer, "paid", merchant_staff=staff)
    orders["reissued"] = make_order(buyer, "delivered", merchant_staff=staff)
    cancellation = order_requests.request_cancellation(orders["pending_request"], buyer, reason="wrong_item")
    reissued = order_requests.request_after_sales(orders["reissued"], buyer, problem="invalid_code",
                                                  description="卡密提示已被使用，无法兑换")
    order_requests.respond_after_sales(orders["reissued"], reissued, staff, response="reissue", codes=["NEW-1"])
    refund = session.scalar(sa.select(Refund).where(Refund.order_id == orders["refunded"].id))
    from arbitration.evidence.services import add_file
    from tests.files import png

    evidence = add_file(buyer, reissued, filename="a.png", chunks=[png()], kind="screenshot")
    from arbitration.calendar.services import add_day

    add_day(personas["admin"], dt.date(2027, 1, 1), "holiday", "元旦")  # for the remove row
    from arbitration.cases import services as cases

    def refused_order():
        order = make_order(buyer, "paid", merchant_staff=staff)
        req = order_requests.request_cancellation(order, buyer, reason="wrong_item")
        order_requests.review_cancellation(order, req, staff, approve=False, text="卡密已出库，不能取消")
        return order

    orders["rejected"] = refused_order()
    opened = {name: cases.open_case(buyer, refused_order(), category="non_delivery", remedy="full_refund",
                                    amount_fen=None, statement="商家拒绝取消，也没有发货。")
              for name in ("negotiation", "offer", "evidence", "ruled", "enforcement", "review", "issued")}
    cases.make_offer(opened["offer"], staff, remedy="reissue", amount_fen=None)
    cases.refuse_claim(opened["evidence"], staff, reason="卡密已发出并已使用")
    for name in ("review", "issued"):   # in review before the arbitrator persona, who rules on "issued"
        cases.refuse_claim(opened[name], staff, reason="卡密已发出并已使用")
        cases.no_more_evidence(opened[name], buyer)
        cases.no_more_evidence(opened[name], staff)
    from arbitration.rulings import rules as ruling_rules
    from arbitration.rulings import services as rulings

    ruling = rulings.issue_ruling(opened["issued"], personas["arbitrator"], decision="upheld",
                                  facts_found="买家付款后商家既未发货也未同意取消。",
                                  reasoning="经营者收取货款后未按约定提供商品，应当按照消费者的要求退回货款。",
                                  remedies=[ruling_rules.Remedy("full_refund")], citations=["CRPL-53"])
    rulings.make_pdf(ruling)   # as the rendering job does after the commit
    from arbitration.cases import conflicts

    conflict = conflicts.declare(personas["admin"], arbitrator_id=personas["arbitrator"].id,
                                 merchant_id=personas["merchant_b"].merchant_id, reason="曾在飞鱼卡盟任职客服主管")
    cases.accept_claim(opened["enforcement"], staff)
    from arbitration.cases.workflow import Action
    from arbitration.cases.enforcement import tasks_of

    cases.apply_action(opened["ruled"], Action.default_ruling, None)   # as when the merchant stays silent
    task = tasks_of(opened["enforcement"])[0]
    from arbitration.cases.filters import CaseFilter
    from arbitration.oversight import exports

    done = exports.request_export(personas["regulator"], CaseFilter(), enqueue=False)
    done = exports.build(done.id, processes=1)                 # as the export job does
    queued = exports.request_export(personas["regulator"], CaseFilter(), enqueue=False)
    from arbitration.api.services import create_client

    api_client, _token = create_client(personas["admin"], name="卡盟主站", scopes=["cases:read"])
    from arbitration.api.webhooks import enqueue

    delivery = enqueue(api_client, "case.opened", {"case": opened["negotiation"].number}, clock.now_utc())
    return {"personas": personas, "orders": orders, "refund": refund, "evidence": evidence, "cases": opened,
            "task": task, "ruling": ruling, "conflict": conflict, "exports": {"done": done, "queued": queued},
            "api_client": api_client, "delivery": delivery,
            "requests": {"cancellation": cancellation, "reissued": reissued}}


@pytest.mark.parametrize("role", ROLES + ("anonymous",))
def test_the_matrix_holds_for(role, app, session, personas, context, isolated):
    user = personas[ONE_PER_ROLE[role]] if role != "anonymous" else None
    wrong = []
    for endpoint, (method, args, data, allowed) in sorted(MATRIX.items()):
        client = app.test_client()
        if user is not None:
            _sign_in(client, user)
        with app.test_request_context():
            url = url_for(endpoint, **(args(context) if args else {}))
        with isolated():  # each request's writes (a logout, a new day) stay out of the next one's way
            response = client.open(url, method=method, data=data)
            response.close()
        status, location = response.status_code, response.headers.get("Location", "")
        sent_to_login = status == 302 and "/login" in location
        if endpoint in TOKEN_ONLY:
            ok = status == 401 and response.is_json
        elif role in allowed:
            ok = (status < 400 or status in ALLOWED_ALSO.get(endpoint, ())) and \
                (not sent_to_login or endpoint in ENDS_AT_LOGIN)
        elif role == "anonymous":
            ok = sent_to_login
        else:
            ok = status in (403, 404)
        if not ok:
            wrong.append(f"{method} {url}: {status} {location}")
    assert wrong == []
