"""The law library: load the carried data file, read current versions, search, and the admin's add, amend
(a new version) and retire. Texts are never edited in place."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from arbitration import clock
from arbitration.audit import events
from arbitration.audit.services import record_event
from arbitration.db import db
from arbitration.errors import Conflict, InvalidInput, NotFound
from arbitration.law.models import Provision

DATA_FILE = Path(__file__).parent / "data" / "law-library.json"
SUBJECT = "law"
CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
TAG = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
TEXT_FIELDS = ("law", "law_en", "article", "text_zh", "gloss_en", "source", "note")


events.declare({
    "law.loaded": _l("The law library was loaded"),
    "law.added": _l("A provision was added to the law library"),
    "law.amended": _l("A provision was amended (a new version)"),
    "law.retired": _l("A provision was retired"),
})


def _latest_versions():
    """(code, highest version) for every provision."""
    return sa.select(Provision.code, sa.func.max(Provision.version).label("version")).group_by(
        Provision.code).subquery()


def _latest_stmt(include_retired: bool = False):
    latest = _latest_versions()
    stmt = sa.select(Provision).join(latest, sa.and_(Provision.code == latest.c.code,
                                                     Provision.version == latest.c.version))
    if not include_retired:
        stmt = stmt.where(Provision.retired_at.is_(None))
    return stmt


def current(code: str) -> Provision | None:
    """The version in force of a provision; None when unknown or retired."""
    return db.session.scalar(_latest_stmt().where(Provision.code == code))


def latest(code: str) -> Provision | None:
    return db.session.scalar(_latest_stmt(include_retired=True).where(Provision.code == code))


def versions(code: str) -> list[Provision]:
    return list(db.session.scalars(sa.select(Provision).where(Provision.code == code)
                                   .order_by(Provision.version.desc())))


def current_all() -> list[Provision]:
    return list(db.session.scalars(_latest_stmt().order_by(Provision.law, Provision.article_no, Provision.code)))


def laws() -> list[str]:
    return list(db.session.scalars(sa.select(Provision.law).distinct().order_by(Provision.law)))


CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def article_number(text: str) -> int | None:
    """"26", "第26条", "第二十六条", "二十六" → 26; anything else None."""
    text = text.strip().removeprefix("第").removesuffix("条").strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_DIGITS and c not in "十百" for c in text):
        return None
    total, digit = 0, 0
    for c in text:
        if c in CN_DIGITS:
            digit = CN_DIGITS[c]
        else:
            total += (digit or 1) * (10 if c == "十" else 100)
            digit = 0
    return total + digit


def search(q: str = "", law: str = "", include_retired: bool = False, limit: int = 200) -> list[Provision]:
    """By code (CRPL-26), article number (26, 第二十六条) or words in the law's name, text or gloss."""
    stmt = _latest_stmt(include_retired)
    if law:
        stmt = stmt.where(Provision.law == law)
    q = q.strip()[:100]
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions = [Provision.code.ilike(like, escape="\\"), Provision.law.ilike(like, escape="\\"),
                      Provision.text_zh.ilike(like, escape="\\"), Provision.gloss_en.ilike(like, escape="\\"),
                      Provision.law_en.ilike(like, escape="\\")]
        number = article_number(q)
        if number is not None:
            conditions.append(Provision.article_no == number)
        stmt = stmt.where(sa.or_(*conditions))
    return list(db.session.scalars(stmt.order_by(Provision.law, Provision.article_no, Provision.code).limit(limit)))


# ---- checking an entry (the data file, the admin's form) ----

@dataclass(frozen=True)
class Entry:
    code: str
    law: str
    article: str
    effective: dt.date
    text_zh: str
    law_en: str = ""
    article_no: int | None = None
    paragraph: int | None = None
    gloss_en: str = ""
    applies_when: tuple[str, ...] = ()
    source: str = ""
    note: str = ""
    verified: bool = False

    def differs_from(self, p: Provision) -> bool:
        mine = (self.text_zh, self.effective, self.article, self.paragraph)
        return mine != (p.text_zh, p.effective, p.article, p.paragraph)


