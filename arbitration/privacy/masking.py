"""Masking of personal information for exports, dossiers and public texts (pure: no Flask, no database).

De-identification in the sense of GB/T 35273 §3.15 / 个人信息保护法 art. 73: what is left cannot identify
the person without other information, yet a reader still sees that there was a name, a phone number, an
address (and can tell two different ones apart by the digits kept).

The API, for every feature (dossiers, exports, the open feed, the public decision library):

    mask_name("张三")                 -> "张*" (欧阳娜娜 -> 欧*)
    mask_text(text, names=("张三",))  -> text with every kind below masked, and the given names wherever they stand
    mask_phone / mask_id_card / mask_bank_card / mask_email / mask_address -> one value of a known kind

What `mask_text` finds in free text, in this order (longer digit runs first, so an ID card number is never
taken for a phone number):
  e-mail addresses; ID card numbers (18 digits or 17 + X, and the old 15 digits); bank card numbers (16–19
  digits, optionally in groups of four); mainland mobile numbers (1[3-9] + 9 digits, optionally +86 and
  spaces or dashes) and landlines with an area code (0xx-xxxxxxxx); QQ numbers and WeChat ids after their
  label (QQ, 企鹅号, 微信, 微信号, VX, WX, WeChat); addresses after a label (地址, 收货地址, 住址, …) or
  recognised by their shape (region + road/street/community + number); names after a label (姓名, 收货人,
  联系人, 持卡人, 户名, 我叫, …) and the names passed in.
Digit runs inside letters and digits (order numbers like KM202610011230123456, hashes) are left alone.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

STAR = "*"
_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"

EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
ID_CARD = re.compile(_NOT_ALNUM_BEFORE
                     + r"([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                     r"|[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})" + _NOT_ALNUM_AFTER)
BANK_CARD = re.compile(_NOT_ALNUM_BEFORE + r"(\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?|\d{16,19})" + _NOT_ALNUM_AFTER)
MOBILE = re.compile(r"(?<![0-9A-Za-z+])((?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2})" + _NOT_ALNUM_AFTER)
LANDLINE = re.compile(_NOT_ALNUM_BEFORE + r"(0\d{2,3})[ -](\d{7,8})" + _NOT_ALNUM_AFTER)
QQ = re.compile(r"((?:QQ|qq|Qq|扣扣|企鹅)(?:号码|号)?\s*[:：是为]?\s*)(\d{5,11})" + _NOT_ALNUM_AFTER)
WECHAT = re.compile(r"((?:微信|薇信|威信|WeChat|wechat|Wechat|VX|vx|Vx|WX|wx|V信|v信)(?:号|账号|id|ID)?\s*[:：是为]?\s*)"
                    r"([A-Za-z][-_A-Za-z0-9]{5,19}|1[3-9]\d{9}|\d{5,11})" + _NOT_ALNUM_AFTER)
ADDRESS_LABEL = re.compile(r"((?:收货|收件|家庭|联系|居住|通讯|寄件|邮寄)?(?:地址|住址|住在|地点)\s*[:：是为]?\s*)"
                           r"([^\s，,。；;！!？?）)\n]{4,60})")
_CJK = r"\u4e00-\u9fff"
ADDRESS_SHAPE = re.compile(
    rf"((?:[{_CJK}]{{2,7}}?(?:省|自治区))?(?:[{_CJK}]{{2,7}}?(?:市|自治州|地区|盟))?(?:[{_CJK}]{{1,7}}?(?:区|县|旗))?)"
    rf"([{_CJK}A-Za-z0-9]{{1,20}}?(?:路|街|大道|巷|弄|胡同|村|镇|乡|小区|大厦|花园|公寓|家园|新村)"
    rf"[{_CJK}A-Za-z0-9\-#－]{{0,30}}?(?:\d+|[一二三四五六七八九十百]+)(?:号院|号楼|号|栋|幢|座|单元|室|层|楼)"
    rf"(?:[{_CJK}A-Za-z0-9\-#－]{{0,20}}?\d+(?:室|层|号|楼|单元|户))*)")
NAME_LABEL = re.compile(rf"((?:姓名|名字|真实姓名|收货人|收件人|联系人|持卡人|开户名|户名|账户名|我叫|本人姓名)"
                        rf"\s*[:：是为]?\s*)([{_CJK}]{{2,4}}?)(?=[\s，,。；;、！!？?（(）)：:]|先生|女士|同学|$|的|电话|手机|，)")


def _stars(n: int) -> str:
    return STAR * max(n, 0)


def _keep(value: str, head: int, tail: int) -> str:
    """Keep `head` and `tail` characters, stars in between (digit separators are kept where they stood)."""
    chars = list(value)
    idx = [i for i, c in enumerate(chars) if c.isalnum()]
    if len(idx) <= head + tail:
        return "".join(STAR if c.isalnum() else c for c in chars)
    for i in idx[head:len(idx) - tail]:
        chars[i] = STAR
    return "".join(chars)


def mask_name(name: str | None) -> str:
    """A person's name: its first character and one star, whatever its length, so neither the name nor its
    length shows (张三 → 张*, 欧阳娜娜 → 欧*, Alice → A*; as lists show names, arbitration/web_format.py).

    A one-character name becomes one star. None and "" stay empty."""
    name = (name or "").strip()
    if not name:
        return ""
    if len(name) == 1:
        return STAR
    return name[0] + STAR


def mask_phone(phone: str) -> str:
    """Mobile 13812345678 → 138****5678; a landline keeps its area code and last two digits."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits[0] == "1":
        return digits[:3] + "****" + digits[-4:]
    return _keep(phone, 4 if phone.startswith("0") else 3, 2)


