"""Which fonts WeasyPrint (through fontconfig) may see, per kind of document.

Left to the system configuration, every PDF render makes fontconfig load the caches of all installed fonts;
with the Noto CJK collections that is about 100 MiB per render, held until the render ends. A fontconfig file
listing only the folders a document needs cuts that to a few MiB. Ruling documents use Noto CJK (serif body,
sans headings); dossiers, rendered by the thousand in bulk exports, use WenQuanYi Micro Hei (a 5 MB TrueType
collection) and DejaVu for hashes. The file is written under the instance folder and named by
FONTCONFIG_FILE, which fontconfig reads once per process, before the first render. An operator's own
FONTCONFIG_FILE is left alone.

A document whose Chinese font is missing still renders, every character a box ("tofu"), so each document names
the font it needs: before rendering, `require` asks fontconfig (the configuration WeasyPrint reads) which file
the family resolves to and refuses anything but the expected one; after rendering, pdf_render.check_fonts
requires that font embedded in the PDF. Either failure is FontsMissing, naming the Debian package to install.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

NOTO = "/usr/share/fonts/opentype/noto"              # fonts-noto-cjk
WQY = "/usr/share/fonts/truetype/wqy"                # fonts-wqy-microhei
DEJAVU = "/usr/share/fonts/truetype/dejavu"          # fonts-dejavu-core
PROFILES = {"app": (NOTO, WQY, DEJAVU), "dossier": (WQY, DEJAVU)}
PACKAGES = {NOTO: "fonts-noto-cjk", WQY: "fonts-wqy-microhei", DEJAVU: "fonts-dejavu-core"}


@dataclass(frozen=True)
class DocumentFont:
    family: str         # as the print template names it
    file: str           # what fontconfig must resolve the family to
    package: str        # the Debian package that installs the file
    embedded: str       # the font's name in the PDF (BaseFont after the subset tag), bold faces add "-Bold"


DOCUMENT_FONTS = {
    "ruling": DocumentFont("Noto Serif CJK SC", f"{NOTO}/NotoSerifCJK-Regular.ttc", "fonts-noto-cjk",
                           "Noto-Serif-CJK-SC"),
    "dossier": DocumentFont("WenQuanYi Micro Hei", f"{WQY}/wqy-microhei.ttc", "fonts-wqy-microhei",
                            "WenQuanYi-Micro-Hei"),
}
FC_MATCH_PATTERN = 0
FC_RESULT_MATCH = 0


class FontsMissing(Exception):
    """A document's font is not installed, not what fontconfig finds, or not embedded in its PDF."""


def missing_packages(profile: str) -> list[str]:
    return [PACKAGES[f] for f in PROFILES[profile] if not os.path.isdir(f)]


def config_text(folders, cache: Path) -> str:
    dirs = "".join(f"  <dir>{f}</dir>\n" for f in folders)
    return ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
            f"{dirs}  <cachedir>{cache}</cachedir>\n</fontconfig>\n")


def use(profile: str, instance_path: str | os.PathLike) -> str | None:
    """Point this process's fontconfig at the profile's folders; returns the file, or None when left alone
    (a font package missing, said as an error naming it; an operator's own FONTCONFIG_FILE; or WeasyPrint
    already loaded)."""
    missing = missing_packages(profile)
    if missing:          # said at every start (serve, worker, a command); each render then refuses (`require`)
        log.error("fonts for PDF documents are not installed: install the Debian package(s) %s; until then "
                  "rendering ruling documents and dossiers is refused", " ".join(missing))
        return None
    base = Path(instance_path) / "fontconfig"
    current = os.environ.get("FONTCONFIG_FILE")
    if (current and Path(current).parent != base) or "weasyprint" in sys.modules:
        return None      # the operator's own configuration, or too late for this process
    folders = PROFILES[profile]
    base.mkdir(parents=True, exist_ok=True)
    path = base / f"{profile}.conf"
    text = config_text(folders, base / f"cache-{profile}")
    if not path.exists() or path.read_text() != text:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
    os.environ["FONTCONFIG_FILE"] = str(path)
    return str(path)


@functools.cache
def _fontconfig() -> ctypes.CDLL:
    fc = ctypes.CDLL(ctypes.util.find_library("fontconfig") or "libfontconfig.so.1")
    fc.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcNameParse.argtypes = [ctypes.c_char_p]
    fc.FcConfigSubstitute.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
    fc.FcDefaultSubstitute.argtypes = [ctypes.c_void_p]
    fc.FcFontMatch.restype = ctypes.c_void_p
    fc.FcFontMatch.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
    fc.FcPatternGetString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                      ctypes.POINTER(ctypes.c_char_p)]
    fc.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    fc.FcConfigDestroy.argtypes = [ctypes.c_void_p]
    return fc


def resolve(family: str) -> str | None:
    """The file fontconfig picks for a family, reading the configuration this process's environment names now
    (FONTCONFIG_FILE, as WeasyPrint does when it loads); None when it picks nothing."""
    fc = _fontconfig()
    config = fc.FcInitLoadConfigAndFonts()
    if not config:
        return None
    pattern = fc.FcNameParse(family.encode())
    try:
        fc.FcConfigSubstitute(config, pattern, FC_MATCH_PATTERN)
        fc.FcDefaultSubstitute(pattern)
        match = fc.FcFontMatch(config, pattern, ctypes.byref(ctypes.c_int()))
        if not match:
            return None
        try:
            path = ctypes.c_char_p()
            if fc.FcPatternGetString(match, b"file", 0, ctypes.byref(path)) != FC_RESULT_MATCH:
                return None
            return os.fsdecode(path.value)
        finally:
            fc.FcPatternDestroy(match)
    finally:
        fc.FcPatternDestroy(pattern)
        fc.FcConfigDestroy(config)


_resolved: set[tuple[str | None, DocumentFont]] = set()     # (FONTCONFIG_FILE, font) found right in this process


def require(document: str) -> None:
    """Refuse to render `document` unless its font is installed and is what fontconfig resolves its family to."""
    font = DOCUMENT_FONTS[document]
    key = (os.environ.get("FONTCONFIG_FILE"), font)
    if key in _resolved:
        return
    if not os.path.isfile(font.file):
        raise FontsMissing(f"{font.family} is not installed ({font.file}): install the Debian package "
                           f"{font.package}")
    found = resolve(font.family)
    if found is None or os.path.realpath(found) != os.path.realpath(font.file):
        raise FontsMissing(f"fontconfig resolves {font.family} to {found or 'nothing'}, not {font.file}: install "
                           f"the Debian package {font.package} and check FONTCONFIG_FILE")
    _resolved.add(key)
