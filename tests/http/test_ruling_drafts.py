"""The ruling draft through the pages: saved and resumed, previewed as the exact document marked 草稿, confirmed
before issuing, sent to a supervisor by the four-eyes rules; never seen by the parties or anyone else."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from arbitration import clock
from arbitration.audit.services import events_of
from arbitration.auth.models import Role
from arbitration.rulings import review
from arbitration.rulings.models import Ruling, RulingDraft
from arbitration.storage import app_store
from tests.conftest import client_of, text
from tests.factories import FACTS, REASONING, create_user, make_case, scripts_are_our_own_files, the_form

SECRET_FACTS = FACTS + "（草稿中的认定：商家客服录音甲）"


@pytest.fixture
def case(session, personas):
    return make_case("review", arbitrator=personas["arbitrator"])


@pytest.fixture
def arbitrator(app, case):
    return client_of(app, "arbitrator")


def save(client, case, do="save", **changes):
    return client.post(f"/cases/{case.number}/ruling", data={**the_form(**{"facts_found": SECRET_FACTS, **changes}),
                                                             "do": do})


def the_draft(session):
    session.expire_all()
    return session.scalar(sa.select(RulingDraft))


def test_the_form_saves_a_draft_that_the_arbitrator_resumes_later(session, case, arbitrator):
    response = save(arbitrator, case, decision="partly_upheld", full_refund=None, partial_refund="30",
                    citations=["CRPL-53"], other_citations="ECL-63")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.number}/ruling")
    page = text(arbitrator.get(f"/cases/{case.number}/ruling"))
    assert "草稿已保存。只有您和主管可以看到" in page
    assert SECRET_FACTS in page and REASONING in page
    assert re.search(r'<input checked id="decision-1" name="decision" type="radio" value="partly_upheld">', page)
    assert 'value="30.00"' in page or 'value="30"' in page
    assert re.search(r'name="citations" value="CRPL-53" checked', page)
    assert 'value="ECL-63"' in page                     # typed codes come back in their own field
    assert "撰写中，尚未作出" in page and "最后保存于" in page
    draft = the_draft(session)
    assert draft.state == "draft" and draft.remedies == [{"remedy": "partial_refund", "amount_fen": 3_000}]
    assert session.scalars(sa.select(Ruling)).all() == []


@pytest.mark.parametrize("username", ["buyer", "merchant", "regulator", "support", "admin", "buyer_b",
                                      "merchant_b", "other_arbitrator"])
def test_nobody_but_its_arbitrator_and_the_supervisors_sees_a_draft_or_its_preview(
        app, session, case, arbitrator, username):
    save(arbitrator, case)
    draft = the_draft(session)
    if username == "other_arbitrator":
        create_user("other_arbitrator", Role.arbitrator)
    other = client_of(app, username)
    assert other.get(f"/rulings/drafts/{draft.id}").status_code == 404
    preview = other.get(f"/rulings/drafts/{draft.id}/preview")
    assert preview.status_code == 404 and not preview.data.startswith(b"%PDF")
    assert other.post(f"/rulings/drafts/{draft.id}/approve", data={"note": ""}).status_code == 404
    assert other.get("/rulings/drafts").status_code == 403
    if username in ("buyer", "merchant", "regulator", "support"):           # they see the case, not the draft
        page = text(other.get(f"/cases/{case.number}"))
        assert "商家客服录音甲" not in page and f"/rulings/drafts/{draft.id}" not in page and "草稿" not in page
    session.expire_all()
    assert the_draft(session).state == "draft"


def test_a_supervisor_reads_a_draft_and_its_preview(app, session, case, arbitrator):
    save(arbitrator, case)
    draft = the_draft(session)
    supervisor = client_of(app, "supervisor")
    page = text(supervisor.get(f"/rulings/drafts/{draft.id}"))
    assert SECRET_FACTS in page and "仲裁员保存了决定草稿" in page
    assert "你的审核" not in page and "您的审核" not in page          # nothing to approve: it was not sent
    assert supervisor.get(f"/rulings/drafts/{draft.id}/preview").data.startswith(b"%PDF")


def test_the_preview_is_the_document_marked_draft_on_every_page_and_is_not_stored(app, session, case, arbitrator):
    response = save(arbitrator, case, do="preview")
    draft = the_draft(session)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/rulings/drafts/{draft.id}/preview")
    stored = sorted(app_store().iter_keys(""))
    preview = arbitrator.get(f"/rulings/drafts/{draft.id}/preview")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert "no-store" in preview.headers["Cache-Control"]
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(preview.data)).pages]
    assert all("草稿" in page for page in pages)
    words = re.sub(r"\s+", "", "".join(pages))
    assert SECRET_FACTS in words and f"{case.number}-1" in words and "争议处理专员" in words
    assert sorted(app_store().iter_keys("")) == stored
    session.expire_all()
    assert session.scalars(sa.select(Ruling)).all() == []


def test_a_draft_that_would_not_issue_is_not_previewed_and_the_arbitrator_is_told_why(session, case, arbitrator):
    save(arbitrator, case, reasoning="太短")
    draft = the_draft(session)
    response = arbitrator.get(f"/rulings/drafts/{draft.id}/preview")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.number}/ruling")
    assert "草稿暂不能预览：必须写明理由（至少 20 个字）。" in text(arbitrator.get(response.headers["Location"]))


def test_the_confirmation_shows_the_decision_the_remedies_in_words_and_the_citations_without_script(
        session, case, arbitrator):
    save(arbitrator, case, do="issue", compensation="20", citations=["CRPL-53", "CC-563"])
    page = text(arbitrator.get(f"/cases/{case.number}/ruling/issue"))
    assert "对申请人的请求（全额退款）：支持。" in page
    assert "全额退款: ¥100.00" in page and "赔偿: ¥20.00" in page
    assert "中华人民共和国消费者权益保护法 第五十三条" in page and "中华人民共和国民法典 第五百六十三条" in page
    assert scripts_are_our_own_files(page)                 # the page itself asks: no script needed
    assert f'<form method="post" action="/cases/{case.number}/ruling/issue">' in page
    assert session.scalars(sa.select(Ruling)).all() == []            # looking is not issuing
    response = arbitrator.post(f"/cases/{case.number}/ruling/issue")
    assert response.status_code == 302
    session.expire_all()
    [ruling] = session.scalars(sa.select(Ruling)).all()
    assert ruling.remedies == [{"remedy": "full_refund", "amount_fen": 10_000},
                               {"remedy": "compensation", "amount_fen": 2_000}]
    assert the_draft(session).state == "issued"


def test_four_eyes_a_supervisor_returns_then_approves_and_only_then_the_ruling_is_issued(
        app, session, personas, case, arbitrator):
    supervisor = client_of(app, "supervisor")
    response = supervisor.post("/rulings/four-eyes", data={"amount_over": "50", "reversal": "y"})
    assert response.status_code == 302
    save(arbitrator, case, do="issue")
    page = text(arbitrator.get(f"/cases/{case.number}/ruling/issue"))
    assert "本决定须经主管批准后才能作出：" in page and "涉及金额（¥100.00）超过 ¥50.00。" in page
    assert f'action="/cases/{case.number}/ruling/issue"' not in page          # no issue button, a send button
    response = arbitrator.post(f"/cases/{case.number}/ruling/issue")        # posting anyway is refused
    assert response.status_code == 409 and "本决定须经主管批准后才能作出" in text(response)

    assert arbitrator.post(f"/cases/{case.number}/ruling/send").status_code == 302
    page = text(arbitrator.get(f"/cases/{case.number}/ruling"))
    assert "主管正在审核此草稿" in page and '<fieldset class="plain" disabled>' in page
    clock.advance(dt.timedelta(minutes=90))
    home = text(supervisor.get("/"))
    assert "待您审核的决定草稿" in home and case.number in home
    waiting = text(supervisor.get("/rulings/drafts"))
    assert case.number in waiting and "1 小时 30 分钟" in waiting and "涉及金额（¥100.00）超过 ¥50.00。" in waiting
    draft = the_draft(session)
    response = supervisor.post(f"/rulings/drafts/{draft.id}/return", data={"note": ""})
    assert response.status_code == 400 and "请写明需要修改的内容（至少 5 个字）。" in text(response)
    assert supervisor.post(f"/rulings/drafts/{draft.id}/return",
                           data={"note": "请补充商家拒绝取消的时间。"}).status_code == 302

    page = text(arbitrator.get(f"/cases/{case.number}/ruling"))
    assert "请补充商家拒绝取消的时间。" in page and "请修改草稿后再次提交主管审核。" in page
    assert "主管审核累计用时：1 小时 30 分钟。" in page
    assert case.number in text(arbitrator.get("/"))                       # back from a supervisor, on the home page
    save(arbitrator, case, do="issue", facts_found=SECRET_FACTS + "九月三十日拒绝。")
    assert arbitrator.post(f"/cases/{case.number}/ruling/send").status_code == 302
    assert supervisor.post(f"/rulings/drafts/{draft.id}/approve", data={"note": "同意"}).status_code == 302
    page = text(arbitrator.get(f"/cases/{case.number}/ruling/issue"))
    assert "主管已批准" in page and f'action="/cases/{case.number}/ruling/issue"' in page
    assert arbitrator.post(f"/cases/{case.number}/ruling/issue").status_code == 302
    session.expire_all()
    [ruling] = session.scalars(sa.select(Ruling)).all()
    assert ruling.facts_found.endswith("九月三十日拒绝。")
    assert [e.action for e in events_of(review.DRAFT_SUBJECT, draft.id)] == [
        "ruling.drafted", "ruling.draft_sent", "ruling.draft_returned", "ruling.drafted", "ruling.draft_sent",
        "ruling.draft_approved", "ruling.draft_issued"]
    assert "草稿" not in text(client_of(app, "buyer").get(f"/cases/{case.number}"))


def test_the_four_eyes_rules_page_is_for_supervisors_and_admins_and_refuses_a_bad_amount(app, session, personas):
    for username in ("arbitrator", "buyer", "regulator"):
        assert client_of(app, username).get("/rulings/four-eyes").status_code == 403
    admin = client_of(app, "admin")
    page = text(admin.get("/rulings/four-eyes"))
    assert "见习仲裁员" in page and "Arbitrator" in page
    response = admin.post("/rulings/four-eyes", data={"amount_over": "-5"})
    assert response.status_code == 400 and "金额必须大于零。" in text(response)
    response = admin.post("/rulings/four-eyes", data={"in_training": "y", "trainees": [str(personas["arbitrator"].id)]})
    assert response.status_code == 302
    assert review.rules_in_force().in_training == frozenset({personas["arbitrator"].id})


def test_the_parties_ruling_page_names_the_dispute_handler_and_the_routes_that_stay_open(
        app, session, personas, case, arbitrator):
    save(arbitrator, case, do="issue")
    arbitrator.post(f"/cases/{case.number}/ruling/issue")
    session.expire_all()
    ruling = session.scalar(sa.select(Ruling))
    page = text(client_of(app, "buyer").get(f"/rulings/{ruling.number}"))
    assert "争议处理专员 Arbitrator" in page and "仲裁员" not in page
    assert "向市场监督管理部门投诉（全国12315平台 www.12315.cn 或 12315 热线）" in page
    assert "根据与对方达成的书面仲裁协议，向仲裁委员会申请仲裁" in page and "向人民法院提起诉讼" in page
