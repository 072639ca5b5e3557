"""The parties led through an order and a case (issue 17), at phone and desktop width: the inbox tells the buyer
of the refusal that starts the 7-day window, the order page leads with the case button and the window's end, a
pending request can be withdrawn, the merchant hears of the case at once and accepts the claim after a
confirmation dialog, both read the same message, and both read what was agreed in words."""
from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright for Python (`make test`)")

from playwright.sync_api import expect  # noqa: E402

from tests.browser.pages import expect_success, open_case, open_case_page, open_order, submit  # noqa: E402

MESSAGE = "我已付款两天仍未收到卡密，请尽快处理退款。"


def on_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_parties_are_led_from_the_refusal_to_the_case_and_to_what_was_agreed(server, login, shot, width):
    journey, orders = f"parties-{width}", server.orders[f"parties_{width}"]
    height = 812 if width < 600 else 800
    buyer = login(orders["buyer"], width=width, height=height)

    # the refusal reached the buyer's inbox, with the order and the way on
    buyer.goto("/notifications")
    refusal = buyer.locator(".request", has_text=f"订单 {orders['refused']}")
    expect(refusal.first).to_contain_text("拒绝")
    shot(buyer, journey, "01-inbox")

    # the order page leads: the case button and the window's end on the first screen
    open_order(buyer, orders["refused"])
    now = buyer.locator("#now")
    expect(now).to_contain_text("买家发起争议仲裁的期限")     # its end, what happens then, once
    assert on_first_screen(buyer, now.get_by_role("link", name="发起争议仲裁"))
    shot(buyer, journey, "02-order-refused")

    # a request not answered yet can be withdrawn
    open_order(buyer, orders["pending"])
    submit(buyer, "撤回申请")
    expect_success(buyer, "您的申请已撤回")
    shot(buyer, journey, "03-request-withdrawn")

    # the buyer opens the case and writes to both
    number = open_case(buyer, orders["refused"])
    messages = buyer.locator("#messages")
    messages.locator("textarea[name=body]").fill(MESSAGE)
    submit(buyer, "发送", messages)
    expect(buyer.locator("#messages")).to_contain_text(MESSAGE)

    # the merchant hears at once, lands on the case with the answer on the first screen, reads the message
    merchant = login("merchant_b", width=width, height=height)
    merchant.goto("/notifications")
    expect(merchant.locator("main")).to_contain_text(number)
    open_case_page(merchant, number)
    accept = merchant.locator("#now").get_by_role("button", name="接受请求", exact=True)
    assert on_first_screen(merchant, accept)
    expect(merchant.locator("#messages")).to_contain_text(MESSAGE)

    # accepting cannot be undone: a dialog asks first; "no" changes nothing
    accept.click()
    dialog = merchant.locator("dialog.confirm-dialog")
    expect(dialog).to_contain_text("此操作无法撤销")
    shot(merchant, journey, "04-confirm-dialog")
    dialog.get_by_role("button", name="不，返回").click()
    expect(dialog).to_have_count(0)
    expect(merchant.locator(".page-head .tag").first).to_have_text("协商")
    accept.click()
    with merchant.expect_navigation():
        merchant.locator("dialog.confirm-dialog button.primary").click()
    expect_success(merchant, "")
    expect(merchant.locator("#now")).to_contain_text("全额退款（¥100.00）至原支付渠道")
    shot(merchant, journey, "05-merchant-accepted")

    # the buyer reads what was agreed, by when
    open_case_page(buyer, number)
    agreed = buyer.locator("#now .decision-words")
    expect(agreed).to_contain_text("商家应于")
    assert on_first_screen(buyer, agreed)
    shot(buyer, journey, "06-buyer-agreed")
