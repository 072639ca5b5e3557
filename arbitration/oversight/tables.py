"""Tables as files a regulator opens in a spreadsheet: CSV (UTF-8 with its byte-order mark, so Excel on Chinese
Windows reads it) and .xlsx (openpyxl, write-only: rows are streamed to a temporary file, not held)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.styles import Font

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A text cell a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value
    return value


def csv_text(header: Sequence, rows: Iterable[Sequence], english_header: Sequence | None = None) -> str:
    """BOM, the header row (in the reader's language), optionally a second header row in English, the rows."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([str(h) for h in header])
    if english_header is not None:
        writer.writerow([str(h) for h in english_header])
    writer.writerows([[cell(v) for v in row] for row in rows])
    return out.getvalue()


def xlsx_bytes(title: str, header: Sequence, rows: Iterable[Sequence], english_header: Sequence | None = None,
               widths: Sequence[int] | None = None) -> bytes:
    """One sheet: a bold header row frozen at the top, then the rows (numbers stay numbers)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31] or "Sheet1")
    ws.freeze_panes = "A3" if english_header is not None else "A2"
    for i, w in enumerate(widths or [max(10, min(40, len(str(h)) * 2 + 4)) for h in header]):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    bold = Font(bold=True)
    for head in [header] + ([english_header] if english_header is not None else []):
        cells = []
        for h in head:
            c = WriteOnlyCell(ws, value=str(h))
            c.font = bold
            cells.append(c)
        ws.append(cells)
    for row in rows:
        ws.append([cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
