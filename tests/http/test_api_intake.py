"""The platform API's writes: orders and their updates, requests on a buyer's behalf, cases and evidence, each
body checked with every bad field named in Chinese and English; idempotency keys; rate limits."""
from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa

from arbitration.api import services as api
from arbitration.api.models import IdempotencyKey
from arbitration.audit.models import Event
from arbitration.auth.models import User
from arbitration.evidence.models import Evidence
from arbitration.evidence.samples import png
from arbitration.orders.models import Order
from arbitration.orders import requests as order_requests
from arbitration.orders.services import get_order, open_request
from tests.factories import ALL_SCOPES, order_body, validate


def token_for(personas, session, scopes=ALL_SCOPES, **settings):
    client, token = api.create_client(personas["admin"], name="卡盟主站", scopes=list(scopes))
    for name, value in settings.items():
        setattr(client, name, value)
    session.flush()
    return client, {"Authorization": f"Bearer {token}"}


def count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_platform_creates_an_order_and_its_buyer_is_registered_by_the_platforms_id(client, session, personas):
    _c, auth = token_for(personas, session)
    response = client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0001"), headers=auth)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    validate(body, "Order")
    assert body["number"] == "KM-API-0001" and body["state"] == "pending_payment"
    assert body["buyer_external_id"] == "u-10086"
    buyer = session.scalar(sa.select(User).where(User.external_id == "u-10086"))
    assert buyer.role.value == "buyer" and buyer.display_name == "小王"
    # a second order of the same buyer finds the same account
    client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0002"), headers=auth)
    assert session.scalar(sa.select(sa.func.count()).select_from(User).where(User.external_id == "u-10086")) == 1
    created = session.scalar(sa.select(Event).where(Event.action == "order.created").order_by(Event.id.desc()))
    assert '"via_api_client"' in created.data_json          # the log says the platform did it


def test_every_bad_field_is_named_with_a_message_in_chinese_and_english_and_nothing_is_written(
        client, session, personas):
    _c, auth = token_for(personas, session)
    before = count(session, Order)
    bad = order_body(personas, amount_fen=-5, channel="paypal", colour="red")
    del bad["product_name"]
    bad["buyer"] = {"external_id": "u-1"}
    response = client.post("/api/v1/orders", json=bad, headers=auth)
    assert response.status_code == 422
    body = response.get_json()
    validate(body, "Error")
    assert body["error"]["code"] == "validation_failed"
    fields = {f["field"]: f["message"] for f in body["error"]["fields"]}
    assert set(fields) == {"amount_fen", "channel", "colour", "product_name", "buyer.display_name"}
    assert fields["product_name"] == {"zh": "此项必填。", "en": "This field is required."}
    assert "alipay" in fields["channel"]["en"] and "alipay" in fields["channel"]["zh"]
    assert fields["colour"]["zh"] != fields["colour"]["en"]
    assert count(session, Order) == before


def test_a_body_that_is_not_a_json_object_is_refused(client, session, personas):
    _c, auth = token_for(personas, session)
    for kwargs in ({"data": "not json", "content_type": "application/json"}, {"json": [1, 2]},
                   {"data": "a=b", "content_type": "application/x-www-form-urlencoded"}):
        response = client.post("/api/v1/orders", headers=auth, **kwargs)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_json"


def test_text_no_database_can_hold_is_refused_by_field(client, session, personas):
    _c, auth = token_for(personas, session)
    response = client.post("/api/v1/orders", json=order_body(personas, product_name="点券\x00"), headers=auth)
    assert response.status_code == 422
    assert [f["field"] for f in response.get_json()["error"]["fields"]] == ["product_name"]
    assert client.post("/api/v1/orders/KM%00X/payment", json={}, headers=auth).status_code == 404


