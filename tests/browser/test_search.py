"""The search journey: from the case list, words typed in Chinese, results with the words marked, open a case."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("width", [1280, 375])
def test_a_supervisor_searches_in_chinese_from_the_case_list_and_opens_a_result(login, shot, width):
    page = login("supervisor", width=width)
    page.goto("/cases")
    page.fill("#search-q", "未发货 退款")
    with page.expect_navigation():
        page.locator("form.search-box button").click()
    assert "/search?q=" in page.url
    first = page.locator(".search-result").first
    first.wait_for()
    assert first.locator("mark").count() >= 1
    marked = {t.strip() for t in page.locator(".search-result mark").all_inner_texts()}
    assert marked & {"未发货", "发货", "退款"}
    shot(page, "search", f"results-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width   # nothing wider than the screen
    number = first.locator("a.case-number").inner_text()
    with page.expect_navigation():
        first.locator("a.case-number").click()
    assert page.url.endswith(f"/cases/{number}")


def test_a_buyer_searches_their_own_cases(login, shot):
    page = login("buyer", width=375)
    page.goto("/search?q=发货")
    shot(page, "search", "buyer-375")
    assert page.locator("#result-count").count() == 1


@pytest.mark.parametrize("width", [1280, 375])
def test_the_arbitrator_opens_a_similar_past_decision_from_the_draft(login, server, shot, width):
    number = server.orders["precedents_case"]
    page = login("arbitrator", width=width)
    page.goto(f"/cases/{number}/ruling")
    similar = page.locator("#similar")
    similar.wait_for()
    links = similar.locator("a[href^='/precedents/']")
    assert links.count() >= 1, "the demo's ruled cases of this kind are listed"
    assert "同类争议" in similar.inner_text()
    shot(page, "precedents", f"draft-{width}")
    with page.context.expect_page() as opened:
        links.first.click()
    precedent = opened.value
    precedent.wait_for_load_state("load")
    assert "/precedents/ARB-" in precedent.url and precedent.locator("h1").inner_text().startswith("已作出决定")
    shot(precedent, "precedents", f"opened-{width}")
