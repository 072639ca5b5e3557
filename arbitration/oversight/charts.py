"""Charts drawn on the server as SVG (pure: no Flask). Labels are escaped; no script, no external font."""
from __future__ import annotations

from html import escape

WIDTH = 640
BAR = 22
GAP = 8
LABEL_WIDTH = 200


def bar_chart(rows: list[tuple[str, float]], *, title: str, unit: str = "", decimals: int = 0) -> str:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    top = max((v for _, v in rows), default=0) or 1
    height = 30 + len(rows) * (BAR + GAP) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
           f'aria-label="{escape(title)}" width="100%" preserveAspectRatio="xMinYMin meet">',
           f'<title>{escape(title)}</title>',
           f'<text x="0" y="18" font-size="14" font-weight="bold">{escape(title)}</text>']
    span = WIDTH - LABEL_WIDTH - 90
    for i, (label, value) in enumerate(rows):
        y = 30 + i * (BAR + GAP)
        w = max(1, round(span * value / top)) if value else 0
        shown = f"{value:.{decimals}f}{unit}"
        out.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 6}" font-size="12" text-anchor="end">'
                   f'{escape(label[:28])}</text>')
        out.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{w}" height="{BAR}" fill="#3a6ea5"/>')
        out.append(f'<text x="{LABEL_WIDTH + w + 6}" y="{y + BAR - 6}" font-size="12">{escape(shown)}</text>')
    out.append("</svg>")
    return "".join(out)
