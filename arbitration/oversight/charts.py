"""Charts drawn on the server as SVG (pure: no Flask). Labels are escaped; no script, no external font.

Readable on a phone: the drawing is 400 units wide and shown at most 560 px wide (static/css/app.css
`.chart-wrap svg`), so at 375 px (a card about 340 px wide) a 13-unit label is about 11 px, and on a desktop it
is 18 px at most. Each label stands on its own line above its bar, so a long merchant name is not squeezed. The
title is the page's heading above the chart: in the SVG it is only the accessible name (<title>, aria-label),
never drawn a second time."""
from __future__ import annotations

from html import escape

WIDTH = 400
BAR = 14
LABEL = 16          # the label's line above the bar
GAP = 10
VALUE_ROOM = 70     # right of the longest bar, for its value
LABEL_CHARS = 30


def bar_chart(rows: list[tuple[str, float]], *, title: str, unit: str = "", decimals: int = 0,
              links: list[str] | None = None) -> str:
    """Horizontal bars, one per (label, value), scaled to the largest value; with `links` (one address per row)
    each bar, its label and its value lead there (the dashboard's drill-down to the case list)."""
    top = max((v for _, v in rows), default=0) or 1
    step = LABEL + BAR + GAP
    role = "group" if links else "img"          # an image holds no links; a group of links keeps its name
    height = len(rows) * step + 4
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" role="{role}" '
           f'aria-label="{escape(title)}" width="100%" preserveAspectRatio="xMinYMin meet">',
           f'<title>{escape(title)}</title>']
    span = WIDTH - VALUE_ROOM
    for i, (label, value) in enumerate(rows):
        y = i * step
        w = max(1, round(span * value / top)) if value else 0
        shown = f"{value:.{decimals}f}{unit}"
        text = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"
        if links:
            out.append(f'<a href="{escape(links[i])}" aria-label="{escape(f"{label}: {shown}")}">')
            # the whole row (label, bar, value) is the target, large enough for a finger at 375 px
            out.append(f'<rect x="0" y="{y}" width="{WIDTH}" height="{step}" fill="#fff" fill-opacity="0"/>')
        out.append(f'<text x="0" y="{y + LABEL - 3}" font-size="13">{escape(text)}</text>')
        out.append(f'<rect x="0" y="{y + LABEL}" width="{w}" height="{BAR}" fill="#3a6ea5"/>')
        out.append(f'<text x="{w + 6}" y="{y + LABEL + BAR - 2}" font-size="13">{escape(shown)}</text>')
        if links:
            out.append('</a>')
    out.append("</svg>")
    return "".join(out)
