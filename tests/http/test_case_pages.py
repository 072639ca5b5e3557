"""The case pages: a buyer opens a case from a refused order, the merchant answers, defaults are published."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from arbitration.cases.models import Case
from arbitration.cases.workflow import CaseState
from tests.conftest import login
from tests.factories import make_case

CONFIRMED = {"confirmed": "1"}   # the answer to "this cannot be undone"


def text(response):
    return response.get_data(as_text=True)


def open_through_the_page(client, order, **data):
    form = {"category": "non_delivery", "remedy": "full_refund", "statement": "商家拒绝取消，也一直没有发货。", **data}
    return client.post(f"/orders/{order.number}/case/new", data=form)


def test_the_buyer_opens_a_case_from_the_order_page(client, session, refused):
    login(client, "buyer")
    page = text(client.get(f"/orders/{refused.number}"))
    assert f"/orders/{refused.number}/case/new" in page
    response = open_through_the_page(client, refused)
    assert response.status_code == 302
    case = session.scalar(sa.select(Case).where(Case.order_id == refused.id))
    page = text(client.get(f"/cases/{case.number}"))
    assert case.number in page and "剩余 2 天 0 小时" in page
    assert "默认支持买家的请求" in page        # the published default outcome of the running deadline


@pytest.mark.parametrize("data", [{"category": "boredom"}, {"remedy": "partial_refund", "amount": "9999"},
                                  {"statement": "短"}, {"remedy": "partial_refund", "amount": "sNaN"}])
def test_bad_case_input_is_refused_on_the_page(client, session, refused, data):
    login(client, "buyer")
    assert open_through_the_page(client, refused, **data).status_code == 400
    assert session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.order_id == refused.id)) == 0


def test_the_merchant_refuses_and_the_case_goes_to_evidence(app, client, session, refused):
    login(client, "buyer")
    open_through_the_page(client, refused)
    case = session.scalar(sa.select(Case).where(Case.order_id == refused.id))
    merchant = app.test_client()
    login(merchant, "merchant")
    bad = merchant.post(f"/cases/{case.number}/refuse", data={"reason": "不"})   # bad input: on the page, kept
    assert bad.status_code == 400 and "拒绝需要写明买家能理解的理由" in text(bad) and "不</textarea>" in text(bad)
    assert merchant.post(f"/cases/{case.number}/refuse", data={"reason": "卡密已发出并已使用"}).status_code == 302
    session.refresh(case)
    assert case.state == CaseState.evidence
    again = merchant.post(f"/cases/{case.number}/accept", data={"confirmed": "1"})
    assert again.status_code == 409 and "案件已进入下一阶段" in text(again)


def test_an_offer_accepted_by_the_buyer_settles_the_case(app, client, session, refused):
    login(client, "buyer")
    open_through_the_page(client, refused)
    case = session.scalar(sa.select(Case).where(Case.order_id == refused.id))
    merchant = app.test_client()
    login(merchant, "merchant")
    assert merchant.post(f"/cases/{case.number}/offer", data={"remedy": "partial_refund", "amount": "30"}) \
        .status_code == 302
    assert "接受方案" in text(client.get(f"/cases/{case.number}"))
    assert client.post(f"/cases/{case.number}/offer/accept", data={"confirmed": "1"}).status_code == 302
    session.refresh(case)
    assert (case.state, case.outcome) == (CaseState.enforcement, "settled")


def test_others_cannot_see_the_case(app, client, session, refused):
    login(client, "buyer")
    open_through_the_page(client, refused)
    case = session.scalar(sa.select(Case).where(Case.order_id == refused.id))
    for username in ("buyer_b", "merchant_b", "arbitrator", "admin"):
        other = app.test_client()
        login(other, username)
        assert other.get(f"/cases/{case.number}").status_code == 404
    regulator = app.test_client()
    login(regulator, "regulator")
    page = text(regulator.get(f"/cases/{case.number}"))
    assert case.number in page and "/accept" not in page


def test_the_published_table_lists_every_stage(client, personas):
    login(client, "merchant")
    page = text(client.get("/cases/defaults"))
    for words in ("48 小时", "72 小时", "5 个工作日", "1 个工作日", "案件上报主管"):
        assert words in page


def _case_in_evidence(app, client, session, refused):
    login(client, "buyer")
    open_through_the_page(client, refused)
    case = session.scalar(sa.select(Case).where(Case.order_id == refused.id))
    merchant = app.test_client()
    login(merchant, "merchant")
    merchant.post(f"/cases/{case.number}/refuse", data={"reason": "卡密已发出并已使用"})
    return case, merchant


def test_both_parties_upload_evidence_to_the_case_and_see_the_hashes(app, client, session, refused):
    import io

    from tests import files

    case, merchant = _case_in_evidence(app, client, session, refused)
    png, pdf = files.png(), files.pdf()
    for who, name, content in ((client, "截图.png", png), (merchant, "发货记录.pdf", pdf)):
        response = who.post(f"/cases/{case.number}/evidence", content_type="multipart/form-data",
                            data={"kind": "screenshot", "description": "", "files": [(io.BytesIO(content), name)]})
        assert response.status_code == 302
    page = text(client.get(f"/cases/{case.number}"))
    import hashlib

    assert hashlib.sha256(png).hexdigest() in page and hashlib.sha256(pdf).hexdigest() in page
    assert "截图.png" in page and "发货记录.pdf" in page


def test_no_more_evidence_from_both_sends_the_case_to_review_and_later_files_are_late(
        app, client, session, refused):
    import io

    from arbitration.evidence.models import Evidence
    from tests import files

    case, merchant = _case_in_evidence(app, client, session, refused)
    assert client.post(f"/cases/{case.number}/no-more-evidence", data=CONFIRMED).status_code == 302
    assert client.post(f"/cases/{case.number}/no-more-evidence", data=CONFIRMED).status_code == 409   # closed already
    session.refresh(case)
    assert case.state == CaseState.evidence
    merchant.post(f"/cases/{case.number}/no-more-evidence", data=CONFIRMED)
    session.refresh(case)
    assert case.state == CaseState.review
    client.post(f"/cases/{case.number}/evidence", content_type="multipart/form-data",
                data={"kind": "screenshot", "files": [(io.BytesIO(files.png()), "迟到.png")]})
    late = session.scalar(sa.select(Evidence).where(Evidence.subject_type == "case",
                                                    Evidence.subject_id == str(case.id)))
    assert late.late is True


def test_a_partys_message_is_read_by_both_parties_and_an_internal_note_by_neither(app, client, session, refused):
    case, merchant = _case_in_evidence(app, client, session, refused)
    assert client.post(f"/cases/{case.number}/messages",
                       data={"body": "<script>alert(1)</script>商家在聊天中承认未发货"}).status_code == 302
    assert client.post(f"/cases/{case.number}/messages", data={"body": "请尽快处理"}).status_code == 302
    empty = client.post(f"/cases/{case.number}/messages", data={"body": ""})
    assert empty.status_code == 400 and "请输入消息内容" in text(empty)
    own = text(client.get(f"/cases/{case.number}"))
    assert "商家在聊天中承认未发货" in own and "<script>alert(1)</script>" not in own and "&lt;script&gt;" in own
    assert "仅仲裁员" not in own                          # no party talks to the decider alone
    other = text(merchant.get(f"/cases/{case.number}"))
    assert "请尽快处理" in other and "承认未发货" in other
    from arbitration.auth.models import User

    session.refresh(case)
    arbitrator = app.test_client()
    login(arbitrator, session.get(User, case.arbitrator_id).username)
    assert arbitrator.post(f"/cases/{case.number}/notes", data={"body": "买家的截图时间与订单不符，需核实"}) \
        .status_code == 302
    assert "买家的截图时间与订单不符" in text(arbitrator.get(f"/cases/{case.number}"))
    supervisor = app.test_client()
    login(supervisor, "supervisor")
    assert "买家的截图时间与订单不符" in text(supervisor.get(f"/cases/{case.number}"))
    regulator = app.test_client()
    login(regulator, "regulator")
    for reader in (client, merchant, regulator):
        page = text(reader.get(f"/cases/{case.number}"))
        assert "请尽快处理" in page and "截图时间与订单不符" not in page and "内部笔记" not in page
    assert client.post(f"/cases/{case.number}/notes", data={"body": "买家想写内部笔记"}).status_code == 403


def test_the_arbitrators_queue_is_ordered_by_deadline_filtered_and_searchable(app, client, session, personas):
    import datetime as dt

    from arbitration.deadlines.services import sweep
    from tests.conftest import T0

    made = [make_case("evidence", category="invalid_code" if hours == 5 else "non_delivery",
                      now=T0 + dt.timedelta(hours=hours)) for hours in (0, 5, 2)]
    sweep(now=T0)
    login(client, "arbitrator")
    page = text(client.get("/cases"))
    positions = [page.index(c.number) for c in (made[0], made[2], made[1])]   # due at +72h, +74h, +77h
    assert positions == sorted(positions)
    filtered = text(client.get("/cases?category=invalid_code"))
    assert made[1].number in filtered and made[0].number not in filtered
    assert text(client.get(f"/cases?q={made[2].order.number}")).count("/cases/ARB-") == 1
    assert client.get("/cases?after=1_999999999999999999999&q=%25'").status_code == 200


def test_the_now_panel_says_what_was_agreed_by_when_and_then_that_it_was_done(client, session, personas):
    from arbitration.cases import enforcement
    from arbitration.cases import services as cases

    case = make_case(merchant_staff=personas["merchant_b"])
    cases.accept_claim(case, personas["merchant_b"])
    session.commit()
    login(client, "buyer")
    page = text(client.get(f"/cases/{case.number}"))
    assert "约定的内容" in page and "前全额退款（¥100.00）至原支付渠道。" in page and "商家应于 " in page
    (task,) = enforcement.tasks_of(case)
    enforcement.complete_task(case, task, personas["merchant_b"])
    session.commit()
    page = text(client.get(f"/cases/{case.number}"))
    assert case.state == CaseState.closed and "已结案" in page
    assert "商家已于 " in page and "全额退款（¥100.00）至原支付渠道。" in page and "商家应于" not in page
