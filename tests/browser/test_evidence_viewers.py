"""Evidence people can look at, in a real browser (issue 17): the buyer opens a screenshot of the order page in the
lightbox, moves to the next with the keyboard, closes it with Esc; at desktop and at phone width. The chat log opens
decoded on its page. Screenshots go to test-artifacts/screenshots/evidence-viewers-*.png."""
from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright for Python (`make test`)")

from playwright.sync_api import expect  # noqa: E402

from tests.browser.pages import assert_fits, open_order  # noqa: E402

NAMES = ["付款截图.png", "兑换失败提示.png", "客服对话截图.png"]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_buyer_opens_a_screenshot_in_the_lightbox_and_moves_to_the_next_with_the_keyboard(
        server, login, shot, screenshots, width):
    journey = f"evidence-viewers-{width}"
    buyer = login("buyer", width=None if width == 1280 else width)
    if width == 1280:
        buyer.set_viewport_size({"width": 1280, "height": 800})
    open_order(buyer, server.orders["evidence_viewers"])
    files = buyer.locator("ul.evidence")
    expect(files.locator("img.thumb")).to_have_count(3)
    for name in NAMES:
        expect(files.locator(f'img.thumb[alt="{name}"]')).to_be_visible()
    expect(files.locator("details.hash").first).not_to_have_attribute("open", "")
    if width == 375:
        assert_fits(buyer, width)
    shot(buyer, journey, "1-list")

    dialog = buyer.locator("dialog.lightbox")
    if width == 1280:          # by the keyboard: the name's link, Enter
        buyer.get_by_role("link", name=NAMES[0], exact=True).focus()
        buyer.keyboard.press("Enter")
    else:                      # by touch: the thumbnail
        files.locator(f'img.thumb[alt="{NAMES[0]}"]').tap()
    expect(dialog).to_be_visible()
    image = dialog.locator("img.lightbox-image")
    expect(image).to_have_attribute("alt", NAMES[0])
    expect(dialog.locator(".lightbox-count")).to_have_text("1 / 3")
    expect(dialog.get_by_role("button", name="关闭")).to_be_focused()
    assert buyer.evaluate("() => document.querySelector('dialog.lightbox img').naturalWidth") == 480
    buyer.screenshot(path=str(screenshots / f"{journey}-2-lightbox.png"))   # the screen: the dialog fills it

    buyer.keyboard.press("ArrowRight")
    expect(image).to_have_attribute("alt", NAMES[1])
    expect(dialog.locator(".lightbox-count")).to_have_text("2 / 3")
    expect(dialog.locator(".lightbox-name")).to_have_text(NAMES[1])
    buyer.wait_for_function("() => document.querySelector('dialog.lightbox img').naturalWidth === 300")
    buyer.screenshot(path=str(screenshots / f"{journey}-3-next.png"))
    buyer.keyboard.press("ArrowLeft")
    buyer.keyboard.press("ArrowLeft")                  # round: from the first to the last
    expect(image).to_have_attribute("alt", NAMES[2])
    buyer.keyboard.press("Home")
    expect(dialog.locator(".lightbox-count")).to_have_text("1 / 3")
    dialog.get_by_role("button", name="下一张").click()
    expect(image).to_have_attribute("alt", NAMES[1])

    buyer.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(buyer.get_by_role("link", name=NAMES[0], exact=True)).to_be_focused()   # back where it was opened


def test_the_chat_log_opens_decoded_and_the_pdf_in_the_browsers_viewer(server, login, shot):
    buyer = login("buyer")
    buyer.set_viewport_size({"width": 1280, "height": 800})
    open_order(buyer, server.orders["evidence_viewers"])
    with buyer.expect_navigation():
        buyer.get_by_role("link", name="客服聊天记录.txt", exact=True).click()
    log = buyer.locator("pre.evidence-log")
    expect(log).to_contain_text("商家：<b>请稍等</b>，正在核实")      # shown as text, not markup
    expect(buyer.get_by_role("link", name="返回", exact=True)).to_have_attribute(
        "href", f"/orders/{server.orders['evidence_viewers']}")
    buyer.locator("details.hash summary").click()
    expect(buyer.locator("details.hash code")).to_be_visible()
    shot(buyer, "evidence-viewers", "4-chat-log")

    buyer.go_back()
    with buyer.context.expect_page() as opened:
        buyer.get_by_role("link", name="支付凭证.pdf", exact=True).click()
    viewer = opened.value
    viewer.wait_for_load_state()
    assert "inline=1" in viewer.url
    viewer.wait_for_timeout(1000)        # the browser's PDF viewer draws the page
    shot(viewer, "evidence-viewers", "5-pdf")
