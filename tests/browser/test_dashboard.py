"""The regulator's dashboard (issue 21): the regulator lands on the home page, sees the headline figures of the
last 30 days, clicks one and lands on the case list of exactly those cases, which says which filter is active
and how to clear it; the same from a month's bar (1280 and 375 px)."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright for Python (`make test`)")

from playwright.sync_api import expect  # noqa: E402

from tests.browser.pages import assert_fits  # noqa: E402


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.mark.parametrize("width", [1280, 375])
def test_the_regulator_lands_on_the_dashboard_and_a_figure_leads_to_its_cases(server, login, shot, width):
    journey = f"dashboard-{width}"
    regulator = login("regulator", width=width)
    regulator.goto("/")
    headline = regulator.locator("#headline")
    expect(headline.get_by_role("heading", name="主要指标")).to_be_visible()
    expect(headline.locator("dt")).to_have_text(["受理案件", "结案", "受理至作出处理决定的天数（中位数）",
                                                 "结案中缺席处理的比例", "决定退款", "退款已执行", "隐性收费认定"])
    expect(headline).to_contain_text("（30 天），对比")          # the previous period (empty on this fresh server)
    expect(headline.locator("dd.change").first).to_have_text(re.compile(r"较上一期|上一期无可比数据"))
    opened = headline.locator("#figure-opened dd a")
    shown = number(opened.inner_text())
    assert shown > 0, "the seeded journeys open cases in the last 30 days"
    if width < 600:
        assert_fits(regulator, width)
    shot(regulator, journey, "01-home-headline")
    regulator.locator("#trend-opened").scroll_into_view_if_needed()
    shot(regulator, journey, "02-home-trends")

    opened.click()
    regulator.wait_for_url(re.compile(r"/cases\?happened=opened&from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d"))
    active = regulator.locator("#happened-filter")
    expect(active).to_contain_text("期间「立案」的案件")
    expect(regulator.locator("#case-count")).to_contain_text(str(shown) if shown <= 1000 else "1,000+")
    if width < 600:
        assert_fits(regulator, width)
    shot(regulator, journey, "03-list-filtered")

    active.get_by_role("link", name="清除此筛选").click()
    regulator.wait_for_url(re.compile(r"/cases\?sort=deadline$"))
    expect(regulator.locator("#happened-filter")).to_have_count(0)

    # a month's bar: the current month's cases
    regulator.goto("/")
    bar = regulator.locator("#trend-opened svg a").last
    bar.scroll_into_view_if_needed()
    bar.click()
    regulator.wait_for_url(re.compile(r"/cases\?happened=opened&from=\d{4}-\d\d-01&to="))
    expect(regulator.locator("#happened-filter")).to_contain_text("立案")
    shot(regulator, journey, "04-list-from-a-bar")
