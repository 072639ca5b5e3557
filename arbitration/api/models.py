"""Clients of the platform API: each with a token stored only as its SHA-256, and scopes."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base


class ApiClient(Base):
    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_prefix: Mapped[str] = mapped_column(sa.String(12))           # shown to admins to tell tokens apart
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]

    @property
    def scopes(self) -> list[str]:
        return json.loads(self.scopes_json)

    @property
    def active(self) -> bool:
        return self.revoked_at is None
