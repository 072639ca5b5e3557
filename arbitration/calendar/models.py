"""Calendar tables: special days and the years whose data is known."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from arbitration.db import Base

DAY_KINDS = ("holiday", "workday")
SOURCES = ("package", "admin")


class CalendarDay(Base):
    """A day that differs from the weekend rule: a holiday on a weekday or a make-up working day."""

    __tablename__ = "calendar_days"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {DAY_KINDS}", name="kind"),
        sa.CheckConstraint(f"source IN {SOURCES}", name="source"),
    )

    day: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    source: Mapped[str] = mapped_column(sa.String(10), default="package")
    created_at: Mapped[dt.datetime]


class CalendarYear(Base):
    """A year whose holiday schedule is complete (from the package, or entered by an admin)."""

    __tablename__ = "calendar_years"
    __table_args__ = (sa.CheckConstraint(f"source IN {SOURCES}", name="source"),)

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(10))
    created_at: Mapped[dt.datetime]
