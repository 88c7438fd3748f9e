"""Operations' own table: which daily job ran on which day (backups, retention)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class OpsRun(Base):
    """One daily job on one day; the primary key is the claim, so only one instance runs it."""

    __tablename__ = "ops_runs"

    job: Mapped[str] = mapped_column(String(32), primary_key=True)  # backup | retention
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the WIB date it ran for
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))  # ok | failed
    note: Mapped[str | None] = mapped_column(Text)
