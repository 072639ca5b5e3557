"""The law library: one row per version of a provision. A provision is amended by adding a version and
retired by marking its last version; a ruling cites a version's row, so it always shows the text it cited."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base


CN_NUMERALS = dict(enumerate("零一二三四五六七八九十", start=0))


class Provision(Base):
    __tablename__ = "law_provisions"
    __table_args__ = (sa.UniqueConstraint("code", "version"),
                      sa.CheckConstraint("version >= 1", name="version"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), index=True)      # e.g. CRPL-26
    version: Mapped[int] = mapped_column(default=1)
    law: Mapped[str] = mapped_column(sa.String(120))
    law_en: Mapped[str] = mapped_column(sa.String(200), default="")
    article: Mapped[str] = mapped_column(sa.String(40))               # 第二十六条
    article_no: Mapped[int | None]
    paragraph: Mapped[int | None]                                     # 款, when one is quoted alone
    effective: Mapped[dt.date] = mapped_column(sa.Date)               # the date of the version quoted
    text_zh: Mapped[str] = mapped_column(sa.Text)                     # verbatim; "\n" separates 款/项
    gloss_en: Mapped[str] = mapped_column(sa.Text, default="")
    applies_when_json: Mapped[str] = mapped_column(sa.Text, default="[]")   # fact tags
    source: Mapped[str] = mapped_column(sa.Text, default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    verified: Mapped[bool] = mapped_column(default=False)
    change_note: Mapped[str] = mapped_column(sa.Text, default="")     # why this version was added
    added_at: Mapped[dt.datetime]
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    retired_at: Mapped[dt.datetime | None]                           # set on the last version only
    retired_reason: Mapped[str] = mapped_column(sa.Text, default="")

    @property
    def applies_when(self) -> list[str]:
        return json.loads(self.applies_when_json)

    @property
    def title(self) -> str:
        """中华人民共和国消费者权益保护法 第二十六条, or … 第十三条第二款"""
        return f"{self.law} {self.citation}"

    @property
    def citation(self) -> str:
        return self.article + (f"第{CN_NUMERALS.get(self.paragraph, self.paragraph)}款" if self.paragraph else "")

    @property
    def retired(self) -> bool:
        return self.retired_at is not None
