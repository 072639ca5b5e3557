"""What an uploaded file is, judged by its bytes alone, and the name it may be shown under (pure)."""
from __future__ import annotations

import codecs
import csv
import dataclasses
import re
import unicodedata
from dataclasses import dataclass


def N_(message: str) -> str:
    """Marks a label for translation (pybabel's default keywords include N_); callers translate it."""
    return message


HEAD_SIZE = 8192  # the bytes `sniff` needs; fewer only when the file is shorter
POLYGLOT_WINDOW = 1024  # where markup would make an old or careless browser treat any file as a page


@dataclass(frozen=True)
class AcceptedType:
    kind: str  # image | pdf | text | video
    mime: str
    extension: str
    label: str  # English; translate with gettext(label)


ACCEPTED: tuple[AcceptedType, ...] = (
    AcceptedType("image", "image/jpeg", "jpg", N_("JPEG image")),
    AcceptedType("image", "image/png", "png", N_("PNG image")),
    AcceptedType("image", "image/gif", "gif", N_("GIF image")),
    AcceptedType("image", "image/webp", "webp", N_("WebP image")),
    AcceptedType("pdf", "application/pdf", "pdf", N_("PDF document")),
    AcceptedType("text", "text/plain", "txt", N_("plain text (UTF-8 or GB18030)")),
    AcceptedType("text", "text/csv", "csv", N_("CSV file (UTF-8 or GB18030)")),
    AcceptedType("video", "video/mp4", "mp4", N_("MP4 video")),
    AcceptedType("video", "video/webm", "webm", N_("WebM video")),
)
_BY_MIME = {t.mime: t for t in ACCEPTED}


def kind_of(mime: str) -> str | None:
    """What an accepted type is (image, pdf, text, video), or None for a type we do not accept."""
    accepted = _BY_MIME.get(mime)
    return accepted.kind if accepted else None


@dataclass(frozen=True)
class Sniffed:
    kind: str
    mime: str
    extension: str
    charset: str | None = None  # text only: utf-8 or gb18030

    @property
    def content_type(self) -> str:
        return f"{self.mime}; charset={self.charset}" if self.charset else self.mime

    @property
    def label(self) -> str:
        return _BY_MIME[self.mime].label


