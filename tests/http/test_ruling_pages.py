"""The ruling pages: the arbitrator writes the ruling from suggested provisions, the parties read and download
its PDF, anyone checks a PDF on the verification page, and nobody else sees it."""
from __future__ import annotations

import hashlib
import io
import re

import pytest
import sqlalchemy as sa

from arbitration.audit.services import events_of
from arbitration.cases.workflow import CaseState
from arbitration.rulings import rules
from arbitration.rulings import services as rulings
from arbitration.rulings.models import Ruling, RulingDraft
from tests.conftest import login
from tests.factories import FACTS, REASONING, issue_through_the_form, make_case, suggested_codes, the_form

SCRIPT = "<script>alert(1)</script>"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def case(session, personas):
    return make_case("review", arbitrator=personas["arbitrator"])


@pytest.fixture
def issued(session, personas, case):
    """A ruling issued on the case, its PDF rendered and stored (as the job does after the commit)."""
    ruling = rulings.issue_ruling(case, personas["arbitrator"], decision="upheld", facts_found=FACTS,
                                  reasoning=REASONING, remedies=[rules.Remedy("full_refund")],
                                  citations=["CRPL-53", "CC-563"])
    return rulings.make_pdf(ruling)


def client_of(app, username):
    client = app.test_client()
    if username is not None:
        login(client, username)
    return client


def rulings_on(session, case):
    session.expire_all()
    return session.scalars(sa.select(Ruling).where(Ruling.case_id == case.id)).all()


def download(client, ruling):
    response = client.get(f"/rulings/{ruling.number}/pdf")
    body = response.data
    response.close()
    return response, body


def verify(client, content, filename="决定书.pdf"):
    return client.post("/rulings/verify", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), filename)})


def pdf_text(content):
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# ---- writing the ruling: a draft, confirmed, then issued ----

def test_the_arbitrator_sees_the_suggested_provisions_best_first_with_their_reasons(client, case):
    login(client, "arbitrator")
    response = client.get(f"/cases/{case.number}/ruling")
    assert response.status_code == 200
    page = text(response)
    codes = suggested_codes(page)
    assert codes[:3] == ["CRPL-53", "CRPLR-22", "CC-563"]     # 消费者权益保护法 第五十三条: paid, not delivered
    assert "中华人民共和国消费者权益保护法 第五十三条" in page
    assert "已付款未发货" in page and "得分 2.0" in page         # the reason it is suggested, and its score
    assert "经营者以预收款方式提供商品或者服务的，应当按照约定提供。" in page   # its text, to read before citing
    assert "CRPL-55" not in codes                   # punitive damages only once fraud is found
    assert "SPC-EV-14" not in codes                 # no evidence on file: no evidence provisions


def test_the_facts_checklist_is_filled_from_the_order_record_and_at_most_8_suggestions_show_at_first(client, case):
    login(client, "arbitrator")
    page = text(client.get(f"/cases/{case.number}/ruling"))
    assert re.search(r'<input checked id="found_tags-0" name="found_tags" type="checkbox" value="paid_not_delivered">',
                     page)
    head, _sep, rest = page.partition("<details")
    assert len(suggested_codes(head)) == 8 and suggested_codes(rest)
    assert "条得分较低的建议" in rest


def test_ticking_a_finding_and_refreshing_updates_the_suggestions_without_saving(client, session, case):
    login(client, "arbitrator")
    response = client.post(f"/cases/{case.number}/ruling", data={"do": "refresh", "found_tags": ["fraud"],
                                                                 "facts_found": FACTS})
    assert response.status_code == 200
    page = text(response)
    assert suggested_codes(page)[0] == "CRPL-55"
    assert "CRPL-53" not in suggested_codes(page)     # "paid, not delivered" was removed from the checklist
    assert "明知是假卡或已使用的卡密（欺诈）：惩罚性赔偿" in page
    assert FACTS in page                              # what was typed stays in the form
    assert rulings_on(session, case) == [] and session.scalars(sa.select(RulingDraft)).all() == []
    session.refresh(case)
    assert case.state == CaseState.review