def test_a_refusal_from_the_rules_says_the_same_as_the_web_in_both_languages(client, session, personas):
    _c, auth = token_for(personas, session)
    client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0003"), headers=auth)
    assert client.post("/api/v1/orders/KM-API-0003/payment", json={}, headers=auth).status_code == 200
    response = client.post("/api/v1/orders/KM-API-0003/cancellation", headers=auth,
                           json={"reason": "other", "reason_text": "不想要了"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_input" and error["fields"][0]["field"] == "reason_text"
    assert "不想要了" in error["message"]["zh"] and "does not say why" in error["message"]["en"]
    assert session.get(Order, session.scalar(sa.select(Order.id).where(Order.number == "KM-API-0003"))
                       ).state.value == "paid"


def test_the_order_goes_through_payment_delivery_and_confirmation(client, session, personas):
    _c, auth = token_for(personas, session)
    client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0004"), headers=auth)
    assert client.post("/api/v1/orders/KM-API-0004/payment", json={}, headers=auth).get_json()["state"] == "paid"
    refused = client.post("/api/v1/orders/KM-API-0004/delivery", json={}, headers=auth)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "invalid_input"
    delivered = client.post("/api/v1/orders/KM-API-0004/delivery", json={"card_codes": ["KM-CODE-1"]}, headers=auth)
    assert delivered.status_code == 200 and delivered.get_json()["state"] == "delivered"
    unchecked = client.post("/api/v1/orders/KM-API-0004/confirmation", json={"goods_checked": False}, headers=auth)
    assert unchecked.status_code == 422 and unchecked.get_json()["error"]["fields"][0]["field"] == "goods_checked"
    done = client.post("/api/v1/orders/KM-API-0004/confirmation", json={"goods_checked": True}, headers=auth)
    assert done.get_json()["state"] == "completed"
    again = client.post("/api/v1/orders/KM-API-0004/payment", json={}, headers=auth)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_a_refund_is_recorded_as_the_payment_channel_reports_it(client, session, personas):
    _c, auth = token_for(personas, session)
    client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0005"), headers=auth)
    client.post("/api/v1/orders/KM-API-0005/payment", json={}, headers=auth)
    filed = client.post("/api/v1/orders/KM-API-0005/cancellation", json={"reason": "wrong_item"}, headers=auth)
    assert filed.status_code == 201
    validate(filed.get_json(), "OrderWithRequest")
    order = session.scalar(sa.select(Order).where(Order.number == "KM-API-0005"))
    order_requests.review_cancellation(order, open_request(order), personas["merchant"], approve=True)
    refund = client.get("/api/v1/orders/KM-API-0005", headers=auth).get_json()["refunds"][0]
    assert refund["state"] == "pending"
    failed = client.post(f"/api/v1/orders/KM-API-0005/refunds/{refund['id']}", json={"outcome": "failed"},
                         headers=auth)
    assert failed.status_code == 422 and failed.get_json()["error"]["fields"][0]["field"] == "reason"
    done = client.post(f"/api/v1/orders/KM-API-0005/refunds/{refund['id']}", json={"outcome": "done"}, headers=auth)
    assert done.status_code == 200 and done.get_json()["state"] == "done"
    validate(done.get_json(), "Refund")
    unknown = client.post("/api/v1/orders/KM-API-0005/refunds/99999", json={"outcome": "done"}, headers=auth)
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "invalid_input"


def test_a_token_without_the_write_scope_changes_nothing(client, session, personas):
    _c, auth = token_for(personas, session, scopes=["orders:read", "cases:read"])
    response = client.post("/api/v1/orders", json=order_body(personas), headers=auth)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert session.scalar(sa.select(User).where(User.external_id == "u-10086")) is None


# ---- idempotency ----

def test_a_repeat_with_the_same_key_and_body_gets_the_first_response_and_creates_nothing(client, session, personas):
    _c, auth = token_for(personas, session)
    headers = {**auth, "Idempotency-Key": "order-KM-API-0100"}
    first = client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0100"), headers=headers)
    # the same JSON with its keys in another order is the same request
    reordered = dict(reversed(list(order_body(personas, number="KM-API-0100").items())))
    second = client.post("/api/v1/orders", json=reordered, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json() and second.headers["Idempotent-Replayed"] == "true"
    assert session.scalar(sa.select(sa.func.count()).select_from(Order).where(Order.number == "KM-API-0100")) == 1


def test_the_same_key_with_another_body_is_refused(client, session, personas):
    _c, auth = token_for(personas, session)
    headers = {**auth, "Idempotency-Key": "k-1"}
    client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0101"), headers=headers)
    other = client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0102"), headers=headers)
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "idempotency_key_reused"
    elsewhere = client.post("/api/v1/orders/KM-API-0101/payment", json={}, headers=headers)
    assert elsewhere.status_code == 409                      # another route is another request too
    assert session.scalar(sa.select(Order.id).where(Order.number == "KM-API-0102")) is None


def test_keys_are_per_client(client, session, personas):
    _a, auth_a = token_for(personas, session)
    _b, auth_b = token_for(personas, session)
    client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0103"),
                headers={**auth_a, "Idempotency-Key": "shared"})
    other = client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0104"),
                        headers={**auth_b, "Idempotency-Key": "shared"})
    assert other.status_code == 201


def test_a_failed_request_keeps_no_key_so_its_corrected_repeat_runs(client, session, personas):
    _c, auth = token_for(personas, session)
    headers = {**auth, "Idempotency-Key": "k-2"}
    bad = client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0105", amount_fen=0),
                      headers=headers)
    assert bad.status_code == 422
    good = client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0105"), headers=headers)
    assert good.status_code == 201


