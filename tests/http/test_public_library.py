"""The public decision library: a decision is published, masked, once final; anyone reads and searches it; a
supervisor withholds one with a reason."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from arbitration.audit.models import Event
from arbitration.cases import services as cases
from arbitration.cases.workflow import CaseState
from arbitration.deadlines.services import sweep
from arbitration.library import services as library
from arbitration.library.models import PublicationHold
from arbitration.merchants.models import Merchant
from arbitration.rulings import services as rulings
from arbitration.rulings.rules import Remedy
from tests.conftest import T0, client_of, login, text
from tests.factories import make_case

H = dt.timedelta(hours=1)
FINAL = T0 + 8 * 24 * H          # the 7-day reconsideration window closed


def decided(personas, *, facts=None, decision="upheld"):
    """A case decided at T0, its ruling's texts naming the buyer, their phone, the merchant and the order."""
    buyer = personas["buyer"]
    buyer.display_name = "张三丰"
    case = make_case("review", now=T0)
    merchant = cases.db.session.get(Merchant, case.merchant_id)
    facts = facts or (f"买家张三丰（手机 13812345678）就订单 {case.order.number} 付款后，{merchant.name}未发货，"
                      "并以卡密无效为由拒绝取消。")
    arbitrator = cases.db.session.get(type(buyer), case.arbitrator_id)
    ruling = rulings.issue_ruling(case, arbitrator, decision=decision, facts_found=facts,
                                  reasoning="经营者收取预付款后未按约定提供商品，应当退回预付款。",
                                  remedies=[] if decision == "dismissed" else [Remedy("full_refund")],
                                  citations=["CRPL-53"], now=T0)
    return case, ruling


def test_a_decision_is_published_masked_only_once_the_reconsideration_window_has_closed(session, personas):
    case, ruling = decided(personas)
    assert library.publish_due(now=T0 + H) == 0                      # in the window: not final
    sweep(now=FINAL)
    session.refresh(case)
    assert case.state == CaseState.enforcement
    assert library.publish_due(now=FINAL) == 1
    assert library.publish_due(now=FINAL) == 0                       # once
    row = library.published(ruling)
    merchant = session.get(Merchant, case.merchant_id)
    for private in ("张三丰", "13812345678", case.order.number, merchant.name):
        assert private not in row.facts + row.reasoning + row.words
    assert "张*" in row.facts and "138****5678" in row.facts and "商家未发货" in row.facts
    assert [c["code"] for c in row.citations] == ["CRPL-53"]
    published = session.scalars(sa.select(Event).where(Event.action == "library.published")).all()
    assert [e.data["ruling"] for e in published] == [ruling.number]


def test_anyone_reads_and_searches_the_library_without_signing_in(app, session, personas):
    _case, ruling = decided(personas)
    sweep(now=FINAL)
    library.publish_due(now=FINAL)
    anonymous = app.test_client()
    page = anonymous.get("/library")
    assert page.status_code == 200 and ruling.number in text(page)
    assert "平台争议处理规则" in text(page)                             # the rules beside the decisions
    found = anonymous.get("/library?q=卡密无效")
    assert found.status_code == 200 and ruling.number in text(found) and "<mark>卡密</mark>" in text(found)
    detail = anonymous.get(f"/library/{ruling.number}")
    assert detail.status_code == 200
    assert "张*" in text(detail) and "张三丰" not in text(detail) and "12315" in text(detail)
    assert "7 日内" not in text(detail)                                  # final: no reconsideration offered


def test_searching_a_partys_name_finds_nothing_the_index_holds_only_masked_text(app, session, personas):
    _case, ruling = decided(personas)
    sweep(now=FINAL)
    library.publish_due(now=FINAL)
    page = app.test_client().get("/library?q=张三丰")
    assert page.status_code == 200 and ruling.number not in text(page)
    assert "没有公开的决定包含" in text(page)


def test_the_filters_narrow_the_library_and_bad_ones_are_answered_next_to_the_field(app, session, personas):
    _case, ruling = decided(personas, decision="dismissed")
    sweep(now=FINAL)
    library.publish_due(now=FINAL)
    anonymous = app.test_client()
    assert ruling.number in text(anonymous.get("/library?decision=dismissed&category=non_delivery"))
    assert ruling.number not in text(anonymous.get("/library?decision=upheld"))
    bad = anonymous.get("/library?q=退款&category=nonsense")
    assert bad.status_code == 400
    assert "请从列表中选择争议类型" in text(bad) and 'value="退款"' in text(bad)
    too_long = anonymous.get("/library?q=" + "退" * 101)
    assert too_long.status_code == 400 and 'aria-invalid="true"' in text(too_long)


def test_during_a_reconsideration_nothing_is_published_then_only_the_decision_that_replaced_the_first(
        session, personas):
    from arbitration.auth.models import Role
    from tests.factories import create_user

    second = create_user("arb_second", Role.arbitrator)
    case, first = decided(personas)
    cases.request_reconsideration(case, personas["merchant"], new_facts="游戏日志显示买家已经使用了该卡密", now=T0 + H)
    assert library.publish_due(now=FINAL) == 0                      # not final while reconsidered
    cases.no_more_evidence(case, personas["buyer"], now=T0 + 2 * H)
    again = rulings.issue_ruling(case, second, decision="partly_upheld", facts_found="复核查明卡密已被部分使用。",
                                 reasoning="复核查明卡密已被部分使用，商家应退还未使用部分对应的价款。", remedies=[Remedy("partial_refund", 3_000)],
                                 citations=["CRPL-53"], now=T0 + 3 * H)
    assert case.state == CaseState.enforcement
    assert library.publish_due(now=T0 + 4 * H) == 1
    assert library.published(first) is None and library.published(again).round == 2


def test_a_supervisor_withholds_a_published_decision_with_a_reason_and_may_let_it_be_published_again(
        app, session, personas):
    _case, ruling = decided(personas)
    sweep(now=FINAL)
    library.publish_due(now=FINAL)
    supervisor = client_of(app, "supervisor")
    short = supervisor.post(f"/library/{ruling.number}/withhold", data={"reason": "不公开"})
    assert short.status_code == 400 and "至少 10 个字" in text(short) and "不公开</textarea>" in text(short)
    assert library.published(ruling) is not None and session.get(PublicationHold, ruling.id) is None
    reason = "仅凭案情中的游戏区服与角色名即可识别买家，不宜公开。"
    done = supervisor.post(f"/library/{ruling.number}/withhold", data={"reason": reason})
    assert done.status_code == 302
    assert library.published(ruling) is None and library.hold_of(ruling).reason == reason
    assert app.test_client().get(f"/library/{ruling.number}").status_code == 404
    assert library.publish_due(now=FINAL) == 0                      # held: not published again
    page = supervisor.get(f"/precedents/{ruling.number}")
    assert reason in text(page) and "撤销不公开" in text(page)
    withheld = session.scalar(sa.select(Event).where(Event.action == "library.withheld"))
    assert withheld.data == {"ruling": ruling.number, "reason": reason, "was_published": True}
    assert supervisor.post(f"/library/{ruling.number}/release").status_code == 302
    assert library.publish_due() == 1 and library.published(ruling) is not None


def test_only_a_supervisor_may_withhold_a_decision(app, session, personas):
    _case, ruling = decided(personas)
    for username in ("arbitrator", "regulator", "buyer"):
        client = app.test_client()
        login(client, username)
        answer = client.post(f"/library/{ruling.number}/withhold", data={"reason": "仅凭案情即可识别买家身份"})
        assert answer.status_code == 403
    assert library.hold_of(ruling) is None
