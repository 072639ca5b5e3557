"""Merchant compliance (issue 21, item 3): a regulator reads every merchant's score under the printed formula and
follows a count to its cases; a merchant's staff open their own score, its history and the cases behind it from
their home page (1280 and 375 px)."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright for Python (`make test`)")

from playwright.sync_api import expect  # noqa: E402

from tests.browser.pages import assert_fits  # noqa: E402


@pytest.mark.parametrize("width", [1280, 375])
def test_the_regulator_and_the_merchant_read_the_compliance_score(server, login, shot, width):
    journey = f"compliance-{width}"
    regulator = login("regulator", width=width)
    regulator.goto("/oversight/merchants")
    expect(regulator.locator("h1")).to_have_text("商家合规")
    expect(regulator.locator("#formula .formula")).to_contain_text("合规评分 = 100 − (30 × 逾期次数")
    rows = regulator.locator("#scores tbody tr")
    expect(rows.first).to_be_visible()
    if width < 600:
        assert_fits(regulator, width)
    shot(regulator, journey, "01-regulator-table")
    cases_link = rows.first.locator("td").nth(2).locator("a")
    shown = int(cases_link.inner_text())
    assert shown > 0
    cases_link.click()
    regulator.wait_for_url(re.compile(r"/cases\?.*happened=opened"))
    expect(regulator.locator("#case-count")).to_contain_text(str(shown))
    shot(regulator, journey, "02-regulator-drill-down")

    merchant = login("merchant", width=width)
    merchant.goto("/")
    merchant.locator("#own-compliance").click()
    expect(merchant.locator("h1")).to_contain_text("的合规评分")
    expect(merchant.locator("#history tbody tr")).to_have_count(12)
    expect(merchant.locator("#score")).to_contain_text(re.compile(r"\d+\.\d / 100|案件过少"))
    if width < 600:
        assert_fits(merchant, width)
    shot(merchant, journey, "03-merchant-own")
    merchant.goto("/compliance?from=2026-13&to=2026-12")
    expect(merchant.locator("#problem-from")).to_have_text("月份格式如 2026-10。")
    shot(merchant, journey, "04-merchant-bad-month")
