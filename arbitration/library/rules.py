"""What a published decision may say (pure: no Flask, no database).

A decision is published once it is final (the reconsideration window closed without a request, or the
reconsideration decided) and a supervisor has not withheld it. Its texts are de-identified as the regulators'
exports are (privacy.masking: names after a label, phone, ID and bank card numbers, e-mail, QQ/WeChat ids,
addresses) and, beyond them, for a public reader:
  - the people named in the case (the buyer, the merchant's staff) are masked wherever they stand (张*);
  - the merchant's shop name is replaced by 商家: a 卡盟 merchant is often one person (个人店铺), and the library
    is about how disputes end, not about whom;
  - the order's and the case's numbers are removed: a party knows them, and a stranger could use one to tie the
    decision to the people behind it.
"""
from __future__ import annotations

from collections.abc import Iterable

from arbitration.privacy.masking import mask_text

MERCHANT = "商家"
REMOVED = "〔已隐去〕"
MAX_REASON = 2000
MIN_REASON = 10


def public_text(text: str | None, *, people: Iterable[str] = (), merchants: Iterable[str] = (),
                numbers: Iterable[str] = ()) -> str:
    """`text` as the library prints it: numbers removed, the merchant named 商家, personal information masked."""
    out = text or ""
    for number in sorted({n for n in numbers if n}, key=len, reverse=True):
        out = out.replace(number, REMOVED)
    for name in sorted({m.strip() for m in merchants if m and m.strip()}, key=len, reverse=True):
        out = out.replace(MERCHANT + name, MERCHANT).replace(name, MERCHANT)      # 商家飞鱼卡盟: 商家, once
    return mask_text(out, people)


def reason_problem(reason: str) -> str | None:
    """Why a reason for withholding a decision cannot be kept, or None (a code: 'short', 'long')."""
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        return "short"
    if len(reason) > MAX_REASON:
        return "long"
    return None