def entry_from(data: dict) -> Entry:
    """Checks one provision's fields; InvalidInput names the first bad field."""
    code = str(data.get("id") or data.get("code") or "").strip().upper()
    if not CODE.match(code) or len(code) > 30:
        raise InvalidInput(_l("A provision code looks like CRPL-26 (capital letters, digits and dashes)."),
                           field="code")
    values = {}
    for name, required, limit in (("law", True, 120), ("article", True, 40), ("text_zh", True, 20000),
                                  ("law_en", False, 200), ("gloss_en", False, 5000), ("source", False, 2000),
                                  ("note", False, 5000)):
        value = data.get(name) or ""
        if not isinstance(value, str):
            raise InvalidInput(_l("%(field)s of %(code)s must be text.", field=name, code=code), field=name)
        value = value.strip() if name != "text_zh" else value.strip("\n ")
        if required and not value:
            raise InvalidInput(_l("%(code)s: %(field)s is required.", code=code, field=name), field=name)
        if len(value) > limit:
            raise InvalidInput(_l("%(code)s: %(field)s is too long.", code=code, field=name), field=name)
        values[name] = value
    try:
        effective = data["effective"] if isinstance(data.get("effective"), dt.date) else \
            dt.date.fromisoformat(str(data.get("effective") or ""))
    except ValueError:
        raise InvalidInput(_l("%(code)s: the effective date must be a date like 2014-03-15.", code=code),
                           field="effective") from None
    numbers = {}
    for name in ("article_no", "paragraph"):
        value = data.get(name)
        if value in (None, ""):
            numbers[name] = None
        elif isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10000:
            numbers[name] = value
        else:
            raise InvalidInput(_l("%(code)s: %(field)s must be a whole number.", code=code, field=name), field=name)
    if numbers["article_no"] is None:
        numbers["article_no"] = article_number(values["article"])
    tags = data.get("applies_when") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.replace("，", ",").split(",") if t.strip()]
    if not isinstance(tags, list) or not all(isinstance(t, str) and TAG.match(t) for t in tags):
        raise InvalidInput(_l("%(code)s: fact tags are lower-case words like hidden_fee, separated by commas.",
                              code=code), field="applies_when")
    return Entry(code=code, effective=effective, applies_when=tuple(dict.fromkeys(tags)),
                 verified=bool(data.get("verified")), **values, **numbers)


