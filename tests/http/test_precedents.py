"""Similar past decisions on the ruling form, the departure prompt on issuing, and decisions a party cites."""
from __future__ import annotations

import sqlalchemy as sa

from arbitration.audit.services import events_of
from arbitration.cases import messaging
from arbitration.precedents.models import PrecedentDeparture
from arbitration.rulings.models import Ruling
from tests.conftest import client_of, text
from tests.factories import make_case, the_form


def _past(session, n=3, **kw):
    cases = [make_case("reconsideration_window", found=["paid_not_delivered"], **kw) for _ in range(n)]
    return [session.scalar(sa.select(Ruling.number).where(Ruling.case_id == c.id)) for c in cases]


def test_the_ruling_form_lists_the_closest_past_decisions_with_why_and_each_opens(app, session, personas):
    like = _past(session, decision="upheld")
    other = _past(session, 1, category="hidden_fee", decision="dismissed")
    case = make_case("review", arbitrator=personas["arbitrator"])
    arbitrator = client_of(app, "arbitrator")
    page = text(arbitrator.get(f"/cases/{case.number}/ruling"))
    similar = page[page.index('id="similar"'):]
    for number in like:
        assert f"/precedents/{number}" in similar
    assert other[0] not in similar
    assert "同类争议" in similar or "Same kind of dispute" in similar
    opened = arbitrator.get(f"/precedents/{like[0]}")
    assert opened.status_code == 200 and "退回预付款" in text(opened)
    assert client_of(app, "buyer").get(f"/precedents/{like[0]}").status_code == 403


def test_issuing_against_most_close_precedents_asks_why_and_keeps_the_answer_with_the_ruling(app, session, personas):
    _past(session, decision="upheld")
    case = make_case("review", arbitrator=personas["arbitrator"])
    arbitrator = client_of(app, "arbitrator")
    form = the_form(decision="dismissed", full_refund=None, citations=["CRPL-53"], do="issue")
    assert arbitrator.post(f"/cases/{case.number}/ruling", data=form).status_code == 302
    confirm = text(arbitrator.get(f"/cases/{case.number}/ruling/issue"))
    assert 'id="departure"' in confirm and 'name="departure_reason"' in confirm
    refused = arbitrator.post(f"/cases/{case.number}/ruling/issue", data={"departure_reason": "不同"})
    assert refused.status_code == 400 and "departure_reason" in text(refused)
    assert session.scalar(sa.select(Ruling).where(Ruling.case_id == case.id)) is None
    why = "本案买家已确认收货并使用了卡密，与先前未发货的案件不同。"
    issued = arbitrator.post(f"/cases/{case.number}/ruling/issue", data={"departure_reason": why})
    assert issued.status_code == 302
    ruling = session.scalar(sa.select(Ruling).where(Ruling.case_id == case.id))
    kept = session.get(PrecedentDeparture, ruling.id)
    assert kept.reason == why and kept.usual == "upheld" and kept.decision == "dismissed"
    assert why not in ruling.reasoning                       # not printed unless put in the reasoning
    assert "ruling.departure_explained" in [e.action for e in events_of("case", case.id)]


def test_a_decision_with_the_close_precedents_is_issued_without_the_prompt(app, session, personas):
    _past(session, decision="upheld")
    case = make_case("review", arbitrator=personas["arbitrator"])
    arbitrator = client_of(app, "arbitrator")
    assert arbitrator.post(f"/cases/{case.number}/ruling", data=the_form(do="issue")).status_code == 302
    assert 'name="departure_reason"' not in text(arbitrator.get(f"/cases/{case.number}/ruling/issue"))
    assert arbitrator.post(f"/cases/{case.number}/ruling/issue").status_code == 302
    ruling = session.scalar(sa.select(Ruling).where(Ruling.case_id == case.id))
    assert session.get(PrecedentDeparture, ruling.id) is None


def test_a_decision_number_a_party_cites_is_shown_on_the_draft_with_a_prompt_to_answer_it(app, session, personas):
    [cited] = _past(session, 1, decision="upheld")
    case = make_case("review", arbitrator=personas["arbitrator"])
    messaging.send_message(case, personas["buyer"], body=f"同样的情况，{cited} 决定全额退款，请参照。另见 ARB-2026-999999-1")
    page = text(client_of(app, "arbitrator").get(f"/cases/{case.number}/ruling"))
    part = page[page.index('id="cited-decisions"'):]
    assert f"/precedents/{cited}" in part and "ARB-2026-999999-1" in part


def test_the_arbitrator_attaches_a_retrieval_report_that_the_file_and_the_dossier_show(app, session, personas):
    from arbitration import clock
    from arbitration.oversight import dossier

    first, second = _past(session, 2, decision="upheld")
    case = make_case("review", arbitrator=personas["arbitrator"])
    arbitrator = client_of(app, "arbitrator")
    url = f"/cases/{case.number}/retrieval-report"
    page = text(arbitrator.get(url))
    assert first in page and second in page
    refused = arbitrator.post(url, data={"query": "未发货 全额退款", f"verdict_{first}": "followed",
                                         f"reason_{first}": ""})
    assert refused.status_code == 400
    assert 'value="followed" checked' in text(refused) and "未发货 全额退款" in text(refused)   # kept as typed
    done = arbitrator.post(url, data={"query": "未发货 全额退款", f"verdict_{first}": "followed",
                                      f"reason_{first}": "同为付款后未发货，参照全额退款。",
                                      f"verdict_{second}": "distinguished", f"reason_{second}": "该案金额较小。"})
    assert done.status_code == 302
    shown = text(arbitrator.get(f"/cases/{case.number}"))
    assert "同为付款后未发货，参照全额退款。" in shown and "该案金额较小。" in shown
    exported = dossier.html(case, dossier.Exporter("监管", "regulator"), clock.now_utc())
    assert "同为付款后未发货，参照全额退款。" in exported and first in exported
    assert "同为付款后未发货" not in text(client_of(app, "buyer").get(f"/cases/{case.number}"))
    assert client_of(app, "buyer").get(url).status_code == 404


def test_a_past_decision_read_by_staff_of_other_cases_shows_no_personal_information(
        app, session, personas, monkeypatch):
    import tests.factories as factories

    monkeypatch.setattr(factories, "FACTS_FOUND", "买家手机 13812345678，邮箱 zhang.san@example.com，于付款后未收到卡密。")
    (number,) = _past(session, 1, decision="upheld")
    page = text(client_of(app, "arbitrator").get(f"/precedents/{number}"))
    assert "未收到卡密" in page
    assert "13812345678" not in page and "zhang.san@example.com" not in page