def mask_id_card(number: str) -> str:
    """ID card number: the first digit and the last one kept (the region, the birth date and the serial go)."""
    return _keep(number, 1, 1)


def mask_bank_card(number: str) -> str:
    """Bank card number: only the last four digits kept (6222 0212 3456 7890 → **** **** **** 7890)."""
    return _keep(number, 0, 4)


def mask_email(address: str) -> str:
    """E-mail: the first character of the local part and the domain kept (zhangsan@qq.com → z*******@qq.com)."""
    local, _, domain = address.partition("@")
    if not domain:
        return _keep(address, 1, 0)
    return (local[:1] + _stars(len(local) - 1)) + "@" + domain


def mask_account(value: str) -> str:
    """A QQ number or WeChat id: the first and the last character kept."""
    return value[0] + _stars(len(value) - 2) + value[-1] if len(value) > 3 else _stars(len(value))


def mask_address(address: str) -> str:
    """An address: the province/city/district kept when recognisable, the street, building and room starred."""
    m = ADDRESS_SHAPE.search(address)
    if m and m.start() == 0 and m.group(1):
        return m.group(1) + _stars(min(len(address) - len(m.group(1)), 8))
    region = re.match(rf"(?:[{_CJK}]{{2,7}}?(?:省|自治区))?(?:[{_CJK}]{{2,7}}?(?:市|自治州|盟))?(?:[{_CJK}]{{1,7}}?(?:区|县|旗))?",
                      address)
    kept = region.group(0) if region else ""
    return kept + _stars(min(len(address) - len(kept), 8) or 1)


def _label_sub(pattern: re.Pattern, fn):
    return lambda text: pattern.sub(lambda m: m.group(1) + fn(m.group(2)), text)


def mask_text(text: str | None, names: Iterable[str] = ()) -> str:
    """Free text with every piece of personal information it contains masked (see the module's docstring).

    `names`: the names of the people the text is about (the parties, their contacts); each is masked wherever it
    stands, longest first. Masking twice changes nothing more (stars are not personal data)."""
    if not text:
        return text or ""
    out = EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    out = _label_sub(QQ, mask_account)(out)
    out = _label_sub(WECHAT, mask_account)(out)
    out = ID_CARD.sub(lambda m: mask_id_card(m.group(1)), out)
    out = BANK_CARD.sub(lambda m: mask_bank_card(m.group(1)), out)
    out = MOBILE.sub(lambda m: mask_phone(m.group(1)), out)
    out = LANDLINE.sub(lambda m: m.group(1) + "-" + _keep(m.group(2), 0, 2), out)
    out = _label_sub(ADDRESS_LABEL, mask_address)(out)
    out = ADDRESS_SHAPE.sub(lambda m: mask_address(m.group(0)), out)
    out = _label_sub(NAME_LABEL, mask_name)(out)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = out.replace(name, mask_name(name))
    return out


def mask_fields(row: dict, *, text_fields: Iterable[str] = (), name_fields: Iterable[str] = (),
                names: Iterable[str] = ()) -> dict:
    """A copy of `row` with its name fields masked as names and its text fields masked as free text."""
    names = tuple(names)
    out = dict(row)
    for key in name_fields:
        if out.get(key):
            out[key] = mask_name(str(out[key]))
    for key in text_fields:
        if out.get(key):
            out[key] = mask_text(str(out[key]), names)
    return out
