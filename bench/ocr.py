"""Benchmark: machine reading of chat screenshots (RapidOCR, models in its wheel): images per second and peak
memory of the reading process (docs/BENCHMARKS.md, issue 19).

    .venv/bin/python bench/ocr.py --images 10

Screenshots are drawn here with PIL and the CJK font of fonts-noto-cjk: 720 px wide, 6 chat lines each (a phone
screenshot's width; a taller one costs in proportion to its lines). The engine's load is timed apart.
"""
from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LINES = ["商家：您好，订单号 KM2026120100{n:02d} 已发货", "买家：卡密无效，提示已被使用", "商家：请提供兑换失败的截图",
         "买家：已经发了，付款金额 ¥{n}8.50", "时间 2026-12-01 10:{n:02d}", "买家：请尽快退款，否则我申请平台介入"]


def screenshot(n: int) -> bytes:
    font = ImageFont.truetype(FONT, 26)
    image = Image.new("RGB", (720, 6 * 70 + 40), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(LINES):
        draw.text((24, 24 + i * 70), line.format(n=n % 60), font=font, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=10)
    args = parser.parse_args()
    from arbitration.search import ocr

    images = [screenshot(n) for n in range(args.images)]
    started = time.perf_counter()
    ocr.read_image(images[0])                      # the engine's load and its first image
    first = time.perf_counter() - started
    times = []
    for data in images:
        t = time.perf_counter()
        ocr.read_image(data)
        times.append(time.perf_counter() - t)
    median = statistics.median(times)
    print(json.dumps({"first_image_with_load_s": round(first, 2), "median_s_per_image": round(median, 2),
                      "images_per_s": round(1 / median, 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}, indent=2))


if __name__ == "__main__":
    main()
