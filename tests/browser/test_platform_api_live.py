"""The platform API against the live server (`flask serve`: waitress, the embedded job queue), over real HTTP, no
browser: an operator makes a client from the command line; the platform sends an order through payment,
delivery and an after-sales request the merchant leaves unanswered, opens a case, and the merchant stays silent;
the platform's webhook receiver on 127.0.0.1 hears each step from the queue's consumer, signed; the default
ruling's PDF is then downloaded through the API."""
from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request

from tests.browser.conftest import FLASK, ROOT, _environment
from tests.webhook_receiver import Receiver

WAIT = 60      # seconds for the queue's consumer to deliver a webhook or render a PDF


def wait_for(receiver: Receiver, kind: str, case: str, secret: str, server_now: int) -> dict:
    """The event, once received; its signature verified against the server's clock."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for record in list(receiver.received):
            event = json.loads(record["body"])
            if event["type"] == kind and event["data"].get("case") == case:
                return receiver.verified(record, secret, server_now, window=600)
        time.sleep(0.2)
    raise AssertionError(f"no {kind} for {case} within {WAIT} s; received {receiver.received}")


def server_clock(server) -> int:
    """The server's clock (the journeys before this test may have moved it), in Unix seconds."""
    return int(dt.datetime.fromisoformat(server.post("/__testing__/clock/advance?hours=0")["now"]).timestamp())


def call(server, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict | bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{server.url}/api/v1{path}", data=data, method=method, headers={
        "Authorization": f"Bearer {token}", **({"Content-Type": "application/json"} if data is not None else {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if response.headers.get_content_type() == "application/json" \
                else raw
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_the_platform_hears_a_dispute_it_started_through_the_api_from_the_live_servers_queue(server):
    import subprocess

    receiver = Receiver()
    url = receiver.url
    env = _environment(server.log.parent.as_posix())
    made = subprocess.run([*FLASK, "api", "create-client", "--name", "卡盟主站", "--webhook-url", url,
                           *[a for s in ("orders:read", "orders:write", "cases:read", "cases:write", "rulings:read")
                             for a in ("--scope", s)],
                           *[a for e in ("case.opened", "case.deadline_missed", "ruling.issued")
                             for a in ("--event", e)]],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    token = made.stdout.split(": ")[1].split()[0]
    secret = made.stdout.strip().splitlines()[-1].split(": ")[1]
    try:
        number = "KM-LIVE-0001"
        status, order = call(server, token, "POST", "/orders", {
            "number": number, "buyer": {"external_id": "live-buyer-1", "display_name": "小李"},
            "merchant_id": int(server.orders["api_merchant_id"]), "product_type": "game_card",
            "product_name": "网易一卡通 50元", "face_value_fen": 5_000, "amount_fen": 5_000, "channel": "wechat"})
        assert status == 201, order
        assert call(server, token, "POST", f"/orders/{number}/payment", {})[0] == 200
        assert call(server, token, "POST", f"/orders/{number}/delivery", {"card_codes": ["WY-50-0001"]})[0] == 200
        status, filed = call(server, token, "POST", f"/orders/{number}/after-sales",
                             {"problem": "invalid_code", "description": "卡密提示已被使用，无法充值"})
        assert status == 201, filed
        server.post("/__testing__/clock/advance?hours=49")          # the merchant does not answer in 48 h
        server.post("/__testing__/sweep")
        status, case = call(server, token, "POST", "/cases", {
            "order": number, "category": "invalid_code", "remedy": "full_refund",
            "statement": "卡密无效，商家48小时内没有处理售后。"})
        assert status == 201, case
        assert case["origin"] == "merchant_timeout"
        opened = wait_for(receiver, "case.opened", case["number"], secret, server_clock(server))
        assert opened["data"]["order"] == number
        server.post("/__testing__/clock/advance?hours=49")          # silent in the case too: a default ruling
        server.post("/__testing__/sweep")
        later = server_clock(server)
        missed = wait_for(receiver, "case.deadline_missed", case["number"], secret, later)
        assert missed["data"]["stage"] == "negotiation"
        issued = wait_for(receiver, "ruling.issued", case["number"], secret, later)
        assert issued["data"]["kind"] == "default" and issued["data"]["decision"] == "upheld"
        ruling = issued["data"]["ruling"]
        deadline = time.monotonic() + WAIT
        while True:
            status, pdf = call(server, token, "GET", f"/cases/{case['number']}/rulings/{ruling}/pdf")
            if status != 409 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert status == 200 and pdf[:5] == b"%PDF-", server.log_tail()
    finally:
        receiver.close()
