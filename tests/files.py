"""Real sample files, made in code: a valid PNG, a valid PDF, MP4 and WebM containers, chat logs, and things that
must be refused."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib


def png(width: int = 4, height: int = 3, color: tuple[int, int, int] = (255, 0, 0)) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(color) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def pdf(text: str = "order KM1") -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"]
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(payload: int = 4096) -> bytes:
    """An MP4 container (ftyp box with the isom brand) whose media data is `payload` counting bytes: judged a
    video by its bytes; no player could decode it."""
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    return ftyp + _box(b"mdat", bytes(i % 251 for i in range(payload)))


def webm(payload: int = 1024) -> bytes:
    """A WebM container: an EBML header with DocType webm, then a segment of unknown size."""
    def element(element_id: bytes, data: bytes) -> bytes:
        return element_id + bytes([0x80 | len(data)]) + data

    header = b"".join([element(b"\x42\x86", b"\x01"), element(b"\x42\xf7", b"\x01"), element(b"\x42\x82", b"webm"),
                       element(b"\x42\x87", b"\x04"), element(b"\x42\x85", b"\x02")])
    return element(b"\x1a\x45\xdf\xa3", header) + b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + bytes(payload)


CHAT_LOG_GB18030 = "买家：卡密无效，提示已被使用\n商家：请稍等\n".encode("gb18030")
HTML_AS_PNG = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def zip_archive() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    return buf.getvalue()


def polyglot() -> bytes:
    """A PNG signature followed by an HTML document."""
    return png()[:16] + b"<html><script>alert(1)</script></html>" + b"\x00" * 64