def test_the_confirmed_draft_issues_the_ruling_and_its_pdf_is_ready_after_the_request(client, session, case):
    login(client, "arbitrator")
    response = issue_through_the_form(client, case)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.number}")
    [ruling] = rulings_on(session, case)
    session.refresh(case)
    assert case.state == CaseState.reconsideration_window and case.outcome == "ruled"
    assert ruling.number == f"{case.number}-1" and ruling.kind == "reasoned" and ruling.decision == "upheld"
    assert ruling.facts_found == FACTS and ruling.reasoning == REASONING
    assert ruling.remedies == [{"remedy": "full_refund", "amount_fen": 10_000}]
    assert [(c.provision.code, c.provision.version) for c in ruling.citations] == [("CRPL-53", 1), ("CC-563", 1)]
    assert ruling.citations[0].reason == "已付款未发货"
    assert ruling.pdf_state == "ready" and re.fullmatch(r"[0-9a-f]{64}", ruling.pdf_sha256)   # jobs run at once
    page = text(client.get(f"/cases/{case.number}"))
    assert f"处理决定 {ruling.number} 已作出" in page


def test_codes_typed_in_other_provisions_are_cited_too(client, session, case):
    login(client, "arbitrator")
    response = issue_through_the_form(client, case, citations=["CRPL-53"], other_citations="ecl-63，CC-577")
    assert response.status_code == 302
    [ruling] = rulings_on(session, case)
    assert [c.provision.code for c in ruling.citations] == ["CRPL-53", "ECL-63", "CC-577"]


@pytest.mark.parametrize("changes, message", [
    ({"citations": None}, "请至少引用一条法律条文。"),
    ({"reasoning": ""}, "必须写明理由（至少 20 个字）。"),
    ({"reasoning": "商家未发货。"}, "必须写明理由（至少 20 个字）。"),
    ({"decision": "dismissed"}, "不予支持的请求不能决定任何救济"),
    ({"full_refund": None, "compensation": "150"}, "依所引条文，赔偿最多为 ¥100.00"),
    ({"other_citations": "XYZ-999"}, "XYZ-999 不是法规库中现行有效的条文。"),
    ({"decision": None}, "请选择对请求的处理结果。"),
    ({"facts_found": "未发货"}, "请写明查明的事实（至少 10 个字）。"),
    ({"full_refund": None}, "支持请求时至少要决定一项救济。"),
    ({"full_refund": None, "partial_refund": "150"}, "该订单最多还可退 ¥100.00。"),
    ({"partial_refund": "30"}, "全额退款与部分退款只能选择其一。"),
], ids=["no citation", "no reasoning", "short reasoning", "dismissed with a remedy",
        "compensation over the price without CRPL-55", "unknown code", "no decision", "short facts",
        "upheld without a remedy", "partial refund over the price", "full and partial refund"])
def test_a_draft_that_would_not_issue_is_kept_and_sent_back_to_its_form_with_the_reason(
        client, session, case, changes, message):
    login(client, "arbitrator")
    saved = client.post(f"/cases/{case.number}/ruling", data={**the_form(**changes), "do": "issue"})
    assert saved.status_code == 302                                   # the draft is saved as it is ...
    response = client.get(f"/cases/{case.number}/ruling/issue")      # ... but cannot be confirmed
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.number}/ruling")
    assert message in text(client.get(f"/cases/{case.number}/ruling"))
    response = client.post(f"/cases/{case.number}/ruling/issue")     # nor issued by posting anyway
    assert response.status_code == 302 and message in text(client.get(f"/cases/{case.number}/ruling"))
    assert rulings_on(session, case) == []
    session.refresh(case)
    assert case.state == CaseState.review


def test_an_unknown_finding_is_refused_with_its_message_shown_next_to_the_findings(client, session, case):
    """A finding outside the list (a tampered form) is refused; the arbitrator must be told why."""
    login(client, "arbitrator")
    response = client.post(f"/cases/{case.number}/ruling", data=the_form(found_tags=["bored"]))
    assert response.status_code == 400
    assert rulings_on(session, case) == [] and session.scalars(sa.select(RulingDraft)).all() == []
    assert "请从列表中选择认定的事实。" in text(response)


