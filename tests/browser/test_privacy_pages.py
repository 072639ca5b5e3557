"""Personal information in the regulator's pages: the dossier masks it; an unmasked export needs a legal basis
and a case list, and a missing basis is said next to its field with what was typed kept (1280 and 375 px)."""
from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright for Python (`make test`)")

from playwright.sync_api import expect  # noqa: E402

from tests.browser.pages import assert_fits, expect_success, open_case, pdf_text  # noqa: E402

STATEMENT = "付款后没有收到卡密。我叫张伟国，电话13812345678，退款请打到银行卡6222021234567890123。"


@pytest.mark.parametrize("width", [1280, 375])
def test_the_regulator_reads_a_masked_dossier_and_asks_for_an_unmasked_export_with_a_legal_basis(
        server, login, shot, width):
    journey = f"privacy-{width}"
    case = open_case(login("buyer"), server.orders[f"privacy_{width}"], statement=STATEMENT)
    regulator = login("regulator", width=width)

    response = regulator.request.get(f"{server.url}/cases/{case}/dossier")
    assert response.ok, response.status
    text = "".join(pdf_text(response.body()).split())
    assert "138****5678" in text and "13812345678" not in text and "6222021234567890123" not in text
    assert "张伟国" not in text

    regulator.goto(f"/exports/new?q={case}")
    count = regulator.locator("main section.card p strong").first
    expect(count).to_have_text("1 个案件符合条件。")
    expect(regulator.locator("main")).to_contain_text("立案时间在")
    form = regulator.locator("#unmasked form")
    form.locator("textarea[name=case_list]").fill(case)
    form.get_by_role("button", name="开始导出（不遮盖个人信息）").click()
    regulator.wait_for_load_state()
    error = regulator.locator("#unmasked .error")
    expect(error).to_contain_text("请写明查看个人信息的法律依据")
    expect(regulator.locator("#unmasked textarea[name=case_list]")).to_have_value(case)
    expect(count).to_have_text("1 个案件符合条件。")          # the filter the page was opened with is kept
    if width < 600:
        assert_fits(regulator, width)
    shot(regulator, journey, "01-unmasked-export-refused")

    form = regulator.locator("#unmasked form")
    form.locator("textarea[name=legal_basis]").fill("个人信息保护法第十三条第一款第三项；调查函 2026-118 号")
    form.get_by_role("button", name="开始导出（不遮盖个人信息）").click()
    expect_success(regulator, "已排队导出 1 个案件")
    expect(regulator.locator(".export-disclosure")).to_contain_text("个人信息未遮盖")
    expect(regulator.locator(".export-disclosure")).to_contain_text("调查函 2026-118 号")
    shot(regulator, journey, "02-unmasked-export-queued")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_statistics_charts_are_drawn_once_titled_and_fit_the_screen(server, login, shot, width):
    regulator = login("regulator", width=width)
    regulator.goto("/stats")
    chart = regulator.locator("#per_merchant svg.chart")
    expect(chart).to_be_visible()
    expect(regulator.locator("#per_merchant h2")).to_have_count(1)
    label = chart.locator("text").first
    size = label.evaluate("el => el.getBoundingClientRect().height")
    assert size >= 10, f"a chart label is {size:.1f} px high at {width} px"
    assert chart.evaluate("el => el.getBoundingClientRect().width") <= 561
    if width < 600:
        assert_fits(regulator, width)
    shot(regulator, f"stats-{width}", "01-charts")
