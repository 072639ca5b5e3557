"""Browser journeys through the real pages: buyer, merchant, arbitrators and the regulator, each logged in
in their own browser context, against the app served by `flask serve` (see conftest.py).

The journeys share one server and its clock; the default-ruling journey moves that clock 49 hours ahead, so it is
marked `moves_clock` and runs after every other test (tests/browser/conftest.py).
"""
from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright for Python (`make test`)")

from playwright.sync_api import expect  # noqa: E402

from tests import files  # noqa: E402
from tests.browser.pages import (assert_fits, assigned_arbitrator, download, expect_case_state,  # noqa: E402
                                 expect_success, follow, no_more_evidence, open_case, open_case_page, open_order,
                                 pdf_text, refuse_claim, reveal, sha256, submit, upload_evidence, wait_for_ruling_pdf,
                                 write_ruling)


@pytest.fixture
def evidence_files(tmp_path):
    """Real files, made in code (tests/files.py): a PNG and a PDF per party, and the buyer's supplement."""
    made = {
        "buyer_png": ("兑换失败截图.png", files.png(6, 4)),
        "buyer_pdf": ("支付凭证.pdf", files.pdf("paid 100 yuan KM order")),
        "merchant_png": ("发货后台截图.png", files.png(8, 5)),
        "merchant_pdf": ("订单记录.pdf", files.pdf("merchant order record")),
        "supplement": ("银行扣款短信.png", files.png(3, 7)),
    }
    paths = {}
    for key, (name, data) in made.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths[key] = path
    return paths


def test_a_paid_order_goes_from_a_refused_cancellation_to_a_ruling_the_buyer_downloads_and_a_regulator_exports(
        server, login, shot, evidence_files, tmp_path):
    journey = "main"
    order = server.orders["main"]
    buyer = login("buyer")

    # the buyer asks to cancel the paid order
    open_order(buyer, order)
    shot(buyer, journey, "01-order-paid")
    follow(buyer, "申请取消")
    buyer.check("input[name=reason][value=wrong_item]")
    buyer.fill("textarea[name=description]", "拍错了面值，需要的是50元卡。")
    submit(buyer, "提交申请")
    expect_success(buyer, "您的取消申请已提交给商家")

    # the merchant rejects it from its queue
    merchant = login("merchant")
    follow(merchant, "待处理申请")
    shot(merchant, journey, "02-merchant-queue")
    follow(merchant, order)
    merchant.check("input[name=decision][value=reject]")
    merchant.fill("textarea[name=text]", "卡密已锁定待发，按店铺规则不支持取消。")
    submit(merchant, "提交答复")
    expect_success(merchant, "您的答复已发送给买家")

    # the buyer opens a case
    case = open_case(buyer, order, category="not_as_described", remedy="full_refund")
    expect_case_state(buyer, "协商")
    expect(buyer.locator("#now")).to_contain_text("到期后")        # by when, and what happens otherwise

    # both parties upload a PNG and a PDF on the case page
    upload_evidence(buyer, [evidence_files["buyer_png"], evidence_files["buyer_pdf"]], kind="screenshot",
                    description="兑换页面提示卡密无效，以及付款凭证")
    follow(merchant, "争议案件")
    follow(merchant, case)
    upload_evidence(merchant, [evidence_files["merchant_png"], evidence_files["merchant_pdf"]], kind="order_record",
                    description="后台订单记录")
    shot(merchant, journey, "03-case-evidence")

    # the merchant refuses the claim: evidence; the merchant has nothing more
    refuse_claim(merchant, case)
    no_more_evidence(merchant, case)

    # the arbitrator (tied to no party; the second one has a conflict with this store) asks the buyer for more
    arbitrator = login("arbitrator")
    follow(arbitrator, "争议案件")
    follow(arbitrator, case)
    shot(arbitrator, journey, "04-case-arbitrator")
    reveal(arbitrator, "要求")
    form = arbitrator.locator("form", has=arbitrator.locator("input[name=party]"))
    form.locator("input[name=party][value=buyer]").check()
    form.locator("textarea[name=note]").fill("请补充银行扣款记录。")
    submit(arbitrator, "要求", form)
    expect_success(arbitrator, "已要求该方补充举证")
    expect_case_state(arbitrator, "补充举证")

    # the buyer uploads the supplement and declares no more evidence: the case is under review
    open_case_page(buyer, case)
    upload_evidence(buyer, [evidence_files["supplement"]], kind="payment_record", description="银行扣款短信")
    submit(buyer, "我没有更多证据了")
    expect_success(buyer, "您的举证期已结束")
    expect_case_state(buyer, "审理")

    # the arbitrator writes and issues the ruling
    ruling = write_ruling(arbitrator, case, shot=shot, journey=journey, step="05-ruling-form")
    assert ruling == f"{case}-1"
    expect_case_state(arbitrator, "已作出决定（复核期）")

    # the PDF is rendered in the background; the buyer downloads it
    link = wait_for_ruling_pdf(buyer, case)
    shot(buyer, journey, "06-case-ruled")
    name, data = download(buyer, link)
    assert name == f"{ruling}.pdf"
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "争议处理决定书" in text
    assert case in text and ruling in text
    follow(buyer, "查看决定")
    expect(buyer.locator("h1")).to_have_text(f"决定书 {ruling}")
    shot(buyer, journey, "07-ruling-page")

    # anyone checks the downloaded document on the public verify page (desktop and phone): every check passes
    saved = tmp_path / name
    saved.write_bytes(data)
    for page, step in ((buyer, "07a-verify"), (login("support", width=375), "07b-verify-phone")):
        page.goto("/rulings/verify")
        page.set_input_files("input[type=file]", str(saved))
        page.get_by_role("button", name="核验", exact=True).click()
        result = page.locator(".verify-result")
        expect(result).to_contain_text(ruling)
        expect(result).to_contain_text("以下各项核验均已通过")
        expect(result.locator(".check-signature")).to_contain_text("通过")
        expect(result.locator(".check-unchanged")).to_contain_text("没有任何一个字节被改动")
        expect(result.locator(".tag.bad")).to_have_count(0)
        shot(page, journey, step)

    # the regulator downloads the case's dossier: the timeline and every file's hash
    regulator = login("regulator")
    open_case_page(regulator, case)
    response = regulator.request.get(f"{server.url}/cases/{case}/dossier")
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    dossier = response.body()
    assert dossier.startswith(b"%PDF")
    text = pdf_text(dossier)
    for line in ("买家提起案件", "提交了证据", "商家拒绝买家请求", "已指派争议处理专员", "争议处理专员要求补充举证",
                 "一方声明无更多证据", "举证阶段结束", "作出处理决定"):
        assert line in text, f"the dossier's timeline lacks {line}"
    for path in evidence_files.values():
        assert sha256(path) in text, f"the dossier lacks the hash of {path.name}"
    assert ruling in text