def test_compensation_above_the_price_is_allowed_when_the_punitive_damages_provision_is_cited(
        client, session, case):
    login(client, "arbitrator")
    response = issue_through_the_form(client, case, full_refund=None, compensation="300",
                                      citations=["CRPL-53", "CRPL-55"])
    assert response.status_code == 302
    [ruling] = rulings_on(session, case)
    assert ruling.remedies == [{"remedy": "compensation", "amount_fen": 30_000}]


def test_only_the_assigned_arbitrator_of_a_case_in_review_gets_the_ruling_form(app, session, case, issued):
    for username in ("buyer", "merchant", "supervisor", "admin"):
        assert client_of(app, username).get(f"/cases/{case.number}/ruling").status_code == 404
        assert client_of(app, username).get(f"/cases/{case.number}/ruling/issue").status_code == 404
    # once ruled, the case is in its reconsideration window: no second ruling from the same form
    arbitrator = client_of(app, "arbitrator")
    assert arbitrator.post(f"/cases/{case.number}/ruling", data=the_form()).status_code == 409
    assert arbitrator.post(f"/cases/{case.number}/ruling/issue").status_code == 409
    assert len(rulings_on(session, case)) == 1


# ---- reading and downloading ----

def test_the_buyer_downloads_the_pdf_and_the_download_is_logged(client, session, personas, case, issued):
    login(client, "buyer")
    response, body = download(client, issued)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert f"{issued.number}.pdf" in response.headers["Content-Disposition"]
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == issued.pdf_sha256
    assert int(response.headers["Content-Length"]) == len(body) == issued.pdf_size
    session.expire_all()
    downloads = [e for e in events_of("case", case.id) if e.action == "ruling.downloaded"]
    assert len(downloads) == 1
    assert downloads[0].actor_id == personas["buyer"].id and downloads[0].data == {"ruling": issued.number}


def test_a_pdf_still_being_prepared_is_not_downloaded_yet(app, session, personas, case):
    ruling = rulings.issue_ruling(case, personas["arbitrator"], decision="upheld", facts_found=FACTS,
                                  reasoning=REASONING, remedies=[rules.Remedy("full_refund")], citations=["CRPL-53"])
    buyer = client_of(app, "buyer")
    response = buyer.get(f"/rulings/{ruling.number}/pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/rulings/{ruling.number}")
    page = text(buyer.get(f"/rulings/{ruling.number}"))
    assert f"处理决定 {ruling.number} 的决定书正在生成，请稍后再试。" in page
    assert f"/rulings/{ruling.number}/pdf" not in page
    session.expire_all()
    assert [e for e in events_of("case", case.id) if e.action == "ruling.downloaded"] == []


def test_the_ruling_page_shows_the_decision_the_cited_texts_and_the_hash(app, case, issued):
    page = text(client_of(app, "merchant").get(f"/rulings/{issued.number}"))
    assert f"决定书 {issued.number}" in page
    assert FACTS in page and REASONING in page
    assert "中华人民共和国消费者权益保护法 第五十三条" in page and "2014-03-15 施行的版本" in page
    assert "经营者以预收款方式提供商品或者服务的，应当按照约定提供。" in page
    assert issued.pdf_sha256 in page and f"/rulings/{issued.number}/pdf" in page


@pytest.mark.parametrize("username", ["buyer_b", "merchant_b", "support"])
def test_people_outside_the_case_get_404_for_the_ruling_and_its_pdf(app, session, case, issued, username):
    other = client_of(app, username)
    assert other.get(f"/rulings/{issued.number}").status_code == 404
    response, body = download(other, issued)
    assert response.status_code == 404 and not body.startswith(b"%PDF")
    session.expire_all()
    assert [e for e in events_of("case", case.id) if e.action == "ruling.downloaded"] == []


def test_an_unknown_ruling_number_is_404(app, case, issued):
    buyer = client_of(app, "buyer")
    assert buyer.get(f"/rulings/{case.number}-9").status_code == 404
    assert buyer.get(f"/rulings/{case.number}-9/pdf").status_code == 404


# ---- verification ----

