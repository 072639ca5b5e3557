"""HTML to an archival PDF with WeasyPrint: PDF/A-3b, fonts embedded as subsets, nothing fetched. Kept free of
the app (no Flask, no database) so the bulk export's rendering processes stay small."""
from __future__ import annotations

import gc
from dataclasses import dataclass

from arbitration import pdf_fonts

PDF_VARIANT = "pdf/a-3b"


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


def html_to_pdf(html: str, attachments: list[Attached] = ()) -> bytes:
    """WeasyPrint's layout keeps each document's font data in reference cycles: collect them at once, so a
    process rendering many documents stays at the size of one."""
    # WeasyPrint (and Pango, which reads the fontconfig file once) loads only in processes that render, after
    # pdf_fonts.use() chose the document's fonts: a written exception to module-level imports
    from weasyprint import HTML, Attachment

    try:
        document = HTML(string=html, url_fetcher=_no_fetch)
        return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[
            Attachment(string=a.data, name=a.name, description=a.description) for a in attachments])
    finally:
        gc.collect()


# ---- the bulk export's rendering processes (this module is all they import) ----

def init_worker(instance_path: str) -> None:
    pdf_fonts.use("dossier", instance_path)   # before WeasyPrint loads: only the dossier's fonts


def render_in_worker(html: str) -> bytes:
    return html_to_pdf(html)
