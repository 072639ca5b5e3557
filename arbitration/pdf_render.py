"""HTML to an archival PDF with WeasyPrint: PDF/A-3b, fonts embedded as subsets, nothing fetched. Kept free of
the app (no Flask, no database) so the bulk export's rendering processes stay small."""
from __future__ import annotations

PDF_VARIANT = "pdf/a-3b"


class FetchRefused(Exception):
    pass


def _no_fetch(url: str, *args, **kwargs):
    """Rendering never loads anything (a user's text could name a URL; it is escaped, but be sure)."""
    raise FetchRefused(f"refused to fetch {url[:80]!r} while rendering a PDF")


def html_to_pdf(html: str, attachments=None) -> bytes:
    """WeasyPrint's layout keeps each document's font data in reference cycles: collect them at once, so a
    process rendering many documents stays at the size of one."""
    import gc

    from weasyprint import HTML

    try:
        document = HTML(string=html, url_fetcher=_no_fetch)
        return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=attachments or [])
    finally:
        gc.collect()


# ---- the bulk export's rendering processes (this module is all they import) ----

def init_worker(instance_path: str) -> None:
    from arbitration import pdf_fonts

    pdf_fonts.use("dossier", instance_path)   # before WeasyPrint loads: only the dossier's fonts


def render_in_worker(html: str) -> bytes:
    return html_to_pdf(html)
