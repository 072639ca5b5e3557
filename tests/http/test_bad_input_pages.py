"""Bad input on every action form of the case and order pages: the page comes back with the message next to the
field, in the user's language, with what was typed kept, and nothing is changed."""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from arbitration.audit.models import Event
from arbitration.cases.models import Case
from arbitration.orders import requests as order_requests
from arbitration.orders import services as orders
from arbitration.orders.models import Order
from tests.factories import make_case, make_order, sign_in


def _field_block(page: str, name: str) -> str:
    """The markup of the form field `name` (its label, input and messages)."""
    found = re.search(rf'<(div|fieldset) class="field has-error">(?:(?!</\1>).)*name="{name}"(?:(?!</\1>).)*</\1>',
                      page, re.S)
    return found.group(0) if found else ""


def _events(session) -> int:
    return session.query(Event).count()


CASE_FORMS = [
    # (case state, who, path, data, field, message, kept)
    ("negotiation", "merchant", "offer", {"remedy": "partial_refund", "amount": "0"}, "amount", "金额必须大于零", "0"),
    ("negotiation", "merchant", "offer", {"remedy": "partial_refund", "amount": "-5"}, "amount", "金额必须大于零",
     "-5"),
    ("negotiation", "merchant", "offer", {"remedy": "partial_refund", "amount": "0.001"}, "amount", "最多两位小数",
     "0.001"),
    ("negotiation", "merchant", "offer", {"remedy": "partial_refund", "amount": "abc"}, "amount", "最多两位小数",
     "abc"),
    ("negotiation", "merchant", "offer", {"remedy": "partial_refund", "amount": ""}, "amount", "请填写金额", None),
    ("negotiation", "merchant", "offer", {"remedy": "partial_refund", "amount": "1000"}, "amount", "最多还可退款",
     "1000"),
    ("negotiation", "merchant", "offer", {"amount": "10"}, "remedy", "商家方案只能是", "10"),
    ("negotiation", "merchant", "refuse", {"reason": "不行"}, "reason", "至少 5 个字", "不行"),
    ("evidence", "arbitrator", "supplementary", {"note": "请补充材料"}, "party", "请选择要求补充举证的一方", "请补充材料"),
    ("evidence", "arbitrator", "supplementary", {"party": "buyer", "note": "录屏"}, "note", "至少 5 个字", "录屏"),
    ("evidence", "arbitrator", "extend", {"hours": "999", "reason": "双方正在补充材料"}, "hours", "可延长 1 小时至 7 天", "999"),
    ("evidence", "arbitrator", "extend", {"hours": "24", "reason": "忙"}, "reason", "延期需要书面理由", "忙"),
    ("evidence", "supervisor", "reassign", {"arbitrator_id": "0", "reason": "工作量调整"}, "arbitrator_id",
     "请选择一名在职仲裁员", "工作量调整"),
    ("reconsideration_window", "buyer", "reconsideration", {"new_facts": "有新证据"}, "new_facts", "请陈述新的事实",
     "有新证据"),
    ("negotiation", "buyer", "messages", {"body": "", "audience": "all"}, "body", "请输入消息内容", None),
]


@pytest.mark.parametrize("state,who,path,data,name,message,kept", CASE_FORMS,
                         ids=[f"{c[2]}-{c[4]}-{i}" for i, c in enumerate(CASE_FORMS)])
def test_bad_input_on_a_case_action_comes_back_next_to_its_field(app, session, personas, state, who, path, data,
                                                                 name, message, kept):
    case = make_case(state)
    before, case_state = _events(session), case.state
    client = app.test_client()
    sign_in(client, personas[who])
    response = client.post(f"/cases/{case.number}/{path}", data=data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400, page[:300]
    block = _field_block(page, name)
    assert message in block, block or page[page.find("has-error") - 200:][:800]
    if kept is not None:
        assert kept in page
    session.expire_all()
    assert session.get(Case, case.id).state == case_state and _events(session) == before


def test_a_remedy_task_without_a_word_of_what_was_done_comes_back_next_to_its_note(app, session, personas):
    case = make_case("enforcement", remedy="reissue")
    task_id = session.execute(
        sa.text("SELECT id FROM remedy_tasks WHERE case_id = :c"), {"c": case.id}).scalar()
    client = app.test_client()
    sign_in(client, personas["merchant"])
    response = client.post(f"/cases/{case.number}/tasks/{task_id}/done", data={"note": " "})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "请说明已完成的内容" in _field_block(page, "note")


def test_support_unlocking_without_saying_how_comes_back_next_to_the_fields(app, session, personas):
    order = make_order(personas["buyer"], "paid", locked=True)
    client = app.test_client()
    sign_in(client, personas["support"])
    response = client.post(f"/orders/{order.number}/unlock", data={"method": "", "note": "已核对"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "请选择买家身份的核验方式" in _field_block(page, "method")
    response = client.post(f"/orders/{order.number}/unlock", data={"method": "id_document", "note": "核对"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "请填写核验内容" in _field_block(page, "note") and "核对" in page
    session.expire_all()
    assert session.get(Order, order.id).locked


def test_a_failed_refund_without_its_reason_comes_back_on_the_order_page(app, session, personas):
    order = make_order(personas["buyer"], "paid", merchant_staff=personas["merchant"])
    req = order_requests.request_cancellation(order, personas["buyer"], reason="not_needed")
    order_requests.review_cancellation(order, req, personas["merchant"], approve=True)
    refund_id = session.execute(sa.text("SELECT id FROM refunds WHERE order_id = :o"),
                                {"o": order.id}).scalar()
    client = app.test_client()
    sign_in(client, personas["support"])
    response = client.post(f"/orders/{order.number}/refunds/{refund_id}/failed", data={"reason": ""})
    assert response.status_code == 400 and "请说明退款失败的原因" in html.unescape(response.get_data(as_text=True))


def test_a_buyer_saying_the_reissue_fails_without_saying_how_comes_back_next_to_the_note(app, session, personas):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    req = order_requests.request_after_sales(order, personas["buyer"], problem="invalid_code",
                                             description="卡密无法兑换，提示已被使用过")
    order_requests.respond_after_sales(order, req, personas["merchant"], response="reissue", codes=["NEW-CODE-1"])
    client = app.test_client()
    sign_in(client, personas["buyer"])
    response = client.post(f"/orders/{order.number}/requests/{req.id}/verify", data={"works": "no", "note": "不行"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "至少 10 个字" in _field_block(page, "note") and "不行" in page
    assert orders.open_request(order).state == "reissued"


@pytest.mark.parametrize("amount,message", [("0", "金额必须大于零"), ("-5", "金额必须大于零"),
                                            ("0.001", "最多两位小数"), ("abc", "最多两位小数")])
def test_the_merchants_answer_with_a_bad_amount_says_what_is_wrong_next_to_it(app, session, personas, amount,
                                                                              message):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    req = order_requests.request_cancellation(order, personas["buyer"], ground="not_as_described",
                                              description="面值与商品描述不符，只到账了50元")
    client = app.test_client()
    sign_in(client, personas["merchant"])
    response = client.post(f"/merchant/requests/{req.id}",
                           data={"response": "partial_refund", "amount": amount, "text": "退一部分"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and message in _field_block(page, "amount") and amount in page
