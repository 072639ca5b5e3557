"""Bad input on every action form of the case and order pages, typed in a real browser: each comes back with its
message next to the field, in Chinese, with what was typed still in the field (issue 16, item 8)."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.pages import (assigned_arbitrator, open_case, open_case_page, open_order, refuse_claim,
                                 reveal, submit)


def _form(page: Page, button: str):
    reveal(page, button)
    return page.locator("form", has=page.get_by_role("button", name=button, exact=True))


def _fails(page: Page, button: str, values: dict[str, str], field: str, message: str, shot=None, name=""):
    """Fill `values` into the form of `button` (radio and select values by value), post it, and find `message`
    next to `field`, with the typed values kept."""
    form = _form(page, button)
    for key, value in values.items():
        target = form.locator(f"[name={key}]")
        kind = target.first.get_attribute("type") or target.first.evaluate("e => e.tagName.toLowerCase()")
        if kind == "radio":
            form.locator(f"input[name={key}][value='{value}']").check()
        elif kind == "select":
            target.select_option(value)
        else:
            target.fill(value)
    submit(page, button, form)
    block = page.locator(".field.has-error", has=page.locator(f"[name={field}]"))
    expect(block.locator(".error")).to_contain_text(message)
    for key, value in values.items():
        kept = page.locator(f"[name={key}]").first
        if (kept.get_attribute("type") or "") not in ("radio",) and value and \
                kept.evaluate("e => e.tagName.toLowerCase()") != "select":
            expect(kept).to_have_value(value)
    if shot:
        shot(page, "bad-input", name)


def test_bad_input_on_every_action_form_comes_back_next_to_its_field(server, login, shot):
    buyer = login("buyer")
    number = open_case(buyer, server.orders["bad_input_case"])
    merchant = login("merchant_b")
    open_case_page(merchant, number)
    # (a number field takes no letters in a browser: "abc" is posted by the HTTP tests)
    for amount, message in (("0", "金额必须大于零"), ("-5", "金额必须大于零"), ("0.001", "最多两位小数"),
                            ("", "请填写金额"), ("9999", "最多还可退款")):
        _fails(merchant, "发送方案", {"remedy": "partial_refund", "amount": amount}, "amount", message, shot,
               f"offer-{amount or 'empty'}")
    _fails(merchant, "拒绝并交由平台仲裁", {"reason": "不行"}, "reason", "至少 5 个字", shot, "refusal")
    open_case_page(buyer, number)
    _fails(buyer, "发送", {"body": ""}, "body", "请输入消息内容")
    refuse_claim(merchant, number)
    _username, arbitrator = assigned_arbitrator(login, number)
    _fails(arbitrator, "要求", {"note": "请补充材料"}, "party", "请选择要求补充举证的一方")
    _fails(arbitrator, "要求", {"party": "buyer", "note": "录屏"}, "note", "至少 5 个字")
    _fails(arbitrator, "延长", {"hours": "999", "reason": "双方正在补充材料"}, "hours", "可延长 1 小时至 7 天")
    _fails(arbitrator, "延长", {"hours": "24", "reason": "忙"}, "reason", "延期需要书面理由")
    supervisor = login("supervisor")
    open_case_page(supervisor, number)
    _fails(supervisor, "改派", {"reason": "忙"}, "reason", "至少 5 个字")
    ruled = server.orders["bad_input_ruled_case"]
    open_case_page(buyer, ruled)
    _fails(buyer, "申请复核", {"new_facts": "有新证据"}, "new_facts", "请陈述新的事实")

    support = login("support")
    open_order(support, server.orders["bad_input_locked"])
    _fails(support, "解锁", {"note": "已核对"}, "method", "请选择买家身份的核验方式")
    _fails(support, "解锁", {"method": "id_document", "note": "核对"}, "note", "请填写核验内容")
    open_order(buyer, server.orders["bad_input_reissued"])
    _fails(buyer, "仍然无法使用", {"note": "不行"}, "note", "至少 10 个字", shot, "reissue-check")
    merchant_a = login("merchant")
    merchant_a.goto(f"/merchant/requests/{server.orders['bad_input_request']}")
    _fails(merchant_a, "提交答复", {"response": "partial_refund", "amount": "0"}, "amount", "金额必须大于零", shot,
           "merchant-answer")