def test_the_verify_page_says_the_downloaded_pdf_is_the_issued_ruling(app, case, issued):
    _response, body = download(client_of(app, "buyer"), issued)
    response = verify(client_of(app, "merchant_b"), body)
    assert response.status_code == 200
    page = text(response)
    assert f"这是案件 {case.number} 的决定书 {issued.number}" in page
    assert issued.pdf_sha256 in page


def test_a_pdf_with_one_byte_changed_is_not_the_issued_ruling(app, case, issued):
    _response, body = download(client_of(app, "buyer"), issued)
    changed = bytearray(body)
    changed[len(changed) // 2] ^= 0x01
    response = verify(client_of(app, "buyer"), bytes(changed))
    assert response.status_code == 200
    page = text(response)
    assert "本平台出具的文书中没有与此哈希值相同的" in page
    assert issued.number not in page
    assert hashlib.sha256(bytes(changed)).hexdigest() in page


def test_an_anonymous_visitor_can_use_the_verify_page(app, case, issued):
    anonymous = client_of(app, None)
    response = anonymous.get("/rulings/verify")
    assert response.status_code == 200 and "核验决定书" in text(response)
    _response, body = download(client_of(app, "buyer"), issued)
    response = verify(anonymous, body)
    assert response.status_code == 200
    assert f"决定书 {issued.number}" in text(response)


def test_verifying_without_a_file_asks_for_one(client, session):
    response = client.post("/rulings/verify", content_type="multipart/form-data", data={})
    assert response.status_code == 400
    assert "请选择要核验的 PDF 文件。" in text(response)


# ---- stored XSS ----

def test_script_in_statement_facts_and_reasoning_is_escaped_on_the_page_and_literal_in_the_pdf(
        app, session, personas):
    case = make_case("review", arbitrator=personas["arbitrator"], statement="付款后商家拒绝取消，也一直没有发货。" + SCRIPT)
    arbitrator = client_of(app, "arbitrator")
    response = issue_through_the_form(arbitrator, case, facts_found=FACTS + SCRIPT, reasoning=REASONING + SCRIPT)
    assert response.status_code == 302
    [ruling] = rulings_on(session, case)
    assert ruling.pdf_state == "ready"
    buyer = client_of(app, "buyer")
    page = text(buyer.get(f"/rulings/{ruling.number}"))
    assert SCRIPT not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3      # statement, facts, reasoning
    _response, body = download(buyer, ruling)
    words = re.sub(r"\s+", "", pdf_text(body))        # the layout wraps long lines
    assert words.count(SCRIPT) == 3
    assert FACTS + SCRIPT in words and REASONING + SCRIPT in words
    assert "&lt;" not in words and "&amp;" not in words


# ---- the case page ----

@pytest.mark.parametrize("username", ["buyer", "merchant"])
def test_the_case_page_shows_the_decisions_with_the_download_link_for_the_parties(app, case, issued, username):
    page = text(client_of(app, username).get(f"/cases/{case.number}"))
    assert "处理决定" in page and issued.number in page
    assert f'href="/rulings/{issued.number}/pdf"' in page and f'href="/rulings/{issued.number}"' in page
    assert issued.pdf_sha256 in page


def test_support_sees_the_case_but_no_link_to_the_ruling(app, case, issued):
    page = text(client_of(app, "support").get(f"/cases/{case.number}"))
    assert issued.number in page
    assert f"/rulings/{issued.number}" not in page


def test_the_ruling_page_says_in_words_what_each_party_gets_or_must_do(app, case, issued):
    page = text(client_of(app, "buyer").get(f"/rulings/{issued.number}"))
    assert "这份决定对您意味着什么" in page
    assert "决定生效后，商家应全额退款（¥100.00）至原支付渠道。" in page


def test_a_dismissed_claim_says_nothing_is_ordered_on_its_ruling_page(app, session, personas, case):
    ruling = rulings.issue_ruling(case, personas["arbitrator"], decision="dismissed", facts_found=FACTS,
                                  reasoning=REASONING, remedies=[], citations=["CRPL-53"])
    session.commit()
    page = text(client_of(app, "merchant").get(f"/rulings/{ruling.number}"))
    assert "这份决定对您意味着什么" in page and "驳回" in page
