"""Text read from screenshots: a Chinese chat screenshot made here (PIL, a CJK font installed on the machine),
read by the background job with the OCR engine that ships in its wheel, stored beside the file, indexed, shown
marked as machine-read with the order number, amount and time marked."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from arbitration.cases import services as cases
from arbitration.db import commit
from arbitration.evidence import services as evidence
from arbitration.search import queries
from arbitration.search.marks import marked
from arbitration.search.models import EvidenceText
from tests.conftest import client_of, text
from tests.factories import make_case

FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
         "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc")
LINES = ("商家：订单号 KM202612010042 已发货", "买家：卡密无效，提示已被使用", "付款金额 ¥128.50 时间 2026-12-01 10:32")


def chat_screenshot() -> bytes:
    font_path = next((p for p in FONTS if Path(p).exists()), None)
    if font_path is None:
        pytest.skip("needs a CJK font (Debian package fonts-noto-cjk)")
    font = ImageFont.truetype(font_path, 28)
    image = Image.new("RGB", (760, 280), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(LINES):
        draw.text((24, 24 + i * 84), line, font=font, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.slow
def test_a_chat_screenshot_is_read_stored_beside_the_file_indexed_and_shown_marked(app, session, personas):
    case = make_case("evidence")
    image = chat_screenshot()
    shot = evidence.add_file(personas["buyer"], cases.evidence_subject(case), filename="聊天截图.png",
                             chunks=[image], kind="screenshot")
    commit()                                   # the reading job goes with the upload's commit
    reading = session.get(EvidenceText, shot.id)
    assert reading.method == "ocr" and reading.state == "done", reading.error
    assert "KM202612010042" in reading.text.replace(" ", "")
    assert "卡密无效" in reading.text
    kinds = {m.kind: m.text for m in marked(reading.text) if m.kind}
    assert set(kinds) == {"order", "amount", "time"} and "128.50" in kinds["amount"]
    assert [r.case.number for r in queries.search(personas["supervisor"], "卡密无效").rows] == [case.number]
    supervisor = client_of(app, "supervisor")
    page = text(supervisor.get(f"/evidence/{shot.id}/view"))
    assert 'id="machine-text"' in page and "机器识别" in page
    assert 'class="mark-order"' in page and 'class="mark-amount"' in page and 'class="mark-time"' in page
    assert supervisor.get(f"/evidence/{shot.id}/download").data == image      # the file itself is untouched
