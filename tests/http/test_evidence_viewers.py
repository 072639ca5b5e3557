"""Evidence people can look at (issue 17): images in a lightbox, PDFs in the browser's viewer (sandboxed), videos
with byte ranges, chat logs decoded on our page; readable sizes, the SHA-256 one click away. Never HTML or SVG
inline."""
from __future__ import annotations

import re

import pytest

from tests import files
from tests.conftest import login
from tests.factories import order_actions, upload_one

SANDBOX = "default-src 'none'; sandbox"


# ---- PDF: the browser's own viewer, sandboxed ----

def test_a_pdf_opens_inline_in_the_browsers_viewer_with_the_sandbox_kept(client, session, request_):
    login(client, "buyer")
    document = files.pdf("order KM1 paid")
    ev = upload_one(client, session, request_, "付款凭证.pdf", document)
    response = client.get(f"/evidence/{ev.id}/download?inline=1")
    assert response.status_code == 200 and response.data == document
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert "filename*=UTF-8''%E4%BB%98%E6%AC%BE%E5%87%AD%E8%AF%81.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Content-Security-Policy"] == SANDBOX
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert order_actions(request_.order_id)[-1] == "evidence.viewed"
    # the plain link is still a download
    assert client.get(f"/evidence/{ev.id}/download").headers["Content-Disposition"].startswith("attachment;")
    page = client.get(f"/orders/{request_.order.number}").get_data(as_text=True)
    assert f'href="/evidence/{ev.id}/download?inline=1" target="_blank" rel="noopener">付款凭证.pdf</a>' in page


# ---- video: a player, byte ranges ----

