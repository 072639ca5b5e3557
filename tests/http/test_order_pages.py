"""The order pages for each role, driven through the Flask test client."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from arbitration.merchants.models import Merchant
from arbitration.orders import requests as order_requests
from arbitration.merchants.models import FeeSchedule
from arbitration.orders.models import OrderRequest
from arbitration.orders.rules import OrderState
from tests.conftest import T0, login
from tests.factories import make_order


@pytest.fixture
def buyer(personas):
    return personas["buyer"]


@pytest.fixture
def staff(personas):
    return personas["merchant"]


def new_order(personas, state="paid", **kw):
    return make_order(personas["buyer"], state, merchant_staff=personas["merchant"], **kw)


def text(response):
    return response.get_data(as_text=True)


# ---- buyer ----

def test_my_orders_filters_searches_and_pages_by_keyset(client, session, personas):
    orders = [new_order(personas, "paid", now=T0 + dt.timedelta(minutes=i)) for i in range(23)]
    other = new_order(personas, "delivered", now=T0 + dt.timedelta(hours=1))
    login(client, "buyer")
    first = text(client.get("/orders"))
    assert other.number in first and orders[-1].number in first and orders[3].number not in first
    older = client.get("/orders").get_data(as_text=True).split("after=")[1].split('"')[0]
    second = text(client.get(f"/orders?after={older}"))
    assert orders[0].number in second and orders[-1].number not in second
    assert other.number in text(client.get("/orders?state=delivered"))
    assert orders[5].number not in text(client.get("/orders?state=delivered"))
    assert text(client.get(f"/orders?q={orders[5].number}")).count("/orders/KM") == 1
    assert "没有符合条件的订单" in text(client.get("/orders?q=%25%27--"))


def test_the_buyer_sees_the_card_codes_and_support_sees_them_masked(app, client, personas):
    o = new_order(personas, "delivered")
    login(client, "buyer")
    assert "CODE-1234-5678" in text(client.get(f"/orders/{o.number}"))
    support = app.test_client()
    login(support, "support")
    page = text(support.get(f"/orders/{o.number}"))
    assert "CODE-1234-5678" not in page and "5678" in page


def test_another_buyer_or_merchant_cannot_even_see_the_order(app, personas):
    o = new_order(personas, "delivered")
    for username in ("buyer_b", "merchant_b", "arbitrator"):
        c = app.test_client()
        login(c, username)
        assert c.get(f"/orders/{o.number}").status_code == 404
        assert c.post(f"/orders/{o.number}/confirm", data={"goods_checked": "y"}).status_code == 404


def test_the_detail_page_shows_what_runs_and_the_time_left(client, personas):
    o = new_order(personas, "pending_payment")
    login(client, "buyer")
    page = text(client.get(f"/orders/{o.number}"))
    assert "剩余 1 小时 0 分钟" in page
    assert "未付款订单自动关闭" in page


def test_a_paid_order_cancellation_request_through_the_form(client, session, personas):
    o = new_order(personas)
    login(client, "buyer")
    page = text(client.get(f"/orders/{o.number}/cancel"))
    assert "2 小时" in page and "24 小时" in page
    response = client.post(f"/orders/{o.number}/cancel", data={"reason": "duplicate_order"})
    assert response.status_code == 302
    req = session.scalar(sa.select(OrderRequest).where(OrderRequest.order_id == o.id))
    assert (req.kind, req.reason, req.state) == ("cancellation", "duplicate_order", "pending")


@pytest.mark.parametrize("data, message", [
    ({"reason": "other", "reason_text": "不想买了"}, "请从列表中选择原因"),
    ({"reason": "whim"}, "请从列表中选择一个原因"),
    ({}, "请从列表中选择一个原因"),
])
def test_a_vague_or_missing_reason_is_refused_on_the_page(client, session, personas, data, message):
    o = new_order(personas)
    login(client, "buyer")
    response = client.post(f"/orders/{o.number}/cancel", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert session.scalar(sa.select(sa.func.count()).select_from(OrderRequest)
                          .where(OrderRequest.order_id == o.id)) == 0


def test_an_unpaid_order_is_cancelled_at_once_from_the_page(client, session, personas):
    o = new_order(personas, "pending_payment")
    login(client, "buyer")
    assert client.post(f"/orders/{o.number}/cancel", data={"reason": "not_needed"}).status_code == 302
    session.refresh(o)
    assert o.state == OrderState.cancelled


def test_a_completed_order_explains_why_it_cannot_be_cancelled(client, personas):
    o = new_order(personas, "completed")
    login(client, "buyer")
    response = client.get(f"/orders/{o.number}/cancel")
    assert response.status_code == 409
    page = text(response)
    assert "已完成的订单不能取消" in page and f"/orders/{o.number}/after-sales" in page


def test_confirming_receipt_explains_and_needs_the_box_ticked(client, session, personas):
    o = new_order(personas, "delivered")
    login(client, "buyer")
    assert "请先检查商品" in text(client.get(f"/orders/{o.number}/confirm"))
    response = client.post(f"/orders/{o.number}/confirm", data={})
    assert response.status_code == 400
    session.refresh(o)
    assert o.state == OrderState.delivered
    assert client.post(f"/orders/{o.number}/confirm", data={"goods_checked": "y"}).status_code == 302
    session.refresh(o)
    assert o.state == OrderState.completed


def test_after_sales_from_the_page(client, session, personas):
    o = new_order(personas, "delivered")
    login(client, "buyer")
    response = client.post(f"/orders/{o.number}/after-sales", data={"problem": "invalid_code", "description": "短"})
    assert response.status_code == 400
    response = client.post(f"/orders/{o.number}/after-sales",
                           data={"problem": "invalid_code", "description": "兑换时提示卡密已被使用"})
    assert response.status_code == 302
    assert session.scalar(sa.select(OrderRequest.kind).where(OrderRequest.order_id == o.id)) == "after_sales"


# ---- merchant ----

def test_the_merchant_queue_is_sorted_by_deadline_with_the_time_left(client, personas):
    late = new_order(personas)
    early = new_order(personas)
    order_requests.request_cancellation(early, personas["buyer"], reason="wrong_item", now=T0 - dt.timedelta(hours=3))
    order_requests.request_cancellation(late, personas["buyer"], reason="wrong_item")
    login(client, "merchant")
    page = text(client.get("/merchant/requests"))
    assert page.index(early.number) < page.index(late.number)
    assert "剩余 21 小时" in page


def test_the_merchant_rejects_with_a_reason_and_the_buyer_sees_the_case_window(app, client, session, personas):
    o = new_order(personas)
    req = order_requests.request_cancellation(o, personas["buyer"], reason="wrong_item")
    login(client, "merchant")
    response = client.post(f"/merchant/requests/{req.id}", data={"decision": "reject", "text": ""})
    assert response.status_code == 400 and "拒绝需要" in text(response)
    response = client.post(f"/merchant/requests/{req.id}", data={"decision": "reject", "text": "卡密已出库，无法取消"})
    assert response.status_code == 302
    buyer = app.test_client()
    login(buyer, "buyer")
    assert "买家发起争议仲裁的期限" in text(buyer.get(f"/orders/{o.number}"))
    again = client.post(f"/merchant/requests/{req.id}", data={"decision": "approve"})
    assert again.status_code == 409


def test_a_partial_refund_amount_must_fit_what_was_paid(client, session, personas):
    o = new_order(personas, "delivered")
    req = order_requests.request_cancellation(o, personas["buyer"], ground="not_as_described",
                                              description="页面写面值100元，实际到账50元")
    login(client, "merchant")
    for amount in ("1000", "-5", "1.234", "abc"):
        response = client.post(f"/merchant/requests/{req.id}", data={"response": "partial_refund", "amount": amount})
        assert response.status_code == 400, amount
    response = client.post(f"/merchant/requests/{req.id}", data={"response": "partial_refund", "amount": "50.00"})
    assert response.status_code == 302
    session.refresh(req)
    assert req.response_amount_fen == 5_000


def test_another_merchants_request_is_not_found(app, personas):
    o = new_order(personas)
    req = order_requests.request_cancellation(o, personas["buyer"], reason="wrong_item")
    c = app.test_client()
    login(c, "merchant_b")
    assert c.get(f"/merchant/requests/{req.id}").status_code == 404


# ---- support ----

def test_support_unlocks_a_locked_order_after_recording_the_verification(client, session, personas):
    o = new_order(personas, "delivered", locked=True)
    login(client, "support")
    assert o.number in text(client.get("/support/locks"))
    client.post(f"/orders/{o.number}/unlock", data={"method": "id_document", "note": ""})
    session.refresh(o)
    assert o.locked
    client.post(f"/orders/{o.number}/unlock", data={"method": "id_document", "note": "核对身份证与实名信息一致"})
    session.refresh(o)
    assert not o.locked


def test_the_buyer_sees_that_the_order_is_locked_and_what_to_do(client, personas):
    o = new_order(personas, "delivered", locked=True)
    login(client, "buyer")
    page = text(client.get(f"/orders/{o.number}"))
    assert "风控" in page and f"/orders/{o.number}/confirm" not in page


# ---- admin ----

def test_the_admin_edits_a_merchants_policy_and_adds_a_fee_version(client, session, personas):
    merchant_id = personas["merchant"].merchant_id
    login(client, "admin")
    form = {"payment_window_minutes": "30", "review_target_minutes": "60", "review_limit_minutes": "720",
            "after_sales_response_hours": "48", "reissue_verify_hours": "72", "auto_confirm_hours": "72",
            "delivery_promise_hours": "24"}
    bad = client.post(f"/admin/merchants/{merchant_id}", data={**form, "review_target_minutes": "900"})
    assert bad.status_code == 400
    assert client.post(f"/admin/merchants/{merchant_id}", data=form).status_code == 302
    assert session.get(Merchant, merchant_id).review_limit_minutes == 720
    assert client.post(f"/admin/merchants/{merchant_id}/fees",
                       data={"paid_rate": "150", "delivered_rate": "0"}).status_code == 400
    assert client.post(f"/admin/merchants/{merchant_id}/fees",
                       data={"paid_rate": "5", "delivered_rate": "0", "note": "5%"}).status_code == 302
    assert session.scalar(sa.select(FeeSchedule.paid_rate_bp).where(FeeSchedule.merchant_id == merchant_id)) == 500


# ---- bad input found in review ----

@pytest.mark.parametrize("amount", ["Infinity", "1e999999", "sNaN", "NaN", "-0.01", "0"])
def test_absurd_amounts_are_refused_with_a_message_not_a_crash(client, personas, amount):
    o = new_order(personas, "delivered")
    req = order_requests.request_cancellation(o, personas["buyer"], ground="not_as_described",
                                              description="页面写面值100元，实际到账50元")
    login(client, "merchant")
    response = client.post(f"/merchant/requests/{req.id}", data={"response": "partial_refund", "amount": amount})
    assert response.status_code == 400


@pytest.mark.parametrize("rate", ["sNaN", "Infinity", "150", "0.001", "-1"])
def test_absurd_fee_rates_are_refused(client, personas, rate):
    login(client, "admin")
    response = client.post(f"/admin/merchants/{personas['merchant'].merchant_id}/fees",
                           data={"paid_rate": rate, "delivered_rate": "0"})
    assert response.status_code == 400


@pytest.mark.parametrize("path, who", [
    ("/orders?after=1_99999999999999999999999", "buyer"), ("/orders?after=garbage", "buyer"),
    ("/support/locks?after=99999999999999999999_1", "support"),
    ("/merchant/requests?after=1_99999999999999999999999", "merchant"),
    ("/admin/users?after=99999999999999999999999", "admin"),
])
def test_malformed_page_cursors_show_the_first_page(client, personas, path, who):
    login(client, who)
    assert client.get(path).status_code == 200


def test_a_second_cancellation_is_refused_with_the_reason(client, personas):
    o = new_order(personas)
    login(client, "buyer")
    assert client.post(f"/orders/{o.number}/cancel", data={"reason": "wrong_item"}).status_code == 302
    again = client.post(f"/orders/{o.number}/cancel", data={"reason": "not_needed"})
    assert again.status_code == 409 and "已有处理中的申请" in again.get_data(as_text=True)


def test_a_huge_form_post_is_refused_before_it_is_read(client):
    response = client.post("/login", data={"username": "x", "password": "y" * (2 * 1024 * 1024)})
    assert response.status_code == 413


def test_support_sees_the_order_but_not_the_evidence_links(app, client, personas):
    from arbitration.evidence.services import add_file
    from tests.files import png

    o = new_order(personas, "delivered")
    req = order_requests.request_after_sales(o, personas["buyer"], problem="invalid_code",
                                             description="卡密兑换时提示已被使用")
    ev = add_file(personas["buyer"], req, filename="a.png", chunks=[png()], kind="screenshot")
    login(client, "support")
    assert f"/evidence/{ev.id}/download" not in client.get(f"/orders/{o.number}").get_data(as_text=True)
    merchant = app.test_client()
    login(merchant, "merchant")
    assert f"/evidence/{ev.id}/download" in merchant.get(f"/orders/{o.number}").get_data(as_text=True)
