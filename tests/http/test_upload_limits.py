"""Issue 16 item 9: an empty file is told it is empty; a body announced larger than an upload may be is refused (413)
before a byte of it is read, on the web form and in the API; `flask serve` bounds request bodies too."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
import waitress

import arbitration
from arbitration.api import services as api
from arbitration.audit.services import events_of
from arbitration.evidence import services as evidence
from arbitration.evidence.models import Evidence
from arbitration.jobs import queue
from arbitration.orders import requests as order_requests
from tests.conftest import login
from tests.factories import ALL_SCOPES, make_case, make_order, upload

MB = 1024 * 1024


@pytest.fixture
def request_(session, personas):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    return order_requests.request_after_sales(order, personas["buyer"], problem="invalid_code",
                                              description="卡密兑换时提示已被使用")


def rows(session, order_id):
    return session.scalars(sa.select(Evidence).where(Evidence.order_id == order_id)).all()


def test_an_empty_file_is_told_it_is_empty_not_that_its_type_is_refused(client, session, request_):
    login(client, "buyer")
    assert upload(client, request_, ("空.png", b"")).status_code == 303
    page = client.get(f"/orders/{request_.order.number}").get_data(as_text=True)
    assert "文件为空" in page and "不接受此类文件" not in page
    assert rows(session, request_.order_id) == []
    client.post("/language", data={"lang": "en"})          # in the user's language
    upload(client, request_, ("empty.png", b""))
    page = client.get(f"/orders/{request_.order.number}").get_data(as_text=True)
    assert "The file is empty." in page and "not accepted" not in page


class Unread(io.RawIOBase):
    """A request body of `size` bytes (as the test client measures it, by seeking) that notes every read."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.reads = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        self.reads += 1
        return 0


@pytest.fixture
def no_writes(monkeypatch):
    """The store must not be asked to write anything."""
    def refuse(*args, **kwargs):
        raise AssertionError("the store was written to")
    monkeypatch.setattr(type(evidence.store()), "put_stream", refuse)


def partial_files() -> list:
    root = getattr(evidence.store(), "root", None)
    return list(root.rglob(".incoming-*")) if root is not None and root.exists() else []


def post_announcing(client, url: str, length: int, **kwargs):
    body = Unread(length)
    response = client.post(url, input_stream=body,
                           content_type="multipart/form-data; boundary=----x", **kwargs)
    return response, body


@pytest.mark.parametrize("where", ["order request", "case"])
def test_a_web_upload_announced_over_the_limit_is_refused_before_a_byte_is_read(
        client, session, personas, request_, no_writes, where):
    if where == "case":
        case = make_case(buyer=personas["buyer"], merchant_staff=personas["merchant"])
        url, order_id, log = f"/cases/{case.number}/evidence", case.order_id, ("case", case.id)
    else:
        url = f"/orders/{request_.order.number}/requests/{request_.id}/evidence"
        order_id, log = request_.order_id, ("order", request_.order_id)
    login(client, "buyer")
    events_before = len(events_of(*log))
    response, body = post_announcing(client, url, 250 * MB)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "上传的文件过大" in page and "本次上传超过 200 MB 的上限" in page   # the usual error page
    assert body.reads == 0
    assert rows(session, order_id) == [] and len(events_of(*log)) == events_before and partial_files() == []


def test_an_upload_larger_than_the_room_left_in_the_case_is_refused_before_it_is_read(
        client, session, request_, no_writes, config):
    config["EVIDENCE_MAX_CASE_MB"] = 2
    login(client, "buyer")
    response, body = post_announcing(client, f"/orders/{request_.order.number}/requests/{request_.id}/evidence",
                                     3 * MB + evidence.BODY_SLACK)
    assert response.status_code == 413 and body.reads == 0
    assert "上传此文件将超过该案件 2 MB 的证据上限" in response.get_data(as_text=True)


def test_an_api_upload_announced_over_the_limit_gets_the_apis_413_before_a_byte_is_read(
        client, session, personas, no_writes):
    case = make_case(buyer=personas["buyer"], merchant_staff=personas["merchant"])
    _client, token = api.create_client(personas["admin"], name="卡盟主站", scopes=list(ALL_SCOPES))
    session.flush()
    events_before = len(events_of("case", case.id))
    response, body = post_announcing(client, f"/api/v1/cases/{case.number}/evidence", 250 * MB,
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "payload_too_large" and "200 MB" in error["message"]["zh"]
    assert "200 MB" in error["message"]["en"]
    assert body.reads == 0
    assert rows(session, case.order_id) == [] and len(events_of("case", case.id)) == events_before
    assert partial_files() == []


def test_flask_serve_bounds_request_bodies_to_the_largest_upload(app, monkeypatch):
    served = {}
    monkeypatch.setattr(waitress, "serve", lambda wsgi_app, **options: served.update(options))
    monkeypatch.setattr(arbitration, "settle_heap", lambda: None)
    monkeypatch.setattr(queue, "start_embedded_consumer", lambda: False)
    with app.app_context():           # as `flask serve` has it (the flask command pushes one)
        result = app.test_cli_runner().invoke(args=["serve", "--port", "5999"])
        largest = evidence.max_upload_body()
    assert result.exit_code == 0, result.output
    # waitress refuses a Content-Length >= its bound: the largest upload passes, a 250 MB body does not
    assert largest < served["max_request_body_size"] <= largest + 1 < 250 * MB
