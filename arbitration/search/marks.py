"""What to mark in text read from a screenshot (pure: no Flask, no database): order numbers, amounts and times,
the facts a chat or payment screenshot is filed for."""
from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = {
    "order": re.compile(r"(?:KM|km)\d{6,}|(?<![\d.])\d{12,32}(?![\d.])"),
    "amount": re.compile(r"[¥￥]\s?\d[\d,]*(?:\.\d{1,2})?|\d[\d,]*(?:\.\d{1,2})?\s?元"),
    "time": re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
                       r"|(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])"),
}


@dataclass(frozen=True)
class Mark:
    text: str
    kind: str | None      # order / amount / time; None: plain text


def marked(text: str) -> list[Mark]:
    """`text` cut into plain pieces and marked ones (the earliest match first; an order number wins a tie)."""
    found = []
    for kind, pattern in KINDS.items():
        found += [(m.start(), m.end(), kind) for m in pattern.finditer(text)]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out, at = [], 0
    for start, end, kind in found:
        if start < at:
            continue
        if start > at:
            out.append(Mark(text[at:start], None))
        out.append(Mark(text[start:end], kind))
        at = end
    if at < len(text):
        out.append(Mark(text[at:], None))
    return out