def _row(entry: Entry, version: int, actor, now: dt.datetime, change_note: str = "") -> Provision:
    row = Provision(code=entry.code, version=version, law=entry.law, law_en=entry.law_en, article=entry.article,
                    article_no=entry.article_no, paragraph=entry.paragraph, effective=entry.effective,
                    text_zh=entry.text_zh, gloss_en=entry.gloss_en,
                    applies_when_json=json.dumps(list(entry.applies_when)), source=entry.source, note=entry.note,
                    verified=entry.verified, change_note=change_note, added_at=now,
                    added_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


@dataclass
class LoadResult:
    added: int = 0
    amended: int = 0
    unchanged: int = 0


def load_file(path: str | Path = DATA_FILE, actor=None, now: dt.datetime | None = None) -> LoadResult:
    """Bring the library up to the data file: new codes are added, a changed text or date becomes a new
    version, the rest is left alone. The whole file is checked before anything is written."""
    now = now or clock.now_utc()
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidInput(_l("The law library file cannot be read: %(error)s", error=str(err))) from None
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise InvalidInput(_l("The law library file must be a JSON list of provisions."))
    entries = [entry_from(item) for item in raw]
    for entry in entries:
        _in_force_already(entry, now)
    codes = [e.code for e in entries]
    if len(set(codes)) != len(codes):
        raise InvalidInput(_l("The file lists a provision code twice."))
    result = LoadResult()
    existing = {p.code: p for p in db.session.scalars(_latest_stmt(include_retired=True))}
    for entry in entries:
        old = existing.get(entry.code)
        if old is None:
            _row(entry, 1, actor, now)
            result.added += 1
        elif entry.differs_from(old) and entry.effective >= old.effective:
            _row(entry, old.version + 1, actor, now, change_note="data file")
            result.amended += 1
        else:
            result.unchanged += 1
    if result.added or result.amended:
        record_event(SUBJECT, "library", actor, "law.loaded",
                     {"file": Path(path).name, "added": result.added, "amended": result.amended}, now=now)
    return result


def _in_force_already(entry: Entry, now: dt.datetime) -> None:
    """The library holds texts in force: a version is added on or after the day it takes effect (China date),
    so that rulings never cite a text that does not apply yet."""
    today = now.astimezone(clock.CHINA).date()
    if entry.effective > today:
        raise InvalidInput(_l("This text takes effect on %(date)s: add it on or after that day.",
                              date=entry.effective.isoformat()), field="effective")


def add(actor, data: dict, now: dt.datetime | None = None) -> Provision:
    now = now or clock.now_utc()
    entry = entry_from(data)
    _in_force_already(entry, now)
    if latest(entry.code) is not None:
        raise Conflict(_l("%(code)s is in the library already: amend it instead.", code=entry.code))
    row = _row(entry, 1, actor, now, change_note="added")
    record_event(SUBJECT, entry.code, actor, "law.added", {"version": 1, "effective": entry.effective.isoformat()},
                 now=now)
    return row


def amend(actor, code: str, *, text_zh: str, effective, change_note: str, gloss_en: str | None = None,
          now: dt.datetime | None = None) -> Provision:
    """A new version with a new text and effective date; the old version stays for the rulings that cite it."""
    now = now or clock.now_utc()
    old = current(code)
    if old is None:
        raise NotFound(_l("No provision %(code)s in force.", code=code))
    entry = entry_from({"id": code, "law": old.law, "law_en": old.law_en, "article": old.article,
                        "article_no": old.article_no, "paragraph": old.paragraph, "effective": effective,
                        "text_zh": text_zh, "gloss_en": old.gloss_en if gloss_en is None else gloss_en,
                        "applies_when": old.applies_when, "source": old.source, "note": old.note,
                        "verified": False})
    if entry.effective < old.effective:
        raise InvalidInput(_l("A new version cannot take effect before the current one (%(date)s).",
                              date=old.effective.isoformat()), field="effective")
    _in_force_already(entry, now)
    if not entry.differs_from(old):
        raise InvalidInput(_l("Nothing changed: give the new text or the new effective date."), field="text_zh")
    if len((change_note or "").strip()) < 5:
        raise InvalidInput(_l("Say what changed and where the new text comes from (at least 5 characters)."),
                           field="change_note")
    row = _row(entry, old.version + 1, actor, now, change_note=change_note.strip())
    record_event(SUBJECT, code, actor, "law.amended", {"version": row.version, "effective": entry.effective.isoformat(),
                                                       "note": change_note.strip()}, now=now)
    return row


def retire(actor, code: str, *, reason: str, now: dt.datetime | None = None) -> Provision:
    """No longer suggested nor citable; rulings that cited it keep showing its text."""
    now = now or clock.now_utc()
    row = current(code)
    if row is None:
        raise NotFound(_l("No provision %(code)s in force.", code=code))
    if len((reason or "").strip()) < 5:
        raise InvalidInput(_l("Say why the provision is retired (at least 5 characters)."), field="reason")
    row.retired_at, row.retired_reason = now, reason.strip()
    record_event(SUBJECT, code, actor, "law.retired", {"version": row.version, "reason": reason.strip()}, now=now)
    db.session.flush()
    return row
