"""Admins and the API clients' pages: webhook address, events and rate limit (bad input changes nothing), a new
signing secret shown once, and the rate counts shared through Redis by every app process."""
from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from arbitration.api import netguard, ratelimit
from arbitration.api import services as api
from arbitration.audit.models import Event
from tests.conftest import login, redis_up


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """km.example.com resolves to a public address (the tests need no real DNS)."""
    monkeypatch.setattr(netguard, "lookup", lambda host, port: [netguard.ipaddress.ip_address("93.184.215.14")])


@pytest.fixture
def platform(session, personas):
    client, _token = api.create_client(personas["admin"], name="卡盟主站", scopes=["cases:read"])
    session.flush()
    return client


def test_an_admin_sets_the_webhook_address_events_and_rate_limit(client, session, personas, platform):
    login(client, "admin")
    response = client.post(f"/admin/api-clients/{platform.id}", data={
        "webhook_url": "https://km.example.com/hooks", "events": ["case.opened", "ruling.issued"],
        "rate_limit": "120"})
    assert response.status_code == 302
    session.refresh(platform)
    assert platform.webhook_url == "https://km.example.com/hooks" and platform.rate_limit_per_minute == 120
    assert platform.webhook_events == ["case.opened", "ruling.issued"]
    page = client.get(f"/admin/api-clients/{platform.id}").get_data(as_text=True)
    assert "https://km.example.com/hooks" in page and platform.signing_secret not in page   # the secret: once only


@pytest.mark.parametrize(("data", "message"), [
    ({"webhook_url": "ftp://km.example.com", "events": ["case.opened"]}, "https://"),
    ({"webhook_url": "https://km.example.com/hooks", "events": ["case.exploded"]}, "请从列表中选择事件"),
    ({"webhook_url": "https://km.example.com/hooks"}, "请至少选择一个"),
    ({"webhook_url": "", "rate_limit": "0"}, "频率限制"),
])
def test_bad_webhook_settings_are_refused_with_a_message_and_change_nothing(
        client, session, personas, platform, data, message):
    login(client, "admin")
    response = client.post(f"/admin/api-clients/{platform.id}", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    session.refresh(platform)
    assert platform.webhook_url is None and platform.webhook_events == [] and platform.rate_limit_per_minute is None


def test_a_new_signing_secret_is_shown_once_and_replaces_the_old(client, session, personas, platform):
    old = platform.signing_secret
    login(client, "admin")
    response = client.post(f"/admin/api-clients/{platform.id}/rotate-secret")
    session.refresh(platform)
    assert platform.signing_secret != old and platform.signing_secret in response.get_data(as_text=True)
    assert platform.signing_secret not in client.get(f"/admin/api-clients/{platform.id}").get_data(as_text=True)
    logged = session.scalar(sa.select(Event).where(Event.action == "api_client.secret_rotated"))
    assert logged is not None and platform.signing_secret not in logged.data_json and json.loads(logged.data_json) == {}


def test_a_delivery_of_another_client_cannot_be_replayed_through_this_one(client, session, personas, platform):
    from arbitration.api.webhooks import enqueue
    from arbitration import clock

    other, _t = api.create_client(personas["admin"], name="另一个站", scopes=["cases:read"])
    delivery = enqueue(other, "case.opened", {"case": "ARB-2026-000001"}, clock.now_utc())
    login(client, "admin")
    assert client.post(f"/admin/api-clients/{platform.id}/deliveries/{delivery.id}/replay").status_code == 404


@pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_rate_counts_in_redis_are_shared_by_every_app_process(app):
    import redis

    url = "redis://127.0.0.1:6379/2"
    one, two = ratelimit._Redis(url), ratelimit._Redis(url)       # as in two processes
    key = f"km:rate:test-{uuid.uuid4().hex}:0"
    assert [one.incr(key, 0), two.incr(key, 0), one.incr(key, 0)] == [1, 2, 3]
    assert 0 < redis.Redis.from_url(url).ttl(key) <= 120
