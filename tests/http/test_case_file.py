"""The case file for whoever decides (issue 18, item 1): the order's facts as recorded, the refused request and the
refusal, both claims and both parties' evidence side by side — for the case's arbitrator and the supervisors, never
for the parties."""
from __future__ import annotations

import re

from arbitration.cases import services as cases
from arbitration.evidence import services as evidence
from arbitration.orders.models import OrderRequest
from tests.factories import make_case, sign_in
from tests.files import pdf, png


def _section(page: str) -> str:
    found = re.search(r'<section class="card casefile".*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_the_arbitrator_reads_the_order_the_refusal_and_both_sides_evidence_in_one_view(app, session, personas):
    case = make_case("evidence", statement="付款后一直没有收到卡密，申请取消被商家拒绝，请平台处理。")
    evidence.add_file(personas["buyer"], cases.evidence_subject(case), filename="付款截图.png", chunks=[png()],
                      kind="payment_record")
    evidence.add_file(personas["merchant"], cases.evidence_subject(case), filename="发货记录.pdf", chunks=[pdf()],
                      kind="order_record")
    request = session.get(OrderRequest, case.escalation.request_id)
    client = app.test_client()
    sign_in(client, session.get(type(personas["arbitrator"]), case.arbitrator_id))
    file = _section(client.get(f"/cases/{case.number}").get_data(as_text=True))
    assert "卷宗" in file and "已付款但未发货" in file
    assert case.order.number in file and "支付宝" in file                          # paid how, and when
    assert request.response_text in file and "Merchant" in file                   # the refusal: why, and who
    buyer_side, merchant_side = file.split("买家的证据")[1].split("商家的证据")
    assert "付款截图.png" in buyer_side and "发货记录.pdf" not in buyer_side
    assert "发货记录.pdf" in merchant_side
    supervisor = app.test_client()
    sign_in(supervisor, personas["supervisor"])
    assert "卷宗" in _section(supervisor.get(f"/cases/{case.number}").get_data(as_text=True))
    assert supervisor.get(f"/orders/{case.order.number}").status_code == 200
    assert client.get(f"/orders/{case.order.number}").status_code == 200          # the arbitrator reads the order


def test_the_parties_and_the_regulator_see_no_case_file(app, session, personas):
    case = make_case("evidence")
    for who in ("buyer", "merchant", "regulator"):
        client = app.test_client()
        sign_in(client, personas[who])
        assert _section(client.get(f"/cases/{case.number}").get_data(as_text=True)) == "", who
