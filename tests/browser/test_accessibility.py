"""Accessibility: axe-core (through axe-playwright-python) finds no serious or critical violation on the key pages,
in Chinese and in English; a buyer files a case with the keyboard alone.

The English pages are reached as a person would: the language button in the header (which also saves the choice
on the account), and the account is set back to Chinese afterwards, since the other journeys read Chinese.
"""
from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright for Python (`make test`)")
pytest.importorskip("axe_playwright_python", reason="the accessibility checks need axe-playwright-python")

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.browser.conftest import TIMEOUT_MS  # noqa: E402
from tests.browser.pages import CASE_URL, assert_fits  # noqa: E402

SERIOUS = ("serious", "critical")
LANGUAGE_BUTTONS = {"zh": "中文", "en": "English"}

# name -> (who reads it: a username, a key of the seed's output naming one, or None for a visitor; the path)
PAGES = {
    "login": (None, "/login"),
    "home-buyer": ("buyer", "/"),
    "home-merchant": ("merchant_b", "/"),
    "home-arbitrator": ("arbitrator", "/"),
    "home-supervisor": ("supervisor", "/"),
    "home-regulator": ("regulator", "/"),
    "home-support": ("support", "/"),
    "home-admin": ("admin", "/"),
    "case-list-buyer": ("buyer", "/cases"),
    "case-list-merchant": ("merchant_b", "/cases?sort=amount"),
    "case-list-supervisor": ("supervisor", "/cases?sort=opened"),
    "case-buyer": ("buyer", "/cases/{a11y_case}"),
    "case-merchant": ("merchant_b", "/cases/{a11y_case}"),
    "case-arbitrator": ("{a11y_arbitrator}", "/cases/{a11y_case}"),
    "order-list": ("buyer", "/orders"),
    "order": ("buyer", "/orders/{a11y_order}"),
    "ruling": ("buyer", "/rulings/{a11y_ruling}"),
    "deadline-rules": ("buyer", "/cases/defaults"),
    "statistics": ("regulator", "/stats"),
}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def _language(page, lang: str) -> None:
    """Press the header's language button (the current language's is not a choice: nothing to do)."""
    button = page.locator("header .session").get_by_role("button", name=LANGUAGE_BUTTONS[lang], exact=True)
    if button.get_attribute("aria-current") != "true":
        with page.expect_navigation():
            button.click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN" if lang == "zh" else "en")


def _violations(axe, page) -> tuple[list[str], list[str]]:
    """(serious or critical, the others) as lines: rule, impact, help, the first few elements."""
    found = {True: [], False: []}
    for v in axe.run(page).response["violations"]:
        found[v["impact"] in SERIOUS].append(f"{v['id']} ({v['impact']}): {v['help']} — "
                                             + "; ".join(", ".join(n["target"]) for n in v["nodes"][:5]))
    return found[True], found[False]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_the_key_pages_have_no_serious_accessibility_violation(server, browser, login, axe, shot, name, lang):
    who, path = PAGES[name]
    who = who.format(**server.orders) if who else None
    if who is None:
        context = browser.new_context(base_url=server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(path)
    else:
        context = None
        page = login(who)
    try:
        _language(page, lang)
        response = page.goto(path.format(**server.orders))
        assert response.status == 200, f"{name}: {response.status}"
        found, minor = _violations(axe, page)
        if minor:
            print(f"{name} ({lang}): moderate or minor:", *minor, sep="\n  ")
        shot(page, "a11y", f"{name}-{lang}")
        assert found == [], f"{name} ({lang}, {page.url}):\n" + "\n".join(found)
    finally:
        if lang != "zh":
            _language(page, "zh")        # the account's saved language: the other journeys read Chinese
        if context is not None:
            context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_case_list_and_the_order_list_at_desk_and_phone_width(server, login, shot, width):
    buyer = login("buyer", width=None if width == 1280 else width)
    supervisor = login("supervisor", width=None if width == 1280 else width)
    for who, page, path in (("buyer", buyer, "/cases"), ("buyer", buyer, "/orders"),
                            ("supervisor", supervisor, "/cases"), ("supervisor", supervisor, "/cases?sort=amount")):
        page.goto(path)
        expect(page.locator("table.list")).to_be_visible()
        assert_fits(page, width)
        shot(page, "lists", f"{who}-{re.sub(r'[^a-z]+', '-', path).strip('-')}-{width}")


def test_a_buyer_files_a_case_with_the_keyboard_alone(server, login, shot):
    """Order page → 发起争议仲裁 → the form → 提交立案, with Tab, Shift+Tab, arrows, Space, typing and Enter only."""
    page = login("buyer")
    page.goto(f"/orders/{server.orders['keyboard']}")
    keys = page.keyboard

    def tab_to(predicate: str, limit: int = 80, backwards: bool = False) -> None:
        """Press Tab (Shift+Tab) until the focused element matches `predicate` (a JS expression on `el`)."""
        for _ in range(limit):
            keys.press("Shift+Tab" if backwards else "Tab")
            if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"):
                return
        raise AssertionError(f"Tab never reached {predicate}; focus is on "
                             f"{page.evaluate('document.activeElement.outerHTML.slice(0, 200)')}")

    tab_to("el.tagName === 'A' && el.textContent.trim() === '发起争议仲裁'")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.locator("h1")).to_contain_text("发起争议")

    tab_to("el.name === 'category'")
    keys.press("ArrowDown")                                  # the first kind of dispute
    assert page.locator("select[name=category]").input_value() != ""
    tab_to("el.name === 'remedy'")
    keys.press("Space")                                      # the remedy's radio group: the first choice
    assert page.locator("input[name=remedy]:checked").count() == 1
    tab_to("el.name === 'statement'")
    keys.type("付款后一直没有收到卡密，取消申请也被商家拒绝，请平台处理。")
    shot(page, "keyboard", "01-form")
    tab_to("el.tagName === 'BUTTON' && el.type === 'submit' && el.closest('main')")
    focus_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_ring != "none", "the focused button shows no focus ring"
    with page.expect_navigation():
        keys.press("Enter")
    assert CASE_URL.search(page.url), page.url
    expect(page.locator(".flash-success")).to_contain_text("已立案")
    shot(page, "keyboard", "02-case")
