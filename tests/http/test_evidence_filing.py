"""Filing evidence (issue 17): the same file twice in a case (with the files of the request it came from) or in a
request is refused, naming the first, and nothing is written; left on "decide from the file" the kind follows the
type sniffed from the bytes; the case's timeline names the file."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from arbitration.api.services import create_client
from arbitration.audit.services import events_of
from arbitration.cases import services as cases
from arbitration.errors import InvalidInput
from arbitration.evidence import services as evidence
from arbitration.orders import requests as order_requests
from arbitration.orders.models import OrderRequest
from tests import files
from tests.conftest import login
from tests.factories import (ALL_SCOPES, make_case, make_order, make_refused_order, order_actions, request_evidence,
                             upload, upload_one, upload_to_case)


# ---- the same file twice ----

def test_the_same_file_twice_in_a_request_is_refused_naming_the_first_and_nothing_is_written(
        client, session, request_):
    login(client, "buyer")
    image = files.png(7, 7)
    first = upload_one(client, session, request_, "兑换失败.png", image)
    keys = set(evidence.store().iter_keys("evidence"))
    events = order_actions(request_.order_id)
    response = upload(client, request_, ("又一张.png", image), kind="screenshot")
    assert response.status_code == 303
    page = client.get(f"/orders/{request_.order.number}").get_data(as_text=True)
    assert re.search(r"该文件已作为「兑换失败.png」于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 提交", page)
    assert request_evidence(session, request_) == [first]
    assert set(evidence.store().iter_keys("evidence")) == keys
    assert order_actions(request_.order_id) == events


def test_two_copies_in_one_submission_store_neither(client, session, request_):
    login(client, "buyer")
    image = files.png(9, 2)
    assert upload(client, request_, ("a.png", image), ("b.png", image)).status_code == 303
    assert request_evidence(session, request_) == []
    assert "该文件已作为「a.png」" in client.get(f"/orders/{request_.order.number}").get_data(as_text=True)


def test_a_file_filed_with_the_request_is_refused_in_the_case_it_became(client, session, personas):
    buyer, staff = personas["buyer"], personas["merchant"]
    order = make_refused_order(buyer, staff)
    req = session.scalar(sa.select(OrderRequest).where(OrderRequest.order_id == order.id))
    image = files.png(11, 3)
    evidence.add_file(buyer, req, filename="付款截图.png", chunks=[image], kind="auto")
    case = cases.open_case(buyer, order, category="non_delivery", remedy="full_refund", amount_fen=None,
                           statement="商家拒绝取消，也没有发货。")
    login(client, "merchant")     # either party: the file is before the arbitrator already
    assert upload_to_case(client, case, ("商家也有这张.png", image)).status_code == 303
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "该文件已作为「付款截图.png」于" in page
    assert evidence.evidence_for("case", case.id) == []
    # another file is welcome, and the same file in another matter too
    assert upload_to_case(client, case, ("发货记录.png", files.png(11, 4))).status_code == 302
    other = make_order(buyer, "delivered", merchant_staff=staff)
    other_req = order_requests.request_after_sales(other, buyer, problem="invalid_code",
                                                   description="卡密无法兑换，提示已被使用过")
    assert evidence.add_file(buyer, other_req, filename="付款截图.png", chunks=[image], kind="auto").id


def test_the_api_is_refused_a_second_copy_too_in_both_languages(client, session, personas):
    case = make_case()
    image = files.png(13, 5)
    evidence.add_file(personas["buyer"], cases.evidence_subject(case), filename="付款截图.png", chunks=[image],
                      kind="auto")
    _api, token = create_client(personas["admin"], name="卡盟主站", scopes=list(ALL_SCOPES))
    response = client.post(f"/api/v1/cases/{case.number}/evidence", headers={"Authorization": f"Bearer {token}"},
                           content_type="multipart/form-data",
                           data={"party": "buyer", "kind": "screenshot", "file": (io.BytesIO(image), "again.png")})
    assert response.status_code == 409, response.get_json()
    message = response.get_json()["error"]["message"]
    assert "该文件已作为「付款截图.png」于" in message["zh"]
    assert "This file was submitted already as “付款截图.png” on" in message["en"]
    assert len(evidence.evidence_for("case", case.id)) == 1


# ---- the kind, judged from the file when left on auto ----

@pytest.mark.parametrize("name, content, kind", [
    ("a.png", files.png(3, 3), "screenshot"),
    ("b.mp4", files.mp4(), "video"),
    ("c.webm", files.webm(), "video"),
    ("d.txt", files.CHAT_LOG_GB18030, "chat_log"),
    ("e.csv", "时间,内容\n10:01,卡密无效\n10:02,已补发\n".encode(), "chat_log"),
    ("f.pdf", files.pdf(), "other"),
])
def test_left_on_auto_the_kind_follows_the_sniffed_type(client, session, request_, name, content, kind):
    login(client, "buyer")
    ev = upload_one(client, session, request_, name, content, kind="auto")
    assert ev.kind == kind
    added = [e for e in events_of("order", request_.order_id) if e.action == "evidence.added"][-1]
    assert added.data["kind"] == kind


def test_an_explicit_kind_is_kept_and_the_form_starts_on_auto(client, session, request_):
    login(client, "buyer")
    paid = upload_one(client, session, request_, "付款.png", files.png(2, 9), kind="payment_record")
    assert paid.kind == "payment_record"
    assert upload_one(client, session, request_, "录屏.mp4", files.mp4(), kind="other").kind == "other"
    page = client.get(f"/orders/{request_.order.number}").get_data(as_text=True)
    assert '<option value="auto" selected>按文件自动判断</option>' in page


def test_the_api_still_names_its_kind():
    with pytest.raises(InvalidInput):
        evidence.check_kind("auto")
    assert evidence.check_kind("auto", auto=True) == "auto"


# ---- the timeline names the file ----

def test_the_case_timeline_names_the_file_in_both_languages(client, session, personas):
    case = cases.open_case(personas["buyer"], make_refused_order(personas["buyer"], personas["merchant"]),
                           category="non_delivery", remedy="full_refund", amount_fen=None,
                           statement="商家拒绝取消，也没有发货。")
    login(client, "buyer")
    assert upload_to_case(client, case, ("付款截图.png", files.png(6, 6))).status_code == 302
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "买家 · 提交了证据「付款截图.png」" in page
    client.post("/language", data={"lang": "en"})
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Buyer · Evidence “付款截图.png” was added" in page
