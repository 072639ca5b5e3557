"""Where webhooks may go, end to end: an internal address is refused when saved (the message next to the field,
what was typed kept, nothing saved); a receiver's redirect is a failed attempt whose target is never asked; a name
that leads inside by the time of sending is not connected to (DNS rebinding); and the admin page shows a failed
attempt's class, never the text of the error."""
from __future__ import annotations

import html
import ipaddress
import socket

import pytest
import sqlalchemy as sa

from arbitration import clock
from arbitration.api import netguard, webhooks
from arbitration.api import services as api
from arbitration.api.models import WebhookAttempt, WebhookDelivery
from arbitration.audit.models import Event
from tests.conftest import login
from tests.webhook_receiver import Receiver

PUBLIC = "93.184.215.14"


@pytest.fixture
def dns(monkeypatch):
    """The resolver the webhooks see: a table the test may change between saving and sending."""
    table: dict[str, str] = {}

    def lookup(host, port):
        if host not in table:
            raise netguard.Refused("host_not_found", host)
        return [ipaddress.ip_address(table[host])]
    monkeypatch.setattr(netguard, "lookup", lookup)
    return table


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def local_receivers(config):
    """Receivers on 127.0.0.1 over plain http, as in development: never allowed by default."""
    config.update(WEBHOOK_ALLOW_PRIVATE=True, WEBHOOK_ALLOW_HTTP=True)


@pytest.fixture
def platform(session, personas):
    client, _token = api.create_client(personas["admin"], name="卡盟主站", scopes=["cases:read"])
    session.flush()
    return client


def subscribe(personas, session, platform, url):
    api.set_webhooks(personas["admin"], platform, url=url, events=["case.opened"], rate_limit=None)
    session.flush()


def announce(session, platform) -> WebhookDelivery:
    """One delivery, attempted once (after commit, as in production)."""
    webhooks.enqueue(platform, "case.opened", {"case": "KM-POLICY-1"}, clock.now_utc())
    webhooks.send_due()
    return session.scalar(sa.select(WebhookDelivery).where(WebhookDelivery.client_id == platform.id)
                          .execution_options(populate_existing=True))


def attempts(session, delivery) -> list[WebhookAttempt]:
    return list(session.scalars(sa.select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery.id)
                                .order_by(WebhookAttempt.id)))


# ---- when the address is saved ----

