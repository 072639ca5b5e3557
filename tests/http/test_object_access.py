"""Object-level access: changing an id in a URL never reaches someone else's order, case, evidence, message
or ruling; a merchant never sees another merchant's cases; an arbitrator acts only on assigned cases."""
from __future__ import annotations

import sqlalchemy as sa

from arbitration.auth.models import Role
from arbitration.audit.models import Event
from arbitration.cases import services as cases
from arbitration.cases.messaging import send_message
from arbitration.evidence import services as evidence
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy
from tests.conftest import login
from tests.factories import create_user, make_refused_order
from tests.files import png


def _world(personas):
    buyer, staff, arbitrator = personas["buyer"], personas["merchant"], personas["arbitrator"]
    order = make_refused_order()
    case = cases.open_case(buyer, order, category="non_delivery", remedy="full_refund", amount_fen=None,
                           statement="商家拒绝取消，也没有发货。")
    send_message(case, buyer, body="买家给商家和争议处理专员的说明")
    file = evidence.add_file(buyer, cases.evidence_subject(case), filename="付款截图.png", chunks=[png()],
                             kind="payment_record")
    cases.refuse_claim(case, staff, reason="卡密已发出，买家已使用")
    cases.no_more_evidence(case, buyer)
    cases.no_more_evidence(case, staff)
    ruling = rulings.issue_ruling(case, arbitrator, decision="upheld", facts_found="买家付款后商家未发货。",
                                  reasoning="商家收取预付款后未按约定提供商品，应当退回预付款。",
                                  remedies=[Remedy("full_refund")], citations=["CRPL-53"])
    rulings.make_pdf(ruling)
    return order, case, file, ruling


def _events(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Event))


def test_another_buyer_reaches_nothing_of_the_first_buyers_by_changing_ids(app, session, personas):
    order, case, file, ruling = _world(personas)
    client = app.test_client()
    login(client, "buyer_b")
    for url in (f"/orders/{order.number}", f"/cases/{case.number}", f"/evidence/{file.id}/download",
                f"/evidence/{file.id}/preview", f"/rulings/{ruling.number}", f"/rulings/{ruling.number}/pdf",
                f"/orders/{order.number}/case/new", f"/orders/{order.number}/cancel"):
        assert client.get(url).status_code in (403, 404), url
    before = _events(session)
    posts = ((f"/cases/{case.number}/withdraw", {}),
             (f"/cases/{case.number}/messages", {"body": "冒充买家", "audience": "all"}),
             (f"/cases/{case.number}/reconsideration", {"new_facts": "冒充买家申请复核的新事实"}),
             (f"/cases/{case.number}/evidence", {"kind": "screenshot"}))
    for url, data in posts:
        assert client.post(url, data=data).status_code in (403, 404), url
    assert _events(session) == before
    assert case.number not in client.get("/cases").get_data(as_text=True)


def test_another_merchant_neither_sees_nor_acts_on_the_case(app, session, personas):
    order, case, file, ruling = _world(personas)
    client = app.test_client()
    login(client, "merchant_b")
    for url in (f"/cases/{case.number}", f"/rulings/{ruling.number}", f"/rulings/{ruling.number}/pdf",
                f"/evidence/{file.id}/download", f"/orders/{order.number}"):
        assert client.get(url).status_code in (403, 404), url
    assert case.number not in client.get("/cases?q=ARB").get_data(as_text=True)
    before = _events(session)
    assert client.post(f"/cases/{case.number}/reconsideration",
                       data={"new_facts": "另一家商家冒充申请复核"}).status_code in (403, 404)
    assert _events(session) == before


def test_an_arbitrator_acts_only_on_assigned_cases(app, session, personas):
    create_user("arbitrator_other", Role.arbitrator)
    order, case, file, ruling = _world(personas)
    cases.request_reconsideration(case, personas["buyer"], new_facts="买家补充了商家承认未发货的聊天记录")
    session.flush()
    client = app.test_client()
    login(client, "arbitrator")          # ruled the first round: the reconsideration went to the other one
    assert case.arbitrator_id != personas["arbitrator"].id
    before = _events(session)
    assert client.get(f"/cases/{case.number}/ruling").status_code in (403, 404)
    overreach = {"decision": "dismissed", "facts_found": "越权作出的决定",
                 "reasoning": "这是一个未被分配案件的仲裁员的越权尝试。", "citations": "CRPL-53"}
    posts = ((f"/cases/{case.number}/supplementary", {"party": "buyer", "note": "请补充录屏"}),
             (f"/cases/{case.number}/extend", {"hours": "24", "reason": "需要更多时间"}),
             (f"/cases/{case.number}/ruling", overreach))
    for url, data in posts:
        assert client.post(url, data=data).status_code in (403, 404), url
    assert _events(session) == before
    # still allowed: reading the ruling it issued
    assert client.get(f"/rulings/{ruling.number}").status_code == 200


def test_searches_treat_sql_meaningful_characters_as_text(app, session, personas):
    _world(personas)
    for who, url in (("regulator", "/cases?q="), ("buyer", "/cases?q="), ("admin", "/admin/users?q="),
                     ("regulator", "/law?q=")):
        client = app.test_client()
        login(client, who)
        for probe in ("' OR '1'='1", "%", "_", "\\", "'; DROP TABLE cases; --", "ARB%' --"):
            response = client.get(url + probe)
            assert response.status_code == 200, (who, url, probe)
            page = response.get_data(as_text=True)
            assert "ARB-2026-" not in page or url.startswith("/law"), (who, url, probe)   # matched nothing
    assert session.scalar(sa.text("SELECT count(*) FROM cases")) >= 1
