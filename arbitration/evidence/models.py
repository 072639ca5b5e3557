"""The evidence table: one row per stored file, never deleted while it must be kept."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base
from arbitration.evidence import sniff

KINDS = ("screenshot", "chat_log", "order_record", "card_code_proof", "payment_record", "video", "other")
# What the upload form sends when the uploader leaves the kind to us: the server picks it from the sniffed type.
AUTO_KIND = "auto"
KIND_BY_TYPE = {"image": "screenshot", "video": "video", "text": "chat_log", "pdf": "other"}
PARTIES = ("buyer", "merchant", "platform")


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {KINDS}", name="kind"),
        sa.CheckConstraint(f"party IN {PARTIES}", name="party"),
        sa.CheckConstraint("size > 0", name="size"),
        sa.Index("ix_evidence_subject", "subject_type", "subject_id", "created_at"),
        sa.UniqueConstraint("storage_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(sa.String(20))     # order_request (later: case)
    subject_id: Mapped[str] = mapped_column(sa.String(64))
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    party: Mapped[str] = mapped_column(sa.String(10))
    uploader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    display_name: Mapped[str] = mapped_column(sa.String(130))
    mime: Mapped[str] = mapped_column(sa.String(60))            # sniffed from the bytes
    extension: Mapped[str] = mapped_column(sa.String(10))
    charset: Mapped[str | None] = mapped_column(sa.String(20))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_backend: Mapped[str] = mapped_column(sa.String(10))  # local / s3
    storage_key: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[dt.datetime]
    late: Mapped[bool] = mapped_column(default=False)
    withdrawn: Mapped[bool] = mapped_column(default=False)
    retained_until: Mapped[dt.datetime | None]
    # the time stamping authority's TimeStampResp over `sha256` (a job asks for it after the upload; None while the
    # authority is down or none is configured: the file is usable meanwhile) and the time it states
    tsr: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    stamped_at: Mapped[dt.datetime | None]

    @property
    def content_type(self) -> str:
        return f"{self.mime}; charset={self.charset}" if self.charset else self.mime

    @property
    def download_name(self) -> str:
        """The name it is downloaded and archived under (the shown name keeps the uploader's extension, this one
        never does: always the extension of the type sniffed from the bytes)."""
        return sniff.download_name(self.display_name, self.extension)

    @property
    def is_raster_image(self) -> bool:
        return self.mime in ("image/jpeg", "image/png", "image/gif", "image/webp")

    @property
    def viewer(self) -> str | None:
        """How the page shows it: image (the lightbox), pdf (the browser's viewer), video (a player), text (decoded
        on our page); None for a row whose type we do not accept (a damaged row: download only)."""
        kind = sniff.kind_of(self.mime)
        if kind == "image" and not self.is_raster_image:
            return None
        if kind == "text" and self.charset not in ("utf-8", "gb18030"):
            return None
        return kind

    @property
    def served_inline(self) -> bool:
        """Whether its bytes may be sent for the browser to show (`inline`): raster images, PDFs, MP4 and WebM
        only, by the type sniffed from the bytes. Text is decoded and escaped on our own page instead; HTML and
        SVG are never stored, and would never be sent inline."""
        return self.viewer in ("image", "pdf", "video")
