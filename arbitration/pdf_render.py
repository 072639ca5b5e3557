"""HTML to an archival PDF with WeasyPrint: PDF/A-3b, fonts embedded as subsets, nothing fetched. Kept free of
the app (no Flask, no database) so the bulk export's rendering processes stay small."""
from __future__ import annotations

import gc
import io
from dataclasses import dataclass

from pypdf import PdfReader

from arbitration import pdf_fonts
from arbitration.signing import pades

PDF_VARIANT = "pdf/a-3b"
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


@dataclass(frozen=True)
class Attached:
    """A file embedded in the PDF (a dossier's evidence)."""
    data: bytes
    name: str
    description: str = ""


class FetchRefused(Exception):
    pass


def _no_fetch(url: str, *args, **kwargs):
    """Rendering never loads anything (a user's text could name a URL; it is escaped, but be sure)."""
    raise FetchRefused(f"refused to fetch {url[:80]!r} while rendering a PDF")


def html_to_pdf(html: str, attachments: list[Attached] = (), document: str | None = None) -> bytes:
    """WeasyPrint's layout keeps each document's font data in reference cycles: collect them at once, so a
    process rendering many documents stays at the size of one. With `document` ("ruling", "dossier"), its font
    is required before rendering and checked in the PDF after (pdf_fonts.FontsMissing otherwise)."""
    # WeasyPrint (and Pango, which reads the fontconfig file once) loads only in processes that render, after
    # pdf_fonts.use() chose the document's fonts: a written exception to module-level imports
    from weasyprint import HTML, Attachment

    if document:
        pdf_fonts.require(document)
    try:
        pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf(pdf_variant=PDF_VARIANT, attachments=[
            Attachment(string=a.data, name=a.name, description=a.description) for a in attachments])
    finally:
        gc.collect()
    if document:
        check_fonts(pdf, document)
    return pdf


def _direct(obj):
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _fonts_in(resources, seen: set) -> list:
    """The font dictionaries of a resource dictionary and of the form XObjects it uses."""
    resources = _direct(resources) or {}
    fonts = [_direct(f) for f in (_direct(resources.get("/Font")) or {}).values()]
    for ref in (_direct(resources.get("/XObject")) or {}).values():
        xobject = _direct(ref)
        key = getattr(ref, "idnum", None) or id(xobject)
        if key not in seen and xobject.get("/Subtype") == "/Form":
            seen.add(key)
            fonts += _fonts_in(xobject.get("/Resources"), seen)
    return fonts


def embedded_fonts(pdf: bytes) -> set[str]:
    """The names of the fonts a PDF embeds (those with a font file; subset tags removed)."""
    names, seen = set(), set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in _fonts_in(page.get("/Resources"), seen):
            parts = [font, *(_direct(d) for d in _direct(font.get("/DescendantFonts")) or [])]
            descriptors = [_direct(part.get("/FontDescriptor")) for part in parts]
            if any(key in d for d in descriptors if d for key in FONT_FILES):
                names.add(str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def check_fonts(pdf: bytes, document: str) -> None:
    """Refuse a rendered `document` unless it embeds its Chinese font (else its Chinese text came out as boxes)."""
    font = pdf_fonts.DOCUMENT_FONTS[document]
    names = embedded_fonts(pdf)
    if not any(n == font.embedded or n.startswith(font.embedded + "-") for n in names):
        raise pdf_fonts.FontsMissing(f"the {document} PDF does not embed {font.embedded} (it embeds "
                                     f"{', '.join(sorted(names)) or 'no font'}): install the Debian package "
                                     f"{font.package} and check FONTCONFIG_FILE")


# ---- the bulk export's rendering processes (this module is all they import) ----

def init_worker(instance_path: str) -> None:
    pdf_fonts.use("dossier", instance_path)   # before WeasyPrint loads: only the dossier's fonts


def render_in_worker(html: str, signing: pades.Settings | None = None) -> bytes:
    """A dossier laid out in a rendering process, then signed there as the single dossier download is (the
    parent's signing settings: the same key, chain and authority; pyHanko's signer is loaded once per process)."""
    pdf = html_to_pdf(html, document="dossier")
    return pades.sign_pdf(pdf, signing, "dossier") if signing is not None else pdf
