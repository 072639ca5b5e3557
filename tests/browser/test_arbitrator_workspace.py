"""The arbitrator's workspace in the browser (issue 18): the case file with the order, the refused request and
both parties' evidence side by side; an internal note; a draft and its preview marked 草稿; the supervisor's
four-eyes rule sending the draft for approval; the approval; the issue. The parties see neither the draft nor
the note."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright for Python (`make test`)")

from playwright.sync_api import expect  # noqa: E402

from tests.browser.pages import expect_success, follow, open_case_page, pdf_text, submit  # noqa: E402

NOTE = "买家付款截图时间与订单一致；商家的后台记录未显示充值账号，需对照。"
FACTS = "买家付款8000元后两天内商家未发货，买家申请取消被拒；商家提交的后台记录未显示向买家账号充值。"
REASONING = "商家以预收款方式销售点卡，收款后未按约定交付，买家在交付前解除合同并请求退回预付款，应予支持。"


def test_the_arbitrator_decides_from_the_file_and_a_supervisor_approves_the_draft_before_it_is_issued(
        server, login, shot):
    journey, number = "arbitrator-workspace", server.orders["workspace"]

    # the supervisor's rule: drafts where more than ¥5,000 is at stake go to a supervisor
    supervisor = login("supervisor")
    supervisor.goto("/rulings/four-eyes")
    supervisor.fill("input[name=amount_over]", "5000")
    submit(supervisor, "保存规则")
    expect_success(supervisor, "")
    expect(supervisor.locator("input[name=amount_over]")).to_have_value(re.compile(r"^5000(\.00)?$"))

    # the arbitrator lands on the case: the file, with the order, the refused request and both sides' evidence
    arbitrator = login("arbitrator", width=1280, height=800)
    open_case_page(arbitrator, number)
    casefile = arbitrator.locator("#file")
    expect(casefile).to_contain_text("被拒绝的申请")
    expect(casefile).to_contain_text("充值已到账，不同意取消。")
    expect(casefile).to_contain_text("¥8,000.00")
    buyer_side = casefile.get_by_role("heading", name=re.compile("买家的证据"))
    merchant_side = casefile.get_by_role("heading", name=re.compile("商家的证据"))
    expect(casefile).to_contain_text("付款记录.png")
    expect(casefile).to_contain_text("充值后台记录.png")
    left, right = buyer_side.bounding_box(), merchant_side.bounding_box()
    assert abs(left["y"] - right["y"]) < 2 and left["x"] < right["x"], "the two sides are not side by side"
    shot(arbitrator, journey, "01-case-file")

    # an internal note
    notes = arbitrator.locator("#notes")
    notes.locator("textarea[name=body]").fill(NOTE)
    submit(arbitrator, "保存笔记", notes)
    expect(arbitrator.locator("#notes")).to_contain_text(NOTE)

    # the draft, saved, then its preview: the document marked 草稿 with the facts
    follow(arbitrator, "撰写处理决定")
    arbitrator.fill("textarea[name=facts_found]", FACTS)
    arbitrator.check("input[name=decision][value=upheld]")
    arbitrator.check("input[name=full_refund]")
    arbitrator.fill("textarea[name=reasoning]", REASONING)
    arbitrator.locator("#suggestions .suggestion input[name=citations]").first.check()
    submit(arbitrator, "保存草稿")
    expect_success(arbitrator, "草稿已保存")
    preview = arbitrator.get_by_role("link", name=re.compile("预览决定书"))
    response = arbitrator.request.get(preview.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body()).replace("\n", "")
    assert "草稿" in text and number in text and "商家提交的后台记录未显示向买家账号充值" in text
    draft_path = re.sub(r"/preview$", "", preview.get_attribute("href"))

    # issuing: the rule catches it, so it goes to a supervisor first
    follow(arbitrator, "继续，作出决定…")
    expect(arbitrator.locator("main")).to_contain_text("涉及金额")
    shot(arbitrator, journey, "02-confirm-four-eyes")
    submit(arbitrator, "提交主管审核")
    expect_success(arbitrator, "主管")

    # the parties see no draft and no note
    for party in ("buyer", "merchant"):
        page = login(party)
        open_case_page(page, number)
        main = page.locator("main").inner_text()
        assert NOTE not in main and FACTS not in main and "草稿" not in main, party
        assert page.request.get(draft_path).status == 404
        assert page.request.get(draft_path + "/preview").status == 404

    # the supervisor approves from the list of drafts waiting
    supervisor.goto("/rulings/drafts")
    expect(supervisor.locator("main")).to_contain_text(number)
    supervisor.goto(draft_path)
    expect(supervisor.locator("main")).to_contain_text(FACTS)
    supervisor.fill("textarea[name=note]", "事实认定清楚，同意。")
    submit(supervisor, "批准：仲裁员可以作出决定")
    expect_success(supervisor, "")
    shot(supervisor, journey, "03-supervisor-approved")

    # the arbitrator issues it
    open_case_page(arbitrator, number)
    follow(arbitrator, "撰写处理决定")
    expect(arbitrator.locator("#draft-status")).to_contain_text("事实认定清楚，同意。")
    follow(arbitrator, "继续，作出决定…")
    submit(arbitrator, "作出处理决定")
    expect(arbitrator.locator(".flash-success")).to_contain_text("已作出")
    shot(arbitrator, journey, "04-issued")

    # the buyer reads what it means; still no note
    buyer = login("buyer", width=375, height=812)
    open_case_page(buyer, number)
    expect(buyer.locator("#now")).to_contain_text("全额退款（¥8,000.00）至原支付渠道")
    assert NOTE not in buyer.locator("main").inner_text()
    shot(buyer, journey, "05-buyer-ruled-phone")
