"""The notifications table: what to tell whom, rendered in the reader's language when shown."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
                      sa.Index("ix_notifications_user_newest", "user_id", "id"))   # the inbox: newest 50

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))       # its sentence: notifications.texts.text_of
    params_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    link: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[dt.datetime]
    read_at: Mapped[dt.datetime | None]
    emailed_at: Mapped[dt.datetime | None]

    @property
    def params(self) -> dict:
        return json.loads(self.params_json)