def test_keys_are_kept_24_hours_and_then_forgotten(client, session, personas, frozen_clock):
    _c, auth = token_for(personas, session)
    headers = {**auth, "Idempotency-Key": "k-3"}
    client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0106"), headers=headers)
    frozen_clock.advance(dt.timedelta(hours=23, minutes=59))
    assert client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0106"),
                       headers=headers).headers.get("Idempotent-Replayed") == "true"
    frozen_clock.advance(dt.timedelta(minutes=2))
    anew = client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0106"), headers=headers)
    assert anew.status_code == 409 and anew.get_json()["error"]["code"] == "conflict"   # it ran: the number exists


def test_a_malformed_key_is_refused(client, session, personas):
    _c, auth = token_for(personas, session)
    response = client.post("/api/v1/orders", json=order_body(personas),
                           headers={**auth, "Idempotency-Key": "has space"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "idempotency_key_invalid"
    assert count(session, IdempotencyKey) == 0


# ---- rate limits ----

def test_a_client_over_its_rate_limit_is_told_when_to_come_back(client, session, personas):
    _c, auth = token_for(personas, session, rate_limit_per_minute=3)
    answers = [client.get("/api/v1/orders/KM-NONE-0001", headers=auth) for _ in range(4)]
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert answers[2].headers["X-RateLimit-Remaining"] == "0"
    limited = answers[3]
    assert limited.get_json()["error"]["code"] == "rate_limited" and 1 <= int(limited.headers["Retry-After"]) <= 60
    _other, other_auth = token_for(personas, session)             # another client has its own count
    assert client.get("/api/v1/orders/KM-NONE-0001", headers=other_auth).status_code == 404


# ---- evidence ----

def _case_via_api(client, session, personas, auth, number):
    client.post("/api/v1/orders", json=order_body(personas, number=number), headers=auth)
    client.post(f"/api/v1/orders/{number}/payment", json={}, headers=auth)
    client.post(f"/api/v1/orders/{number}/cancellation", json={"reason": "wrong_item"}, headers=auth)
    order = get_order(number)
    order_requests.review_cancellation(order, open_request(order), personas["merchant"], approve=False,
                                       text="卡密已出库，不能取消")
    opened = client.post("/api/v1/cases", headers=auth, json={
        "order": number, "category": "non_delivery", "remedy": "full_refund",
        "statement": "付款后商家拒绝取消，也一直没有发货。"})
    assert opened.status_code == 201, opened.get_json()
    return opened.get_json()


def test_a_case_opened_through_the_api_is_the_buyers_case(client, session, personas):
    _c, auth = token_for(personas, session)
    case = _case_via_api(client, session, personas, auth, "KM-API-0200")
    validate(case, "Case")
    assert case["state"] == "negotiation" and case["origin"] == "cancellation_rejected"
    again = client.post("/api/v1/cases", headers=auth, json={
        "order": "KM-API-0200", "category": "non_delivery", "remedy": "full_refund", "statement": "再开一次案件试试看"})
    assert again.status_code == 409 and "already open" in again.get_json()["error"]["message"]["en"]


def test_evidence_from_both_parties_is_stored_with_the_same_checks_as_the_web(client, session, personas):
    _c, auth = token_for(personas, session)
    case = _case_via_api(client, session, personas, auth, "KM-API-0201")
    url = f"/api/v1/cases/{case['number']}/evidence"
    image = png()
    buyer = client.post(url, headers=auth, content_type="multipart/form-data", data={
        "party": "buyer", "kind": "screenshot", "description": "付款截图", "file": (io.BytesIO(image), "pay.png")})
    assert buyer.status_code == 201, buyer.get_json()
    validate(buyer.get_json(), "EvidenceAdded")
    merchant = client.post(url, headers=auth, content_type="multipart/form-data", data={
        "party": "merchant", "staff_username": personas["merchant"].username, "kind": "chat_log",
        "file": (io.BytesIO("买家：还没收到卡密\n客服：已经发了".encode()), "chat.txt")})
    assert merchant.status_code == 201, merchant.get_json()
    rows = session.scalars(sa.select(Evidence).where(Evidence.subject_type == "case")).all()
    assert {(r.party, r.mime) for r in rows} == {("buyer", "image/png"), ("merchant", "text/plain")}
    # the content decides, not the name: an HTML page called .png is refused and nothing is kept
    refused = client.post(url, headers=auth, content_type="multipart/form-data", data={
        "party": "buyer", "kind": "screenshot", "file": (io.BytesIO(b"<html><script>x</script></html>"), "a.png")})
    assert refused.status_code == 422 and refused.get_json()["error"]["fields"][0]["field"] == "files"
    stranger = client.post(url, headers=auth, content_type="multipart/form-data", data={
        "party": "merchant", "staff_username": personas["merchant_b"].username, "kind": "screenshot",
        "file": (io.BytesIO(image), "b.png")})
    assert stranger.status_code == 422 and stranger.get_json()["error"]["fields"][0]["field"] == "staff_username"
    not_multipart = client.post(url, headers=auth, json={"party": "buyer"})
    assert not_multipart.status_code == 415
    assert len(session.scalars(sa.select(Evidence).where(Evidence.subject_type == "case")).all()) == 2


def test_a_repeated_upload_under_the_same_key_stores_the_file_once(client, session, personas):
    _c, auth = token_for(personas, session)
    case = _case_via_api(client, session, personas, auth, "KM-API-0202")
    url = f"/api/v1/cases/{case['number']}/evidence"
    headers = {**auth, "Idempotency-Key": "upload-1"}

    def send(content):
        return client.post(url, headers=headers, content_type="multipart/form-data", data={
            "party": "buyer", "kind": "screenshot", "file": (io.BytesIO(content), "pay.png")})

    first, second = send(png()), send(png())
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json() and second.headers["Idempotent-Replayed"] == "true"
    assert send(png(rgb=(0, 0, 0))).status_code == 409                  # another file under the same key
    assert len(session.scalars(sa.select(Evidence).where(Evidence.subject_type == "case")).all()) == 1


def test_requests_on_a_buyers_behalf_cannot_reach_another_order_of_nobody(client, session, personas):
    _c, auth = token_for(personas, session)
    response = client.post("/api/v1/orders/KM-NONE-0002/after-sales", headers=auth,
                           json={"problem": "invalid_code", "description": "卡密提示无效，已截图"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_the_buyers_check_of_a_reissued_code_is_sent_on_their_behalf(client, session, personas):
    _c, auth = token_for(personas, session)
    client.post("/api/v1/orders", json=order_body(personas, number="KM-API-0300"), headers=auth)
    client.post("/api/v1/orders/KM-API-0300/payment", json={}, headers=auth)
    client.post("/api/v1/orders/KM-API-0300/delivery", json={"card_codes": ["OLD-1"]}, headers=auth)
    filed = client.post("/api/v1/orders/KM-API-0300/after-sales", headers=auth,
                        json={"problem": "invalid_code", "description": "卡密提示无效，已截图"}).get_json()
    order = get_order("KM-API-0300")
    req = open_request(order)
    order_requests.respond_after_sales(order, req, personas["merchant"], response="reissue", codes=["NEW-2"])
    url = f"/api/v1/orders/KM-API-0300/after-sales/{filed['request']['id']}/verification"
    vague = client.post(url, json={"works": False}, headers=auth)
    assert vague.status_code == 422 and vague.get_json()["error"]["code"] == "invalid_input"
    failed = client.post(url, json={"works": False, "note": "补发的卡密也提示已被使用"}, headers=auth)
    assert failed.status_code == 200, failed.get_json()
    validate(failed.get_json(), "OrderWithRequest")
    assert failed.get_json()["request"]["state"] == "failed"
    assert client.post(url, json={"works": True}, headers=auth).status_code == 409
    assert client.post("/api/v1/orders/KM-API-0300/after-sales/999999/verification", json={"works": True},
                       headers=auth).status_code == 404
