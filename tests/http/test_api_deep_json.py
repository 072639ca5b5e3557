"""JSON nested past any body the API takes is refused as `invalid_json` (400), wherever the API reads JSON: a
60,000-deep array once made the parser raise RecursionError and the API answer 500."""
from __future__ import annotations

import json

import pytest

from arbitration import clock
from arbitration.api import services as api
from arbitration.api import signing

DEEP = b"[" * 60_000 + b"]" * 60_000                      # 120 KB, under the body limit
NESTED_40 = json.dumps(json.loads("[" * 40 + "]" * 40)).encode()   # parses, but deeper than any real body


@pytest.fixture
def platform(session, personas):
    client, token = api.create_client(personas["admin"], name="卡盟主站", scopes=["orders:write"])
    session.flush()
    return client, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


@pytest.mark.parametrize("body", [
    DEEP,
    b'{"number": "KM-DEEP-1", "buyer": ' + DEEP + b"}",
    b'{"number": "KM-DEEP-2", "buyer": ' + NESTED_40 + b"}",
    b'{"a": ' * 40 + b"1" + b"}" * 40,
], ids=["array-60000", "field-60000", "field-40", "objects-40"])
@pytest.mark.parametrize("path", ["/api/v1/orders", "/api/v1/orders/KM-DEEP-1/payment",
                                  "/api/v1/orders/KM-DEEP-1/cancellation"])
def test_deeply_nested_json_is_refused_as_invalid_json(client, platform, body, path):
    _client, headers = platform
    response = client.post(path, data=body, headers=headers)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_a_deeply_nested_signed_event_from_the_platform_is_refused_as_invalid_json(client, platform):
    inbound, headers = platform
    for body in (DEEP, b'{"id": "deep-1", "type": "order.paid", "data": ' + NESTED_40 + b"}"):
        signed = signing.headers(inbound.signing_secret, int(clock.now_utc().timestamp()), body)
        response = client.post("/api/v1/webhooks/platform", data=body, headers={**headers, **signed})
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_json"


def test_a_body_of_ordinary_depth_is_still_read(client, platform):
    _client, headers = platform
    body = {"number": "KM-DEEP-3", "buyer": {"external_id": "u-1", "display_name": "小王"}, "merchant_id": 1}
    response = client.post("/api/v1/orders", data=json.dumps(body), headers=headers)
    assert response.status_code == 422          # read, then checked field by field (fields are missing)
