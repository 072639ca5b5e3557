"""The order page leads the buyer and the merchant (issue 17, items 1 and 6): a stage bar and a "now" panel on top
with the buttons there; a pending request can be withdrawn; the merchant's evidence on a refusal goes with it to
the case; an automatic outcome says so; the order's and the refund's states agree; an order in dispute says so."""
from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa

from arbitration.audit.services import events_of
from arbitration.cases import services as cases
from arbitration.deadlines.models import Deadline
from arbitration.deadlines.services import sweep
from arbitration.orders import requests as order_requests
from arbitration.orders.models import OrderRequest
from arbitration.orders.refunds import mark_refund
from tests import files
from tests.conftest import T0
from tests.factories import make_order, make_refused_order, sign_in


def _page(client, order) -> str:
    response = client.get(f"/orders/{order.number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _now(page: str) -> str:
    start = page.index('id="now"')
    return page[start:page.index("</section>", start)]


def _as(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def test_the_buyer_withdraws_a_request_the_merchant_has_not_answered(app, session, personas):
    order = make_order(personas["buyer"], "paid", merchant_staff=personas["merchant"])
    req = order_requests.request_cancellation(order, personas["buyer"], reason="not_needed")
    buyer = _as(app, personas["buyer"])
    assert "撤回申请" in _now(_page(buyer, order))
    assert buyer.post(f"/orders/{order.number}/requests/{req.id}/withdraw").status_code == 302
    session.refresh(req)
    assert req.state == "withdrawn" and req.closed_at is not None
    assert session.scalar(sa.select(sa.func.count()).select_from(Deadline).where(
        Deadline.subject_type == "order_request", Deadline.subject_id == str(req.id), Deadline.state == "pending")) == 0
    assert "order.withdraw_request" in [e.action for e in events_of("order", order.id)]
    merchant = _as(app, personas["merchant"])
    assert f"/merchant/requests/{req.id}" not in merchant.get("/merchant/requests").get_data(as_text=True)
    assert "申请取消" in _now(_page(buyer, order))           # the buyer may ask again


def test_the_merchants_evidence_on_a_refusal_goes_with_it_to_the_case(app, session, personas):
    order = make_order(personas["buyer"], "paid", merchant_staff=personas["merchant"])
    req = order_requests.request_cancellation(order, personas["buyer"], reason="not_needed")
    merchant = _as(app, personas["merchant"])
    page = merchant.get(f"/merchant/requests/{req.id}").get_data(as_text=True)
    assert f"/orders/{order.number}/requests/{req.id}/evidence?back=decide" in page
    upload = merchant.post(f"/orders/{order.number}/requests/{req.id}/evidence?back=decide",
                           content_type="multipart/form-data",
                           data={"kind": "order_record", "description": "发货记录",
                                 "files": [(io.BytesIO(files.pdf()), "发货记录.pdf")]})
    assert upload.status_code == 302 and upload.headers["Location"].endswith(f"/merchant/requests/{req.id}")
    assert merchant.post(f"/merchant/requests/{req.id}", data={"decision": "reject", "text": "卡密已出库，无法取消"}) \
        .status_code == 302
    case = cases.open_case(personas["buyer"], order, category="non_delivery", remedy="full_refund", amount_fen=None,
                           statement="商家拒绝取消，也一直没有发货。")
    assert [f.display_name for f in cases.case_files(case)] == ["发货记录.pdf"]


def test_an_automatic_approval_says_the_merchant_did_not_decide_and_the_refund_state_agrees(app, session, personas):
    order = make_order(personas["buyer"], "paid", merchant_staff=personas["merchant"])
    order_requests.request_cancellation(order, personas["buyer"], reason="not_needed")
    sweep(now=T0 + dt.timedelta(hours=25))
    buyer = _as(app, personas["buyer"])
    page = _page(buyer, order)
    assert "商家逾期未处理，系统自动同意取消" in page and "商家答复" not in page
    head = page[page.index('class="page-head"'):page.index("</ol>")]
    assert "退款中" in head and "已退款" not in head           # the refund is on its way, not arrived
    refund = session.scalar(sa.select(OrderRequest).where(OrderRequest.order_id == order.id))
    refund_id = session.execute(sa.text("SELECT id FROM refunds WHERE order_id = :o"), {"o": order.id}).scalar()
    mark_refund(order, refund_id, "done", personas["support"])
    assert refund is not None
    head = (page := _page(buyer, order))[page.index('class="page-head"'):page.index("</ol>")]
    assert "已退款" in head


def test_an_order_in_dispute_is_marked_and_links_to_its_case(app, session, personas):
    order = make_refused_order()
    buyer = _as(app, personas["buyer"])
    now = _now(_page(buyer, order))
    assert "发起争议仲裁" in now and "买家发起争议仲裁的期限" in now and "申请期限届满" in now   # the window, once
    case = cases.open_case(personas["buyer"], order, category="non_delivery", remedy="full_refund", amount_fen=None,
                           statement="商家拒绝取消，也一直没有发货。")
    page = _page(buyer, order)
    assert f'href="/cases/{case.number}"' in page[:page.index('id="now"')]        # the mark, in the page's head
    assert "发起争议仲裁" not in _now(page)


def test_the_merchant_finds_the_request_to_answer_at_the_top_of_the_order(app, session, personas):
    order = make_order(personas["buyer"], "paid", merchant_staff=personas["merchant"])
    req = order_requests.request_cancellation(order, personas["buyer"], reason="not_needed")
    now = _now(_page(_as(app, personas["merchant"]), order))
    assert "买家申请取消：请答复" in now and f"/merchant/requests/{req.id}" in now and "到期后" in now
