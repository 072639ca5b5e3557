"""What the journeys do on the real pages (Chinese UI): small steps shared by the browser tests.

Buttons and links are found by their visible Chinese text, form fields by their names (the values a form
posts), so that a test reads like the page it drives.
"""
from __future__ import annotations

import hashlib
import io
import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

CASE_URL = re.compile(r"/cases/(ARB-\d{4}-\d{6})$")
PDF_READY_TIMEOUT = 150      # seconds: the embedded consumer renders the ruling PDF in the background


# ---- generic ----

def reveal(page: Page, button: str) -> None:
    """Open the folded part of the page (a <details>) that holds the button named `button`, as a person would:
    by clicking its summary."""
    folded = page.locator(f"details:not([open]):has(button:text-is('{button}')) > summary")
    if folded.count():
        folded.first.click()


def submit(page: Page, name: str, scope=None) -> None:
    """Click the button named `name` (in `scope`, a form or section) and wait for the page it leads to; an action
    that cannot be undone asks once more in a dialog: answer yes."""
    reveal(page, name)
    button = (scope or page).get_by_role("button", name=name, exact=True)
    if button.first.evaluate("b => b.form && b.form.hasAttribute('data-confirm')"):
        button.click()
        with page.expect_navigation():
            page.locator("dialog.confirm-dialog button.primary").click()
        return
    with page.expect_navigation():
        button.click()


def follow(page: Page, name: str, scope=None) -> None:
    with page.expect_navigation():
        (scope or page).get_by_role("link", name=name, exact=True).first.click()


def expect_success(page: Page, text: str) -> None:
    """The flash message after an action: no error, and the success message saying `text`."""
    errors = page.locator(".flash-error, .field .error")
    assert errors.count() == 0, f"the page says: {errors.all_inner_texts()} ({page.url})"
    expect(page.locator(".flash-success")).to_contain_text(text)


def expect_case_state(page: Page, label: str) -> None:
    expect(page.locator(".page-head .tag").first).to_have_text(label)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdf_text(data: bytes) -> str:
    """The text of a PDF, without white space (lines break inside numbers and hashes)."""
    from pypdf import PdfReader

    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


# ---- orders ----

def open_order(page: Page, number: str) -> None:
    page.goto(f"/orders/{number}")
    expect(page.locator("h1")).to_have_text(f"订单 {number}")


# ---- cases ----

def open_case(page: Page, order_number: str, *, category: str = "non_delivery", remedy: str = "full_refund",
              statement: str = "付款后一直没有收到卡密，申请取消又被商家拒绝，请平台介入处理。") -> str:
    """The buyer, on the order page: 发起争议仲裁, fill the claim, 提交立案. Returns the case number."""
    open_order(page, order_number)
    follow(page, "发起争议仲裁")
    page.select_option("select[name=category]", category)
    page.check(f"input[name=remedy][value={remedy}]")
    page.fill("textarea[name=statement]", statement)
    submit(page, "提交立案")
    expect_success(page, "已立案")
    match = CASE_URL.search(page.url)
    assert match, page.url
    return match.group(1)


def open_case_page(page: Page, number: str) -> None:
    page.goto(f"/cases/{number}")
    expect(page.locator("h1")).to_have_text(f"案件 {number}")


def upload_evidence(page: Page, files: list[Path], *, kind: str, description: str) -> None:
    """On the case page: what the files show, a description, the files, 提交证据."""
    form = page.locator("form.upload")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=description]").fill(description)
    form.locator("input[name=files]").set_input_files([str(f) for f in files])
    submit(page, "提交证据", form)
    expect_success(page, f"已添加 {len(files)} 个证据文件")
    evidence = page.locator("ul.evidence")
    for f in files:
        expect(evidence).to_contain_text(f.name)
        expect(evidence).to_contain_text(sha256(f))


def refuse_claim(page: Page, number: str, reason: str = "卡密已按时备好，买家所述不实，不同意退款。") -> None:
    """The merchant, on the case page: 拒绝 with a reason; the case goes to evidence."""
    open_case_page(page, number)
    reveal(page, "拒绝并交由平台仲裁")
    form = page.locator("form", has=page.locator("textarea[name=reason]"))
    form.locator("textarea[name=reason]").fill(reason)
    submit(page, "拒绝并交由平台仲裁", form)
    expect_success(page, "案件进入平台仲裁")
    expect_case_state(page, "举证")


