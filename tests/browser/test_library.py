"""The public decision library, read as a buyer who has not signed in would before opening a case: on a phone and
on a desktop, search in Chinese, open a decision, read it masked, with the routes that stay open."""
from __future__ import annotations

import pytest

from tests.browser.conftest import TIMEOUT_MS


@pytest.mark.parametrize("width", [1280, 375])
def test_a_visitor_searches_the_public_library_and_reads_a_masked_decision(browser, server, shot, width):
    options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", "viewport": {"width": width, "height": 800}}
    if width < 600:
        options.update(device_scale_factor=2, is_mobile=True, has_touch=True)
    context = browser.new_context(base_url=server.url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/login")
        with page.expect_navigation():
            page.get_by_role("link", name="决定公开库").first.click()       # linked from every page, signed in or not
        assert page.locator("h1").inner_text().endswith("争议处理决定公开库")
        assert page.locator("#rules-title").is_visible()                   # the platform's rules beside them
        page.fill("input[name=q]", "未开通 会员")
        with page.expect_navigation():
            page.get_by_role("button", name="搜索").click()
        first = page.locator(".search-result").first
        first.wait_for()
        assert first.locator("mark").count() >= 1
        shot(page, "library", f"results-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        with page.expect_navigation():
            first.locator("a.case-number").click()
        body = page.locator("main").inner_text()
        assert "商家以“系统繁忙”为由拒绝" in body and "12315" in body
        assert "张三" not in body and "星辰直营店" not in body                 # the demo buyer and shop are not named
        shot(page, "library", f"decision-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
