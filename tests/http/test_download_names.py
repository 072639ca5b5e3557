"""Issue 16 item 2: a file is downloaded under the stem it was uploaded with and the extension of the type its bytes
are, never the uploader's; the pages keep showing the name as uploaded."""
from __future__ import annotations

from urllib.parse import quote

import pytest
import sqlalchemy as sa

from arbitration.evidence.models import Evidence
from arbitration.orders import requests as order_requests
from tests import files
from tests.conftest import login
from tests.factories import make_order, upload


@pytest.fixture
def request_(session, personas):
    order = make_order(personas["buyer"], "delivered", merchant_staff=personas["merchant"])
    return order_requests.request_after_sales(order, personas["buyer"], problem="invalid_code",
                                              description="卡密兑换时提示已被使用")


@pytest.mark.parametrize("name, content, downloaded", [
    ("聊天记录.js", "买家：卡密无效\n商家：请稍等\n".encode(), "聊天记录.txt"),
    ("清理.bat", b"del /q *.*\r\n", "清理.txt"),
    ("x.ps1", b"Remove-Item -Recurse C:\\\n", "x.txt"),
    ("截图.png.exe", files.png(), "截图.png"),
    ("evil.exe", files.png(), "evil.png"),
], ids=["js", "bat", "ps1", "png-exe", "exe"])
def test_a_download_is_named_with_the_sniffed_types_extension(client, session, request_, name, content, downloaded):
    login(client, "buyer")
    assert upload(client, request_, (name, content)).status_code == 302
    ev = session.scalar(sa.select(Evidence).where(Evidence.order_id == request_.order_id))
    assert ev.display_name == name                       # shown as uploaded, for recognition
    page = client.get(f"/orders/{request_.order.number}").get_data(as_text=True)
    assert name in page
    disposition = client.get(f"/evidence/{ev.id}/download").headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith(f"filename*=UTF-8''{quote(downloaded)}")
    extension = downloaded.rsplit(".", 1)[1]
    assert disposition.split('"')[1].endswith(f".{extension}")            # the ASCII fallback name too