def test_a_video_is_served_inline_with_byte_ranges_so_the_player_can_seek(client, session, request_):
    login(client, "buyer")
    video = files.mp4(100_000)
    ev = upload_one(client, session, request_, "录屏.mp4", video)
    url = f"/evidence/{ev.id}/download?inline=1"

    first = client.get(url, headers={"Range": "bytes=0-"})
    assert first.status_code == 206 and first.data == video
    assert first.headers["Content-Range"] == f"bytes 0-{len(video) - 1}/{len(video)}"
    assert first.headers["Content-Type"] == "video/mp4"
    assert first.headers["Content-Disposition"].startswith("inline;")
    assert first.headers["Accept-Ranges"] == "bytes" and first.headers["ETag"] == f'"{ev.sha256}"'
    assert first.headers["Content-Security-Policy"] == SANDBOX
    viewed = order_actions(request_.order_id).count("evidence.viewed")
    assert viewed == 1

    seek = client.get(url, headers={"Range": "bytes=50000-50999"})
    assert seek.status_code == 206 and seek.data == video[50000:51000]
    assert seek.headers["Content-Range"] == f"bytes 50000-50999/{len(video)}"
    assert seek.headers["Content-Length"] == "1000"
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == video[-10:]
    assert order_actions(request_.order_id).count("evidence.viewed") == viewed   # seeking is not opening it again

    beyond = client.get(url, headers={"Range": f"bytes={len(video)}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(video)}"
    several = client.get(url, headers={"Range": "bytes=0-9,20-29"})
    assert several.status_code == 200 and several.data == video           # the whole file instead
    stale = client.get(url, headers={"Range": "bytes=10-19", "If-Range": '"0000"'})
    assert stale.status_code == 200 and stale.data == video
    same = client.get(url, headers={"Range": "bytes=10-19", "If-Range": f'"{ev.sha256}"'})
    assert same.status_code == 206 and same.data == video[10:20]


def test_a_download_resumes_with_a_range_too(client, session, request_):
    login(client, "buyer")
    video = files.webm(5000)
    ev = upload_one(client, session, request_, "录屏.webm", video)
    response = client.get(f"/evidence/{ev.id}/download", headers={"Range": "bytes=100-"})
    assert response.status_code == 206 and response.data == video[100:]
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_the_video_page_has_a_player_that_loads_only_the_metadata(client, session, request_):
    login(client, "merchant")
    ev = upload_one(client, session, request_, "兑换录屏.webm", files.webm())
    assert ev.kind == "video"
    page = client.get(f"/evidence/{ev.id}/view").get_data(as_text=True)
    assert (f'<video class="evidence-video" controls preload="metadata" src="/evidence/{ev.id}/download?inline=1">'
            in page)
    assert client.get(f"/evidence/{ev.id}/download?inline=1").headers["Content-Type"] == "video/webm"
    listing = client.get(f"/orders/{request_.order.number}").get_data(as_text=True)
    assert f'href="/evidence/{ev.id}/view">兑换录屏.webm</a>' in listing and "播放" in listing


# ---- text: decoded and escaped on our page ----

def test_a_gb18030_chat_log_is_shown_decoded_and_escaped(client, session, request_):
    login(client, "buyer")
    log = ("买家：卡密无效，提示已被使用\n" * 80 + "商家：<img src=x onerror=alert(1)> 请稍等\n").encode("gb18030")
    ev = upload_one(client, session, request_, "聊天记录.txt", log)
    assert (ev.charset, ev.kind) == ("gb18030", "chat_log")
    response = client.get(f"/evidence/{ev.id}/view")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    pre = re.search(r'<pre class="evidence-log"[^>]*>(.*?)</pre>', page, re.S).group(1)
    assert pre.startswith("买家：卡密无效，提示已被使用\n") and "商家：&lt;img src=x onerror=alert(1)&gt; 请稍等" in pre
    assert "<img src=x" not in page
    assert "仅显示前" not in page
    assert order_actions(request_.order_id)[-1] == "evidence.viewed"
    # its bytes are never sent inline: the inline link is a download
    raw = client.get(f"/evidence/{ev.id}/download?inline=1")
    assert raw.headers["Content-Disposition"].startswith("attachment;")
    assert raw.headers["Content-Type"] == "text/plain; charset=gb18030"


def test_a_long_log_shows_its_first_200_kb_and_says_so(client, session, request_):
    login(client, "buyer")
    line = "2026-12-01 10:00 买家：卡密无效，请退款\n".encode("gb18030")   # a line of odd length: a cut character
    log = line * (300 * 1024 // len(line) + 1)
    ev = upload_one(client, session, request_, "长聊天记录.txt", log)
    page = client.get(f"/evidence/{ev.id}/view").get_data(as_text=True)
    assert f"仅显示前 200 KB（共 {ev.size / 1024:.1f} KB）".replace(".0 KB", " KB") in page
    pre = re.search(r'<pre class="evidence-log"[^>]*>(.*?)</pre>', page, re.S).group(1)
    assert "\ufffd" not in pre and 190 * 1024 < len(pre.encode("gb18030")) <= 200 * 1024
    assert log.decode("gb18030").startswith(pre)


def test_a_utf8_csv_is_shown_as_text(client, session, request_):
    login(client, "merchant")
    csv = "时间,发送者,内容\n2026-12-01 10:01,买家,卡密无效\n2026-12-01 10:02,商家,已补发\n".encode()
    ev = upload_one(client, session, request_, "聊天导出.csv", csv)
    assert (ev.mime, ev.kind) == ("text/csv", "chat_log")
    assert "2026-12-01 10:02,商家,已补发" in client.get(f"/evidence/{ev.id}/view").get_data(as_text=True)


# ---- never HTML or SVG inline, whatever a row says ----

@pytest.mark.parametrize("mime", ["text/html", "image/svg+xml", "application/xhtml+xml", "text/xml"])
def test_a_row_claiming_html_or_svg_is_never_served_inline(client, session, request_, mime):
    """The sniffer never stores these; a damaged row (or a future bug) still gets no inline view."""
    login(client, "buyer")
    ev = upload_one(client, session, request_, "截图.png", files.png())
    ev.mime, ev.extension = mime, "svg"
    session.flush()
    for url in (f"/evidence/{ev.id}/download?inline=1", f"/evidence/{ev.id}/download"):
        response = client.get(url)
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert response.headers["Content-Security-Policy"] == SANDBOX
    assert client.get(f"/evidence/{ev.id}/preview").status_code == 404
    page = client.get(f"/evidence/{ev.id}/view").get_data(as_text=True)
    assert "此文件无法在这里显示" in page and f"/evidence/{ev.id}/preview" not in page


# ---- images: the lightbox, with alt text; works as a plain link ----

def test_images_link_to_the_full_image_for_the_lightbox_with_alt_text(client, session, request_):
    login(client, "buyer")
    first = upload_one(client, session, request_, "付款截图.png", files.png(4, 3))
    second = upload_one(client, session, request_, "兑换失败.png", files.png(5, 3))
    page = client.get(f"/orders/{request_.order.number}").get_data(as_text=True)
    assert '<script defer src="/static/js/evidence.js"></script>' in page
    for ev in (first, second):
        full = f"/evidence/{ev.id}/preview"
        assert f'<img class="thumb" src="{full}" alt="{ev.display_name}"' in page
        assert f'<a class="evidence-name" href="{full}" data-lightbox="{ev.id}"' in page
    script = client.get("/static/js/evidence.js")
    assert script.status_code == 200 and "showModal" in script.get_data(as_text=True)
    full = client.get(f"/evidence/{first.id}/preview")
    assert full.data == files.png(4, 3) and full.headers["Content-Type"] == "image/png"


# ---- sizes and hashes ----

def test_sizes_read_as_people_say_them_and_the_hash_is_one_click_away(client, session, request_):
    login(client, "buyer")
    ev = upload_one(client, session, request_, "付款截图.png", files.png(120, 80))
    page = client.get(f"/orders/{request_.order.number}").get_data(as_text=True)
    item = re.search(r'<li class="evidence-file evidence-image">(.*?)</li>', page, re.S).group(1)
    size = f"{ev.size} B" if ev.size < 1024 else f"{ev.size / 1024:.1f} KB".replace(".0 KB", " KB")
    assert f"· {size} ·" in item and not re.search(r"\d\.\d{2,} KB", item)
    assert re.search(r'<details class="hash"><summary>校验值 SHA-256</summary><code class="hash">'
                     + ev.sha256 + "</code></details>", item)
    assert item.count(ev.sha256) == 1