def test_the_assigned_arbitrator_reads_the_parties_evidence_on_the_case_page(server, login, evidence_files):
    buyer = login("buyer")
    case = open_case(buyer, server.orders["arbitrator_evidence"])
    screenshot = evidence_files["buyer_png"]
    upload_evidence(buyer, [screenshot], kind="screenshot", description="兑换页面提示卡密无效")
    href = buyer.locator("ul.evidence a", has_text=screenshot.name).get_attribute("href")
    refuse_claim(login("merchant_b"), case)

    _name, arbitrator = assigned_arbitrator(login, case)     # on the case page, loaded
    problems = []
    if not arbitrator.locator("ul.evidence", has_text=screenshot.name).count():
        problems.append(f"the case page lists no evidence: {arbitrator.locator('p.empty').all_inner_texts()}")
    response = arbitrator.request.get(server.url + href)
    if response.status != 200 or response.body() != screenshot.read_bytes():
        problems.append(f"GET {href} answers {response.status}")
    assert not problems, problems


def test_the_regulator_finds_the_dossier_on_the_case_page(server, login):
    case = open_case(login("buyer"), server.orders["dossier_link"])
    regulator = login("regulator")
    follow(regulator, "争议案件")
    regulator.fill("input[name=q]", case)
    submit(regulator, "筛选")
    follow(regulator, case)
    expect(regulator.locator(f"a[href*='/cases/{case}/dossier']").first).to_be_visible(timeout=2000)


def test_an_unpaid_order_is_cancelled_at_once_by_the_buyer(server, login, shot):
    journey = "unpaid"
    order = server.orders["unpaid"]
    buyer = login("buyer")
    open_order(buyer, order)
    shot(buyer, journey, "01-order")
    follow(buyer, "取消订单")
    expect(buyer.locator("main")).to_contain_text("订单尚未付款，将立即取消。")
    submit(buyer, "取消订单")
    expect_success(buyer, "订单已取消。")
    expect(buyer.locator(".page-head .tag.state-cancelled")).to_have_text("已取消")
    expect(buyer.get_by_role("link", name="取消订单")).to_have_count(0)
    shot(buyer, journey, "02-cancelled")


