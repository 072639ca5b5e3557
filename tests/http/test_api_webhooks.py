"""Webhooks both ways, over real HTTP on 127.0.0.1: our signed deliveries from the outbox (retried with backoff,
given up, replayed by an admin), the platform's signed webhooks to us (bad signatures, stale timestamps and
replayed events refused), and the contract test that drives the API from an order to a ruling."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa

from arbitration import clock
from arbitration.api import services as api
from arbitration.api import signing, webhooks
from arbitration.api.models import WebhookAttempt, WebhookDelivery
from arbitration.cases import services as cases
from arbitration.evidence.samples import png
from arbitration.orders import requests as order_requests
from arbitration.orders.models import Order
from arbitration.orders.services import get_order, open_request
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy
from tests.conftest import login
from tests.factories import ALL_SCOPES, make_case, order_body, validate
from tests.webhook_receiver import Receiver


@pytest.fixture(autouse=True)
def local_receivers(config):
    """The receiver listens on 127.0.0.1 over plain http: allowed here, as in development, never by default."""
    config.update(WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_ALLOW_HTTP=True)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def subscribed(personas, session, url, scopes=ALL_SCOPES, events=tuple(webhooks.EVENT_TYPES)):
    client, token = api.create_client(personas["admin"], name="卡盟主站", scopes=list(scopes))
    api.set_webhooks(personas["admin"], client, url=url, events=list(events), rate_limit=None)
    session.flush()
    return client, {"Authorization": f"Bearer {token}"}


def test_the_platform_drives_a_dispute_from_order_to_ruling_and_hears_of_each_step(
        client, session, personas, receiver):
    platform, auth = subscribed(personas, session, receiver.url)
    number = "KM-CONTRACT-0001"
    assert client.post("/api/v1/orders", json=order_body(personas, number=number), headers=auth).status_code == 201
    assert client.post(f"/api/v1/orders/{number}/payment", json={}, headers=auth).status_code == 200
    filed = client.post(f"/api/v1/orders/{number}/cancellation", json={"reason": "wrong_item"},
                        headers={**auth, "Idempotency-Key": "cancel-1"})
    assert filed.status_code == 201 and filed.get_json()["request"]["state"] == "pending"
    # the merchant rejects the cancellation on our site
    merchant = personas["merchant"]
    order = get_order(number)
    order_requests.review_cancellation(order, open_request(order), merchant, approve=False, text="卡密已出库，不能取消")
    opened = client.post("/api/v1/cases", headers={**auth, "Idempotency-Key": "case-1"}, json={
        "order": number, "category": "non_delivery", "remedy": "full_refund",
        "statement": "付款后商家拒绝取消，也一直没有发货。"})
    assert opened.status_code == 201
    case_number = opened.get_json()["number"]
    first = receiver.events(platform.signing_secret)
    assert [(e["type"], e["data"].get("party")) for e in first] == [("case.opened", None),
                                                                    ("case.your_turn", "merchant")]
    assert first[0]["data"]["case"] == case_number and first[0]["data"]["order"] == number
    case = cases.get_case(case_number)
    cases.refuse_claim(case, merchant, reason="卡密已发出，买家已使用")
    # evidence from both sides through the API
    for data in ({"party": "buyer", "kind": "payment_record", "file": (io.BytesIO(png()), "pay.png")},
                 {"party": "merchant", "staff_username": merchant.username, "kind": "chat_log",
                  "file": (io.BytesIO("客服：卡密已发送".encode()), "chat.txt")}):
        added = client.post(f"/api/v1/cases/{case_number}/evidence", headers=auth, data=data,
                            content_type="multipart/form-data")
        assert added.status_code == 201, added.get_json()
    cases.no_more_evidence(case, case.order.buyer)
    cases.no_more_evidence(case, merchant)
    ruling = rulings.issue_ruling(case, personas["arbitrator"], decision="upheld", facts_found="买家付款后商家未发货。",
                                  reasoning="商家收取预付款后未按约定提供商品，应当退回预付款。",
                                  remedies=[Remedy("full_refund")], citations=["CRPL-53"])
    webhooks.send_due()                           # the outbox, committed with the changes, is sent
    kinds = [(e["type"], e["data"].get("party")) for e in receiver.events(platform.signing_secret)]
    assert ("case.your_turn", "both") in kinds                          # evidence: both parties
    issued = [e for e in receiver.events(platform.signing_secret) if e["type"] == "ruling.issued"]
    assert len(issued) == 1 and issued[0]["data"]["ruling"] == ruling.number
    assert issued[0]["data"]["decision"] == "upheld" and issued[0]["data"]["state"] == "reconsideration_window"
    for event in receiver.events(platform.signing_secret):
        validate(event, "Webhook")
    read = client.get(f"/api/v1/cases/{case_number}", headers=auth).get_json()
    assert read["rulings"][0]["number"] == ruling.number
    assert session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery).where(
        WebhookDelivery.state != "delivered")) == 0


def test_a_client_hears_only_the_events_it_subscribed_to(client, session, personas, receiver):
    platform, auth = subscribed(personas, session, receiver.url, events=["ruling.issued"])
    make_case()
    webhooks.send_due()
    assert receiver.received == []
    assert session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery)) == 0


def test_a_failed_delivery_is_retried_with_backoff_then_given_up_and_an_admin_can_replay_it(
        client, session, personas, receiver, config):
    config["WEBHOOK_MAX_ATTEMPTS"] = 2
    platform, _auth = subscribed(personas, session, receiver.url, events=["case.opened"])
    receiver.statuses = [500, 503]
    make_case()
    webhooks.send_due()        # commits: the delivery queued after commit is attempted at once
    delivery = session.scalar(sa.select(WebhookDelivery))
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at == clock.now_utc() + dt.timedelta(minutes=1)
    assert webhooks.send_due() == 0                              # not due yet
    clock.advance(dt.timedelta(minutes=1))
    assert webhooks.send_due() == 1
    session.refresh(delivery)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("dead", 2, 503)
    # the same event, the same id and body, every time
    assert len({r["body"] for r in receiver.received}) == 1
    login(client, "admin")
    page = client.get(f"/admin/api-clients/{platform.id}")
    assert page.status_code == 200 and "HTTP 503" in page.get_data(as_text=True)
    replayed = client.post(f"/admin/api-clients/{platform.id}/deliveries/{delivery.id}/replay")
    assert replayed.status_code == 302
    session.refresh(delivery)
    assert delivery.state == "delivered" and len(receiver.received) == 3
    attempts = session.scalars(sa.select(WebhookAttempt).order_by(WebhookAttempt.id)).all()
    assert [a.status for a in attempts] == [500, 503, 200] and attempts[-1].replay_by_id == personas["admin"].id


def test_an_unreachable_receiver_is_logged_and_retried(session, personas, receiver):
    platform, _auth = subscribed(personas, session, receiver.url, events=["case.opened"])
    receiver.close()
    make_case()
    webhooks.send_due()
    delivery = session.scalar(sa.select(WebhookDelivery))
    assert delivery.state == "pending" and delivery.last_status is None and delivery.last_error
    assert session.scalar(sa.select(WebhookAttempt)).status is None


def test_an_action_that_fails_announces_nothing(client, session, personas, receiver):
    _platform, auth = subscribed(personas, session, receiver.url)
    response = client.post("/api/v1/cases", headers=auth, json={
        "order": "KM-NONE-0009", "category": "non_delivery", "remedy": "full_refund", "statement": "没有这个订单的案件"})
    assert response.status_code == 404
    assert session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery)) == 0


# ---- the platform's webhooks to us ----

def _signed(secret, body: dict, at: int | None = None) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    at = int(clock.now_utc().timestamp()) if at is None else at
    return raw, {**signing.headers(secret, at, raw), "Content-Type": "application/json"}


def _inbound_client(personas, session, scopes=ALL_SCOPES):
    platform, token = api.create_client(personas["admin"], name="卡盟主站", scopes=list(scopes))
    session.flush()
    return platform, {"Authorization": f"Bearer {token}"}


def test_a_signed_event_from_the_platform_updates_the_order_once(client, session, personas):
    platform, auth = _inbound_client(personas, session)
    client.post("/api/v1/orders", json=order_body(personas, number="KM-IN-0001"), headers=auth)
    raw, headers = _signed(platform.signing_secret, {"id": "pay-1", "type": "order.paid",
                                                     "data": {"number": "KM-IN-0001"}})
    response = client.post("/api/v1/webhooks/platform", data=raw, headers={**auth, **headers})
    assert response.status_code == 200, response.get_json()
    validate(response.get_json(), "InboundResult")
    assert response.get_json()["result"]["state"] == "paid"
    again = client.post("/api/v1/webhooks/platform", data=raw, headers={**auth, **headers})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "replayed_event"


def test_a_bad_signature_or_a_stale_timestamp_is_refused_and_changes_nothing(client, session, personas):
    platform, auth = _inbound_client(personas, session)
    client.post("/api/v1/orders", json=order_body(personas, number="KM-IN-0002"), headers=auth)
    event = {"id": "pay-2", "type": "order.paid", "data": {"number": "KM-IN-0002"}}
    raw, headers = _signed("whsec_not-the-secret", event)
    assert client.post("/api/v1/webhooks/platform", data=raw, headers={**auth, **headers}
                       ).get_json()["error"]["code"] == "bad_signature"
    raw, headers = _signed(platform.signing_secret, event)
    tampered = raw.replace(b"KM-IN-0002", b"KM-IN-0003")
    assert client.post("/api/v1/webhooks/platform", data=tampered, headers={**auth, **headers}
                       ).status_code == 401
    stale_at = int(clock.now_utc().timestamp()) - 301
    raw, headers = _signed(platform.signing_secret, event, at=stale_at)
    stale = client.post("/api/v1/webhooks/platform", data=raw, headers={**auth, **headers})
    assert stale.status_code == 401 and stale.get_json()["error"]["code"] == "stale_timestamp"
    unsigned = client.post("/api/v1/webhooks/platform", json=event, headers=auth)
    assert unsigned.status_code == 401
    no_token = client.post("/api/v1/webhooks/platform", data=raw, headers=headers)
    assert no_token.status_code == 401 and no_token.get_json()["error"]["code"] == "unauthorized"
    assert session.scalar(sa.select(Order).where(Order.number == "KM-IN-0002")).state.value == "pending_payment"
    # the stale event's id was not spent: signed afresh, it is accepted
    raw, headers = _signed(platform.signing_secret, event)
    assert client.post("/api/v1/webhooks/platform", data=raw, headers={**auth, **headers}).status_code == 200


def test_an_inbound_event_is_checked_like_the_endpoint_it_stands_for(client, session, personas):
    platform, auth = _inbound_client(personas, session)
    raw, headers = _signed(platform.signing_secret, {"id": "new-1", "type": "order.created",
                                                     "data": {"merchant_id": 1}})
    response = client.post("/api/v1/webhooks/platform", data=raw, headers={**auth, **headers})
    assert response.status_code == 422
    assert "data.buyer" in {f["field"] for f in response.get_json()["error"]["fields"]}
    reader, read_auth = _inbound_client(personas, session, scopes=["orders:read"])
    raw, headers = _signed(reader.signing_secret, {"id": "pay-3", "type": "order.paid", "data": {"number": "KM-X-1"}})
    assert client.post("/api/v1/webhooks/platform", data=raw, headers={**read_auth, **headers}).status_code == 403


def test_operators_create_clients_send_due_webhooks_and_purge_old_keys_from_the_command_line(
        app, session, personas, receiver):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["api", "create-client", "--name", "主站", "--scope", "orders:write"])
    assert created.exit_code == 0 and "kmapi_" in created.output and "whsec_" in created.output
    bad = runner.invoke(args=["api", "create-client", "--name", "主站", "--scope", "everything"])
    assert bad.exit_code != 0 and "权限范围" in bad.output
    platform, auth = subscribed(personas, session, receiver.url, events=["case.opened"])
    make_case()
    sent = runner.invoke(args=["api", "send-webhooks"])
    assert sent.exit_code == 0 and "deliveries attempted" in sent.output
    assert len(receiver.events(platform.signing_secret)) == 1
    from arbitration.api import idempotency

    idempotency.reserve(platform.id, "old-key")
    clock.advance(dt.timedelta(hours=25))
    purged = runner.invoke(args=["api", "purge-keys"])
    assert purged.exit_code == 0 and purged.output.startswith("1 ")


def test_remedies_due_and_the_closing_of_the_case_are_announced(session, personas, receiver):
    platform, _auth = subscribed(personas, session, receiver.url, events=["remedy.due", "case.closed"])
    from arbitration.cases.enforcement import complete_task, tasks_of

    case = make_case()
    cases.accept_claim(case, personas["merchant"])               # the merchant accepts: enforcement
    webhooks.send_due()
    due = receiver.events(platform.signing_secret)
    assert [e["type"] for e in due] == ["remedy.due"]
    assert due[0]["data"]["tasks"][0]["remedy"] == "full_refund" and due[0]["data"]["state"] == "enforcement"
    for task in tasks_of(case):
        complete_task(case, task, personas["merchant"], note="已原路退款")
    webhooks.send_due()
    closed = receiver.events(platform.signing_secret)[-1]
    assert closed["type"] == "case.closed" and closed["data"]["state"] == "closed"