@pytest.mark.parametrize(("url", "message"), [
    ("http://hooks.platform.example/km", "请以 https:// 网址的形式填写 Webhook 地址"),
    ("http://localhost:8080/hooks", "请以 https:// 网址的形式填写 Webhook 地址"),
    ("https://localhost:8080/hooks", "localhost 指向本机回环地址"),
    ("https://127.0.0.1:5000/hooks", "127.0.0.1 指向本机回环地址"),
    ("https://[::1]/hooks", "指向本机回环地址"),
    ("https://2130706433/hooks", "指向本机回环地址"),
    ("https://0x7f.1/hooks", "指向本机回环地址"),
    ("https://192.168.1.10/hooks", "指向内网地址"),
    ("https://169.254.169.254/latest/meta-data/", "指向云服务器元数据服务"),
    ("https://intranet.platform.example/hooks", "intranet.platform.example 指向内网地址"),
    ("https://nowhere.platform.example/hooks", "找不到名为 nowhere.platform.example 的主机"),
])
def test_an_internal_webhook_address_is_refused_next_to_the_field_kept_as_typed_and_not_saved(
        client, session, personas, platform, dns, url, message):
    dns.update({"hooks.platform.example": PUBLIC, "intranet.platform.example": "10.1.2.3"})
    login(client, "admin")
    response = client.post(f"/admin/api-clients/{platform.id}", data={"webhook_url": url, "events": ["case.opened"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    field = page[page.index('name="webhook_url"'):]
    assert f'value="{html.escape(url)}"' in field[:field.index(">")]          # what was typed is kept
    assert message in field[:field.index("</div>")]                          # the message, next to the field
    session.refresh(platform)
    assert platform.webhook_url is None and platform.webhook_events == []
    assert session.scalar(sa.select(Event).where(Event.action == "api_client.webhooks_set")) is None


def test_the_refusal_is_in_the_admins_language(client, session, personas, platform):
    login(client, "admin")
    client.post("/language", data={"lang": "en"})
    response = client.post(f"/admin/api-clients/{platform.id}",
                           data={"webhook_url": "https://[::ffff:10.0.0.1]/hooks", "events": ["case.opened"]})
    assert response.status_code == 400
    assert "::ffff:10.0.0.1 leads to a private network address" in response.get_data(as_text=True)


def test_a_public_https_address_is_saved(client, session, personas, platform, dns):
    dns["hooks.platform.example"] = PUBLIC
    login(client, "admin")
    response = client.post(f"/admin/api-clients/{platform.id}", data={
        "webhook_url": "https://hooks.platform.example/km", "events": ["case.opened"]})
    assert response.status_code == 302
    session.refresh(platform)
    assert platform.webhook_url == "https://hooks.platform.example/km"


# ---- when it is sent ----

@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failed_attempt_and_its_target_is_never_asked(
        session, personas, platform, receiver, local_receivers, status):
    target = Receiver()
    try:
        subscribe(personas, session, platform, receiver.url)
        receiver.statuses = [(status, {"Location": target.url + "/elsewhere"})]
        delivery = announce(session, platform)
        assert target.received == [] and len(receiver.received) == 1
        assert (delivery.state, delivery.attempts, delivery.delivered_at) == ("pending", 1, None)
        [attempt] = attempts(session, delivery)
        assert (attempt.status, attempt.error) == (status, "redirect refused")
    finally:
        target.close()


def test_a_name_that_leads_inside_when_the_webhook_is_sent_is_not_connected_to(
        session, personas, platform, receiver, dns, config):
    """DNS rebinding: public when saved, 127.0.0.1 (where a receiver listens) when sent."""
    config["WEBHOOK_ALLOW_HTTP"] = True
    dns["hooks.platform.example"] = PUBLIC
    subscribe(personas, session, platform, f"http://hooks.platform.example:{receiver.port}/hooks")
    dns["hooks.platform.example"] = "127.0.0.1"
    delivery = announce(session, platform)
    assert receiver.received == []
    assert (delivery.state, delivery.last_status, delivery.last_error) == ("pending", None, "address not allowed")
    # the same answer with internal addresses allowed does reach the receiver: it was the check that stopped it,
    # and the connection to the checked address still names the host
    config["WEBHOOK_ALLOW_PRIVATE"] = True
    webhooks.attempt(delivery.id, replay_by_id=personas["admin"].id)
    assert [r["headers"]["host"] for r in receiver.received] == [f"hooks.platform.example:{receiver.port}"]
    session.refresh(delivery)
    assert delivery.state == "delivered"


def test_an_internal_address_saved_before_the_policy_is_not_sent_to(session, personas, platform, receiver):
    platform.webhook_url, platform.webhook_events_json = receiver.url, '["case.opened"]'
    session.flush()
    delivery = announce(session, platform)
    assert receiver.received == [] and delivery.last_error == "HTTPS required"


def _silent_listener():
    """A socket that accepts connections (the kernel's backlog) and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    return sock


@pytest.mark.parametrize(("make_url", "failure", "shown"), [
    (lambda r: r.url, "HTTP 500", "HTTP 500"),
    (lambda r: r.url.replace("/hooks", "/gone"), "connection refused", "连接被拒绝"),
    (lambda r: r.url.replace("http://", "https://"), "TLS error", "TLS 错误"),
    (None, "timed out", "超时"),
], ids=["http-500", "refused", "tls", "timeout"])
def test_the_admin_page_shows_what_class_of_failure_an_attempt_met_never_the_errors_text(
        client, session, personas, platform, receiver, local_receivers, config, make_url, failure, shown):
    listener = None
    if make_url is None:
        config["WEBHOOK_TIMEOUT_SECONDS"] = 1
        listener = _silent_listener()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    else:
        url = make_url(receiver)
    try:
        subscribe(personas, session, platform, url)
        receiver.statuses = [500]
        if failure == "connection refused":
            receiver.close()
        delivery = announce(session, platform)
    finally:
        if listener is not None:
            listener.close()
    [attempt] = attempts(session, delivery)
    assert attempt.error == failure and delivery.last_error == failure
    login(client, "admin")
    page = client.get(f"/admin/api-clients/{platform.id}").get_data(as_text=True)
    assert shown in page
    for leak in ("Errno", "errno", "refused", "Connection", "SSL", "timed out", "Traceback"):
        assert leak not in page


def test_an_attempt_recorded_with_an_errors_text_before_the_classes_is_shown_without_it(
        client, session, personas, platform, dns):
    dns["hooks.platform.example"] = PUBLIC
    subscribe(personas, session, platform, "https://hooks.platform.example/km")
    delivery = webhooks.enqueue(platform, "case.opened", {"case": "KM-POLICY-2"}, clock.now_utc())
    session.add(WebhookAttempt(delivery_id=delivery.id, at=clock.now_utc(), status=None, duration_ms=0,
                               error="[Errno 111] Connection refused"))
    session.flush()
    login(client, "admin")
    page = client.get(f"/admin/api-clients/{platform.id}").get_data(as_text=True)
    assert "连接失败" in page and "Errno" not in page and "Connection refused" not in page