class Refused(ValueError):
    """Not a type we accept; `reason` is for logs, users are told what is accepted."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Empty(Refused):
    """No bytes at all: users are told the file is empty, not that its type is refused."""


def _found(mime: str, charset: str | None = None) -> Sniffed:
    accepted = _BY_MIME[mime]
    return Sniffed(accepted.kind, mime, accepted.extension, charset)


# Markup anywhere near the start: an image or PDF that is also an HTML page or an SVG (a polyglot).
# Not "<?xml" here: it may open an image's XMP metadata. Text files are checked for it at their start.
_MARKUP = re.compile(rb"<(?:!doctype\s+html|html|head|body|script|svg|iframe|object|embed|meta\s+http-equiv)[\s/>]",
                     re.IGNORECASE)
# Text that is really a document or a script: refused whatever else it contains.
_MARKUP_START = ("<!doctype", "<html", "<head", "<body", "<svg", "<?xml", "<script", "<iframe", "<!--", "<?php", "#!")
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # binary sneaking in as "text"; tab, CR, LF, FF pass

# Refused anyway (they could not pass as text either), named so that logs say what was tried.
_KNOWN_REFUSED = (
    (b"\x7fELF", "ELF executable"),
    (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"\xce\xfa\xed\xfe", "Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "Mach-O or Java class"),
    (b"\x00asm", "WebAssembly"),
    (b"PK\x03\x04", "ZIP archive (or docx, apk, jar)"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document or installer (doc, xls, msi)"),
)

_MP4_BRANDS = {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash",
               b"MSNV", b"mmp4"}


def sniff(head: bytes, *, complete: bool = False) -> Sniffed:
    """The type of a file from its first HEAD_SIZE bytes (`complete`: `head` is the whole file).

    Raises Refused for anything we do not accept. A text file is only judged by its head here:
    check the rest while it streams with TextChecker (ContentInspector does both).
    """
    if not head:
        raise Empty("empty file")
    complete = complete and len(head) <= HEAD_SIZE
    head = bytes(head[:HEAD_SIZE])
    if _MARKUP.search(head[:POLYGLOT_WINDOW]):
        raise Refused("HTML or SVG markup in the first bytes")
    for signature, what in _KNOWN_REFUSED:
        if head.startswith(signature):
            raise Refused(what)
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        raise Refused("Windows executable")
    if head.startswith(b"\xff\xd8\xff"):
        return _found("image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return _found("image/png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _found("image/gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:16] in (b"VP8 ", b"VP8L", b"VP8X"):
        return _found("image/webp")
    if re.match(rb"%PDF-[12]\.\d", head):
        return _found("application/pdf")
    if _is_mp4(head):
        return _found("video/mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if _ebml_doctype(head) == b"webm":
            return _found("video/webm")
        raise Refused("EBML file that is not WebM (Matroska?)")
    return _sniff_text(head, complete)


def _is_mp4(head: bytes) -> bool:
    """An ISO base media file whose `ftyp` box names an MP4 brand (QuickTime .mov and HEIC photos do not)."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(head[:4], "big")
    if not 16 <= box_size <= min(len(head), 1024) or box_size % 4:
        return False
    major = head[8:12]
    compatible = {head[i:i + 4] for i in range(16, box_size, 4)}
    return major != b"qt  " and (major in _MP4_BRANDS or bool(compatible & {b"isom", b"iso2", b"mp41", b"mp42"}))


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at `pos`: (value, next position)."""
    first = data[pos]
    length = 8 - first.bit_length() + 1
    if first == 0 or pos + length > len(data):
        raise ValueError("bad EBML integer")
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[pos + 1:pos + length]:
        value = (value << 8) | byte
    return value, pos + length


def _ebml_doctype(head: bytes) -> bytes | None:
    try:
        _id, pos = _vint(head, 0, keep_marker=True)
        size, pos = _vint(head, pos, keep_marker=False)
        end = min(pos + size, len(head))
        while pos < end:
            element, pos = _vint(head, pos, keep_marker=True)
            length, pos = _vint(head, pos, keep_marker=False)
            if element == 0x4282:  # DocType
                return head[pos:pos + length].rstrip(b"\x00")
            pos += length
    except (ValueError, IndexError):
        return None
    return None


def _sniff_text(head: bytes, complete: bool) -> Sniffed:
    checker = TextChecker()
    checker.feed(head)
    if complete:
        checker.finish()
    text = checker.head_text
    start = text.lstrip("\ufeff \t\r\n\x0c").lower()
    if not start:
        raise Refused("blank text")
    if start.startswith(_MARKUP_START):
        raise Refused("markup or a script, not plain text")
    mime = "text/csv" if _looks_like_csv(text, complete) else "text/plain"
    return _found(mime, checker.charset or "utf-8")  # all ASCII so far; ContentInspector settles it at the end


def _looks_like_csv(text: str, complete: bool) -> bool:
    """Two or more lines splitting into the same number (2+) of comma-separated fields."""
    lines = text.splitlines()
    if not complete:
        lines = lines[:-1]  # the head may end mid-line
    rows = list(csv.reader(line for line in lines[:20] if line.strip()))
    widths = {len(row) for row in rows}
    return len(rows) >= 2 and len(widths) == 1 and widths.pop() >= 2


class TextChecker:
    """Checks, chunk by chunk, that a stream is text in UTF-8 or GB18030 (a character may straddle chunks).

    The charset is decided at the first non-ASCII bytes, so a GB18030 log that opens with a long ASCII
    header is still recognised. Raises Refused on NUL or control bytes, or bytes neither charset accepts.
    """

    def __init__(self) -> None:
        self.charset: str | None = None  # None while everything so far is ASCII
        self.head_text = ""  # the text of the first chunk, for the caller's checks
        self._decoder = None
        self._first = True

    def feed(self, chunk: bytes) -> None:
        if self.charset is None and chunk.isascii():
            text = chunk.decode("ascii")
        elif self.charset is None:
            text = self._choose_charset(chunk)
        else:
            text = self._decode(chunk, final=False)
        if _TEXT_CONTROLS.search(text):
            raise Refused("control characters or NUL bytes: binary, not text")
        if self._first:
            self.head_text, self._first = text, False

    def finish(self) -> None:
        if self._decoder is not None:
            self._decode(b"", final=True)  # a character cut off at the very end
        self.charset = self.charset or "utf-8"

    def _choose_charset(self, chunk: bytes) -> str:
        for charset in ("utf-8", "gb18030"):
            self._decoder = codecs.getincrementaldecoder(charset)(errors="strict")
            try:
                text = self._decoder.decode(chunk, final=False)
            except UnicodeDecodeError:
                continue
            self.charset = charset
            return text
        raise Refused("neither UTF-8 nor GB18030 text")

    def _decode(self, chunk: bytes, *, final: bool) -> str:
        try:
            return self._decoder.decode(chunk, final=final)
        except UnicodeDecodeError as exc:
            raise Refused(f"not valid {self.charset} text") from exc


class ContentInspector:
    """Judges a file while it streams to the store (the storage layer's Inspector): the type from the first
    HEAD_SIZE bytes, then, for text, every following byte. Raises Refused, which aborts the upload;
    after a successful upload `result` is the type."""

    def __init__(self) -> None:
        self.result: Sniffed | None = None
        self._head = bytearray()
        self._text: TextChecker | None = None

    def feed(self, chunk: bytes) -> None:
        if self.result is None:
            self._head += chunk
            if len(self._head) >= HEAD_SIZE:
                self._decide(complete=False)
        elif self._text is not None:
            self._text.feed(chunk)

    def finish(self) -> None:
        if self.result is None:
            self._decide(complete=True)
        if self._text is not None:
            self._text.finish()
            # An all-ASCII head said UTF-8 for now; the rest may have shown GB18030.
            self.result = dataclasses.replace(self.result, charset=self._text.charset)

    def _decide(self, *, complete: bool) -> None:
        head, self._head = bytes(self._head), bytearray()
        self.result = sniff(head, complete=complete)
        if self.result.kind == "text":
            self._text = TextChecker()
            self._text.feed(head)  # all of it: the head may be longer than what sniff looked at


_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # controls, bidi overrides and other invisible formatting


def safe_display_name(name: str, max_length: int = 120) -> str:
    """A file name fit to show and to offer as a download name; never used for keys or paths."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]  # a browser may send a full path (old IE sent C:\...)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _UNSAFE_CATEGORIES)
    name = re.sub(r'[<>:"|?*]', "_", name)  # characters Windows refuses in a saved file's name
    name = re.sub(r"\s+", " ", name).strip(" .")  # no hidden (dot) names, no trailing dots
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 16 and extension.isalnum():
            name = stem[:max_length - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:max_length].rstrip(" .")
    return name or "file"


# Other names users give the accepted types (a download gets the type's own extension: photo.jpeg -> photo.jpg).
_ALIASES = {t.extension: {t.extension} for t in ACCEPTED}
_ALIASES |= {"jpg": {"jpg", "jpeg", "jpe", "jfif"}, "txt": {"txt", "text", "log"}, "mp4": {"mp4", "m4v"}}
_EXTENSION_LIKE = re.compile(r"(?=[0-9]*[A-Za-z])[A-Za-z0-9]{1,10}")  # "exe", "png", "7z"; not "2" (as in "v1.2")
# Names Windows reserves for devices, with any extension ("CON.txt" opens the console, not a file).
_DEVICE = re.compile(r"(?:con|prn|aux|nul|conin\$|conout\$|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])"
                     r"(?:\..*)?", re.IGNORECASE)


def safe_segment(name: str, max_length: int = 120) -> str:
    """One folder or file name for an archive member or a saved file, whatever `name` holds: separators become
    "_" (so nothing climbs out of its folder), then as `safe_display_name`; never "..", a hidden (dot) name or a
    Windows device name."""
    name = safe_display_name(re.sub(r"[/\\]", "_", name or ""), max_length)
    return "_" + name if _DEVICE.fullmatch(name) else name


def download_name(display_name: str, extension: str) -> str:
    """The name a file is downloaded and archived under: the shown name's stem and the extension of the type its
    bytes were judged to be, never the uploader's. The last extension-like suffix is dropped
    (`聊天记录.js` -> `聊天记录.txt`), then one more if it names the judged type (`截图.png.exe` holding a PNG ->
    `截图.png`, not `截图.png.png`). An extension that is not an accepted type's (a damaged row) gives `.bin`."""
    if extension not in _ALIASES:
        extension = "bin"
    stem, dot, suffix = safe_display_name(display_name).rpartition(".")
    if not dot or not stem or not _EXTENSION_LIKE.fullmatch(suffix):
        stem = f"{stem}{dot}{suffix}"
    else:
        inner, dot, suffix = stem.rpartition(".")
        if dot and inner and suffix.lower() in _ALIASES.get(extension, ()):
            stem = inner
    stem = stem.rstrip(" .") or "file"
    return safe_segment(f"{stem[:120 - len(extension) - 1]}.{extension}")