def no_more_evidence(page: Page, number: str) -> None:
    open_case_page(page, number)
    submit(page, "我没有更多证据了")
    expect_success(page, "您的举证期已结束")


def assigned_arbitrator(login, number: str, candidates=("arbitrator", "arbitrator_b")) -> tuple[str, Page]:
    """The arbitrator the case was assigned to: the only one whose case page opens (others get 404)."""
    found = []
    for username in candidates:
        page = login(username)
        response = page.goto(f"/cases/{number}")
        if response.status == 200:
            found.append((username, page))
        else:
            assert response.status == 404, f"{username}: {response.status}"
    assert len(found) == 1, f"case {number} is open to {[u for u, _p in found]}"
    return found[0]


def write_ruling(page: Page, number: str, *, decision: str = "upheld", full_refund: bool = True,
                 partial_refund: str = "", citations: int = 2, shot=None, journey: str = "",
                 step: str = "ruling-form") -> str:
    """The arbitrator, on the case page: 撰写处理决定, facts, decision, remedy, reasoning, the first suggested
    provisions ticked, 保存并继续作出决定… (the draft is saved), then 作出处理决定 on the confirmation page (saying
    why, when the page asks because most close precedents decided otherwise). Returns the ruling's number."""
    open_case_page(page, number)
    follow(page, "撰写处理决定")
    expect(page.locator("h1")).to_have_text(f"案件 {number} 的处理决定")
    page.fill("textarea[name=facts_found]", "买家于付款后申请取消订单，商家以卡密已备好为由拒绝；商家未能举证已发货。")
    page.check(f"input[name=decision][value={decision}]")
    if full_refund:
        page.check("input[name=full_refund]")
    if partial_refund:
        page.fill("input[name=partial_refund]", partial_refund)
    page.fill("textarea[name=reasoning]",
              "订单已付款但商家未在承诺时间内发货，买家在发货前申请取消符合平台规则，商家拒绝取消缺乏依据，应予退款。")
    suggested = page.locator("#suggestions .suggestion input[name=citations]")
    assert suggested.count() >= citations, "the ruling form suggests no provisions"
    for i in range(citations):
        suggested.nth(i).check()
    if shot:
        shot(page, journey, step)
    submit(page, "保存并继续作出决定…")
    expect(page.locator("h1")).to_have_text(f"作出案件 {number} 的处理决定")
    departure = page.locator("textarea[name=departure_reason]")
    if departure.count():      # most close precedents decided otherwise: the arbitrator says why (issue 19)
        departure.fill("本案商家已部分履行，与多数类案的事实不同，故部分支持。")
    submit(page, "作出处理决定")
    match = re.search(r"处理决定 (ARB-\d{4}-\d{6}-\d+) 已作出", page.locator(".flash-success").inner_text())
    assert match, page.locator("main").inner_text()[:500]
    return match.group(1)


def wait_for_ruling_pdf(page: Page, number: str, timeout: float = PDF_READY_TIMEOUT):
    """Reload the case page until the newest ruling's PDF is issued; returns its download link."""
    deadline = time.monotonic() + timeout
    while True:
        open_case_page(page, number)
        newest = page.locator("#rulings .request").first
        link = newest.get_by_role("link", name="下载 PDF", exact=True)
        if link.count():
            return link
        assert time.monotonic() < deadline, f"the ruling PDF of case {number} was not ready in {timeout} s: " \
                                            f"{newest.inner_text()}"
        time.sleep(1)


def download(page: Page, link) -> tuple[str, bytes]:
    """Click a download link: the suggested file name and the bytes."""
    with page.expect_download() as info:
        link.click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


# ---- phone width ----

OVERFLOW_JS = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-wrap')) continue;   // tables scroll inside their wrapper
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 0.5) {
      out.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).trim().replace(/\\s+/g, '.')
                : ''} right=${Math.round(r.right)} "${(el.innerText || el.value || '').trim().slice(0, 40)}"`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, culprits: out.slice(0, 12)};
}"""


def assert_fits(page: Page, width: int = 375) -> None:
    """Nothing is cut off: the page is no wider than the phone (tables may scroll inside .table-wrap)."""
    result = page.evaluate(OVERFLOW_JS, width)
    assert result["scrollWidth"] <= width, \
        f"{page.url} is {result['scrollWidth']} px wide at {width} px; too wide: {result['culprits']}"
