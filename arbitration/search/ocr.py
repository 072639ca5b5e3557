"""Machine reading of screenshots: RapidOCR on ONNX Runtime, with the PP-OCR Chinese models that ship inside the
rapidocr-onnxruntime wheel (nothing is downloaded, ever). One engine per process, made on first use: only the
processes that read screenshots (the job consumers) pay its load time and memory (docs/BENCHMARKS.md)."""
from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from PIL import Image

MIN_SIDE = 16            # pixels: an image smaller than this holds no legible line
MAX_SIDE = 4096          # a larger image is scaled down first (a long chat scrolled into one picture)
_lock = threading.Lock()
_engine = None


@dataclass(frozen=True)
class Reading:
    text: str                       # the lines, top to bottom
    lines: tuple[tuple[str, float], ...]   # each line with the engine's confidence


def _ocr():
    global _engine
    with _lock:
        if _engine is None:
            # imported here, not at the top: onnxruntime and OpenCV cost ~1.7 s and ~150 MB to load, and only the
            # consumers reading screenshots need them (web processes never do)
            from rapidocr_onnxruntime import RapidOCR

            _engine = RapidOCR()
        return _engine


def read_image(data: bytes) -> Reading:
    """The text of an image file's bytes (PNG, JPEG, GIF, WebP)."""
    with Image.open(io.BytesIO(data)) as img:
        img = img.convert("RGB")
        if min(img.size) < MIN_SIDE:
            return Reading("", ())
        if max(img.size) > MAX_SIDE:
            img.thumbnail((MAX_SIDE, MAX_SIDE))
        out = io.BytesIO()
        img.save(out, "PNG")
    result, _elapsed = _ocr()(out.getvalue())
    lines = tuple((text, float(score)) for _box, text, score in (result or ()))
    return Reading("\n".join(t for t, _s in lines), lines)
