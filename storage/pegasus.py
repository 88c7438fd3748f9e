"""Pegasus (SOP-330) tables: the pool, absences, roster periods, duties, swaps, proofs.

A *duty* (`DutySlot`) is one person's turn to make one poster for one posting day; a week
with two people on duty has two duties (seats 1 and 2). Its status walks
assigned → draft → submitted → (changes → submitted …) → approved → posted → proven,
or ends as missed when nothing was posted by the day after.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base
from storage.models import Employee


class DutyStatus(enum.StrEnum):
    """Where a duty is; stored by value."""

    ASSIGNED = "assigned"  # waiting for the quote
    DRAFT = "draft"  # a preview exists, not yet sent for approval
    SUBMITTED = "submitted"  # waiting for the PJ or Humas
    CHANGES = "changes"  # the reviewer asked for changes
    APPROVED = "approved"  # ready for the posting day
    POSTED = "posted"  # posted to Telegram and handed to Humas
    PROVEN = "proven"  # Humas sent proof of every post
    MISSED = "missed"  # nothing posted by the day after the posting day


OPEN_STATUSES = (DutyStatus.ASSIGNED, DutyStatus.DRAFT, DutyStatus.CHANGES)
"""Statuses in which the person on duty may still write (or change) the quote."""


class SwapStatus(enum.StrEnum):
    """Where a swap request is."""

    OFFERED = "offered"  # to one colleague, or to the whole pool
    ACCEPTED = "accepted"  # a colleague took it; waiting for the PJ
    APPROVED = "approved"
    REJECTED = "rejected"  # by the PJ
    DECLINED = "declined"  # by the colleague asked


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class PoolMember(Base):
    """An employee in the Pegasus rotation. `credit` is how many turns they are counted as
    having served when they joined, so a newcomer joins the current round instead of
    serving every week until they catch up."""

    __tablename__ = "pegasus_pool"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), unique=True)
    credit: Mapped[int] = mapped_column(Integer, default=0)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    added_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id], lazy="joined")


class Absence(Base):
    """Dates an employee is away (cuti, dinas luar); the roster skips them."""

    __tablename__ = "pegasus_absences"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    recorded_at: Mapped[datetime]


class RosterPeriod(Base):
    """One published roster: consecutive weeks from a Monday, one posting weekday."""

    __tablename__ = "pegasus_periods"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 4", name="weekday_mon_fri"),
        CheckConstraint("per_week BETWEEN 1 AND 5", name="per_week_range"),
        CheckConstraint("weeks BETWEEN 1 AND 53", name="weeks_range"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    start_date: Mapped[date] = mapped_column(Date, index=True)  # a Monday
    end_date: Mapped[date] = mapped_column(Date)  # the Sunday of the last week
    weeks: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(Integer)
    per_week: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime]


class Duty(Base):
    """One person's turn: the quote, the poster and its way to the office's channels."""

    __tablename__ = "pegasus_duties"
    __table_args__ = (
        UniqueConstraint("period_id", "week", "seat", name="uq_pegasus_duties_week_seat"),
        UniqueConstraint("period_id", "week", "employee_id", name="uq_pegasus_duties_week_person"),
        CheckConstraint(_in("status", tuple(DutyStatus)), name="status_known"),
        CheckConstraint("seat >= 1", name="seat_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("pegasus_periods.id"), index=True)
    week: Mapped[int] = mapped_column(Integer)  # 1-based within the period
    seat: Mapped[int] = mapped_column(Integer, default=1)
    posting_date: Mapped[date] = mapped_column(Date, index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=DutyStatus.ASSIGNED)
    quote: Mapped[str | None] = mapped_column(Text)
    photo_path: Mapped[str | None] = mapped_column(String(500))
    poster_path: Mapped[str | None] = mapped_column(String(500))
    template: Mapped[str | None] = mapped_column(String(40))
    submitted_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    review_note: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None]
    posted_at: Mapped[datetime | None]
    telegram_posted: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(Integer, default=0)

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id], lazy="joined")
    period: Mapped[RosterPeriod] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class Swap(Base):
    """A person on duty handing their turn to a colleague (or to whoever in the pool takes it);
    the PJ approves. At most one swap per duty is open at a time."""

    __tablename__ = "pegasus_swaps"
    __table_args__ = (
        Index(
            "uq_pegasus_swaps_open_duty",
            "duty_id",
            unique=True,
            sqlite_where=text("status IN ('offered', 'accepted')"),
            postgresql_where=text("status IN ('offered', 'accepted')"),
        ),
        CheckConstraint(_in("status", tuple(SwapStatus)), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("pegasus_duties.id"), index=True)
    from_employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    to_employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))  # None: pool
    taker_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    status: Mapped[str] = mapped_column(String(16), default=SwapStatus.OFFERED)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    version: Mapped[int] = mapped_column(Integer, default=0)

    __mapper_args__ = {"version_id_col": version}


class Proof(Base):
    """Humas's proof that a poster was posted: a screenshot or a link, per platform."""

    __tablename__ = "pegasus_proofs"
    __table_args__ = (
        UniqueConstraint("duty_id", "platform"),
        CheckConstraint("platform IN ('wa', 'ig')", name="platform_known"),
        CheckConstraint("media_path IS NOT NULL OR link IS NOT NULL", name="has_evidence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("pegasus_duties.id"))
    platform: Mapped[str] = mapped_column(String(4))
    media_path: Mapped[str | None] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(1000))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    at: Mapped[datetime]


class PegasusConfig(Base):
    """The one row of Pegasus choices the PJ makes in chat: the active poster template."""

    __tablename__ = "pegasus_config"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    active_template: Mapped[str] = mapped_column(String(40))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    updated_at: Mapped[datetime]