def test_the_merchant_asks_for_reconsideration_and_a_different_arbitrator_rules_again(server, login, shot):
    journey = "reconsideration"
    buyer = login("buyer")
    case = open_case(buyer, server.orders["reconsideration"], category="non_delivery")
    merchant = login("merchant_b")
    refuse_claim(merchant, case)
    no_more_evidence(buyer, case)
    no_more_evidence(merchant, case)
    expect_case_state(merchant, "审理")

    first, first_page = assigned_arbitrator(login, case)
    first_ruling = write_ruling(first_page, case)
    assert first_ruling == f"{case}-1"

    # the merchant asks once, with new facts
    open_case_page(merchant, case)
    reveal(merchant, "申请复核")
    form = merchant.locator("form", has=merchant.locator("textarea[name=new_facts]"))
    form.locator("textarea[name=new_facts]").fill("买家账号在付款后已收到卡密短信，附后台发货日志。")
    submit(merchant, "申请复核", form)
    expect_success(merchant, "已申请复核")
    expect_case_state(merchant, "复核")
    expect(merchant.get_by_role("button", name="申请复核", exact=True)).to_have_count(0)   # once per party

    second, second_page = assigned_arbitrator(login, case)
    assert second != first, "the reconsideration went back to the arbitrator who ruled"
    second_ruling = write_ruling(second_page, case, decision="partly_upheld", full_refund=False,
                                 partial_refund="50.00", shot=shot, journey=journey,
                                 step="01-ruling-form")
    assert second_ruling == f"{case}-2"
    expect_case_state(second_page, "执行")
    rulings = second_page.locator("#rulings .request")
    expect(rulings).to_have_count(2)
    expect(rulings.nth(0)).to_contain_text(second_ruling)
    expect(rulings.nth(1)).to_contain_text(first_ruling)
    expect(rulings.nth(1)).to_contain_text("已被取代")
    shot(second_page, journey, "02-case-reconsidered")
    follow(second_page, "查看决定")
    expect(second_page.locator("main")).to_contain_text(f"本决定取代 {first_ruling}。")
    shot(second_page, journey, "03-ruling-page")


def test_the_key_pages_fit_a_phone_screen_375_px_wide(server, login, shot):
    journey = "phone"
    width = 375
    order = server.orders["phone"]
    buyer = login("buyer", width=width)
    open_order(buyer, order)
    assert_fits(buyer, width)
    shot(buyer, journey, "01-order")

    case = open_case(buyer, order)
    assert_fits(buyer, width)
    shot(buyer, journey, "02-case")

    merchant = login("merchant_b", width=width)
    refuse_claim(merchant, case)
    no_more_evidence(merchant, case)
    no_more_evidence(buyer, case)
    assert_fits(buyer, width)

    name, arbitrator = assigned_arbitrator(lambda user: login(user, width=width), case)
    follow(arbitrator, "撰写处理决定")
    assert_fits(arbitrator, width)
    shot(arbitrator, journey, "03-ruling-form")
    ruling = write_ruling(arbitrator, case)
    assert_fits(arbitrator, width)
    shot(arbitrator, journey, "04-case-ruled")

    follow(arbitrator, "查看决定")
    expect(arbitrator.locator("h1")).to_have_text(f"决定书 {ruling}")
    assert_fits(arbitrator, width)
    shot(arbitrator, journey, "05-ruling-page")

    for who, page in (("buyer", buyer), (name, arbitrator)):
        page.goto("/cases")
        expect(page.locator("table.list")).to_contain_text(case)
        assert_fits(page, width)
        shot(page, journey, f"06-cases-list-{who}")


@pytest.mark.moves_clock
def test_a_silent_merchant_gets_a_default_ruling_when_the_48_hours_pass(server, login, shot):
    """Moves the server's clock 49 hours ahead (for every later test): keep it last."""
    journey = "default"
    buyer = login("buyer")
    case = open_case(buyer, server.orders["default"], category="non_delivery", remedy="full_refund")
    expect_case_state(buyer, "协商")

    moved = server.post("/__testing__/clock/advance?hours=49")
    assert moved["now"]
    swept = server.post("/__testing__/sweep")
    assert swept["applied"] >= 1, swept

    open_case_page(buyer, case)
    expect_case_state(buyer, "已作出决定（复核期）")
    decision = buyer.locator("#rulings .request").first
    expect(decision).to_contain_text("缺席处理决定（逾期未答复）")
    expect(buyer.locator(".timeline")).to_contain_text("商家逾期未答复：缺席处理决定")
    shot(buyer, journey, "01-case-default-ruling")

    link = wait_for_ruling_pdf(buyer, case)
    name, data = download(buyer, link)
    ruling = f"{case}-1"
    assert name == f"{ruling}.pdf"
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "争议处理决定书" in text and case in text
    follow(buyer, "查看决定")
    expect(buyer.locator("main")).to_contain_text("平台（系统，因逾期未答复）")
    shot(buyer, journey, "02-ruling-page")
