"""The platform API's first part: bearer tokens with scopes (stored hashed, revocable), cases, orders and ruling
PDFs as JSON, errors with a stable code in Chinese and English, and an OpenAPI document that the responses
match."""
from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa

from arbitration.api import services as api
from arbitration.api.models import ApiClient
from arbitration.cases import services as cases
from arbitration.cases.messaging import add_note, send_message
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy
from tests.conftest import login
from tests.factories import make_refused_order, scripts_are_our_own_files, validate


def _client(personas, *scopes):
    return api.create_client(personas["admin"], name="卡盟主站", scopes=list(scopes))


def _ruled_case(personas):
    buyer, staff = personas["buyer"], personas["merchant"]
    case = cases.open_case(buyer, make_refused_order(), category="non_delivery", remedy="full_refund",
                           amount_fen=None, statement="商家拒绝取消，也没有发货。")
    send_message(case, buyer, body="当事人与争议处理专员可见的内容")
    cases.refuse_claim(case, staff, reason="卡密已发出，买家已使用")
    add_note(case, personas["arbitrator"], body="仅平台工作人员可见的内部笔记")
    cases.no_more_evidence(case, buyer)
    cases.no_more_evidence(case, staff)
    ruling = rulings.issue_ruling(case, personas["arbitrator"], decision="upheld", facts_found="买家付款后商家未发货。",
                                  reasoning="商家收取预付款后未按约定提供商品，应当退回预付款。",
                                  remedies=[Remedy("full_refund")], citations=["CRPL-53"])
    return case, ruling


def test_a_client_with_the_scope_reads_a_case_as_the_document_describes_it(client, session, personas):
    case, ruling = _ruled_case(personas)
    _c, token = _client(personas, "cases:read")
    session.flush()
    response = client.get(f"/api/v1/cases/{case.number}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    validate(body, "Case")
    assert body["state"] == "reconsideration_window" and body["rulings"][0]["number"] == ruling.number
    assert {d["stage"] for d in body["deadlines"]} >= {"negotiation", "evidence", "reconsideration_window"}
    assert not {"case.message", "case.note_added"} & {e["action"] for e in body["events"]}
    assert "当事人与争议处理专员可见的内容" not in response.get_data(as_text=True)   # messages stay on the site
    assert "内部笔记" not in response.get_data(as_text=True)      # nor that the staff wrote a note


def test_errors_have_a_stable_code_and_both_languages(client, session, personas):
    case, _ruling = _ruled_case(personas)
    _c, orders_only = _client(personas, "orders:read")
    session.flush()
    attempts = (({}, 401, "unauthorized"), ({"Authorization": "Bearer kmapi_nope"}, 401, "unauthorized"),
                ({"Authorization": f"Bearer {orders_only}"}, 403, "forbidden"))
    for headers, status, code in attempts:
        response = client.get(f"/api/v1/cases/{case.number}", headers=headers)
        body = response.get_json()
        assert response.status_code == status and body["error"]["code"] == code
        assert re.search(r"[\u4e00-\u9fff]", body["error"]["message"]["zh"]) and body["error"]["message"]["en"]
        validate(body, "Error")
    missing = client.get("/api/v1/orders/KM-NOPE", headers={"Authorization": f"Bearer {orders_only}"})
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_the_ruling_pdf_is_served_once_ready_and_matches_its_hash(client, session, personas):
    case, ruling = _ruled_case(personas)
    _c, token = _client(personas, "rulings:read")
    session.flush()
    url, headers = f"/api/v1/cases/{case.number}/rulings/{ruling.number}/pdf", {"Authorization": f"Bearer {token}"}
    assert client.get(url, headers=headers).get_json()["error"]["code"] == "not_ready"
    rulings.make_pdf(ruling)
    session.flush()
    response = client.get(url, headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert hashlib.sha256(response.get_data()).hexdigest() == ruling.pdf_sha256


def test_tokens_are_kept_as_hashes_and_a_revoked_one_stops_working(client, session, personas):
    order = make_refused_order()
    created, token = _client(personas, "orders:read")
    session.flush()
    stored = session.scalar(sa.select(ApiClient).where(ApiClient.id == created.id))
    assert stored.token_sha256 == hashlib.sha256(token.encode()).hexdigest() and token not in stored.scopes_json
    headers = {"Authorization": f"Bearer {token}"}
    response = client.get(f"/api/v1/orders/{order.number}", headers=headers)
    assert response.status_code == 200
    validate(response.get_json(), "Order")
    api.revoke_client(personas["admin"], created.id)
    session.flush()
    assert client.get(f"/api/v1/orders/{order.number}", headers=headers).status_code == 401


def test_an_admin_creates_a_client_sees_its_token_once_and_revokes_it(app, client, session, personas):
    login(client, "admin")
    assert client.post("/admin/api-clients", data={"name": "", "scopes": ["cases:read"]}).status_code == 400
    assert client.post("/admin/api-clients", data={"name": "主站", "scopes": ["nonsense"]}).status_code == 400
    page = client.post("/admin/api-clients", data={"name": "卡盟主站", "scopes": ["cases:read"]}).get_data(as_text=True)
    token = re.search(r"kmapi_[A-Za-z0-9_-]+", page).group(0)
    assert token not in client.get("/admin/api-clients").get_data(as_text=True)     # shown once
    created = session.scalar(sa.select(ApiClient).where(ApiClient.name == "卡盟主站"))
    assert client.post(f"/admin/api-clients/{created.id}/revoke").status_code == 302
    session.refresh(created)
    assert created.revoked_at is not None


def test_the_openapi_document_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)[len("/api/v1"):], method.lower())
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              for method in rule.methods - {"HEAD", "OPTIONS"}} - {("/openapi.json", "get"), ("/docs", "get")}
    assert routes == {(path, method) for path, methods in spec["paths"].items() for method in methods}
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/cases/{number}" in page and scripts_are_our_own_files(page)
    assert "case.your_turn" in page and "CaseCreate" in page and "Idempotency-Key" in page
