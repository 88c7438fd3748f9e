"""SOP-321 tables: Event Team requests, role assignments, evaluations, documentation."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
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
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JSONType


class RequestStatus(enum.StrEnum):
    """Where an Event Team request is in SOP-321."""

    REQUESTED = "requested"  # waiting for the lead's assignment (step 3)
    ASSIGNED = "assigned"  # names are known; the event is ahead (step 4)
    HELD = "held"  # the event ended; evaluations pending (steps 5-7)
    CLOSED = "closed"  # both evaluations are in
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # the event passed without an assignment


class AssignmentStatus(enum.StrEnum):
    """An assignment of one member to one slot."""

    ACTIVE = "active"
    DECLINED = "declined"


OPEN_STATUSES = (RequestStatus.REQUESTED, RequestStatus.ASSIGNED)


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class EventRequest(Base):
    """A request for Event Team support (SOP-321 steps 1-2) and its life afterwards."""

    __tablename__ = "event_requests"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(_in("status", RequestStatus), name="status"),
        CheckConstraint("revision >= 1", name="revision"),
        Index("ix_event_requests_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(500))
    # [[role code or the name of an "other" role, headcount], ...] in the order asked
    # (a list, since PostgreSQL's JSONB does not keep the order of an object's keys).
    roles: Mapped[list[Any]] = mapped_column(JSONType)
    notes: Mapped[str] = mapped_column(Text, default="")
    portal_ref: Mapped[str] = mapped_column(String(200), default="")
    linked_ref: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.REQUESTED)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    lead_days: Mapped[int] = mapped_column(Integer)
    # Bumped on every reschedule: reminder keys carry it, so new ones never clash with old.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    assigned_at: Mapped[datetime | None]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    held_at: Mapped[datetime | None]
    internal_done_at: Mapped[datetime | None]
    internal_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")


class RoleAssignment(Base):
    """One member in one slot (role, number) of a request; a declined one is kept."""

    __tablename__ = "event_assignments"
    __table_args__ = (
        CheckConstraint(_in("status", AssignmentStatus), name="status"),
        CheckConstraint("slot >= 1", name="slot"),
        CheckConstraint("lead_rating IS NULL OR lead_rating BETWEEN 1 AND 5", name="rating"),
        # One active member per slot, and one slot per member in an event.
        Index(
            "uq_event_assignments_slot",
            "request_id",
            "role",
            "slot",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index(
            "uq_event_assignments_member",
            "request_id",
            "member_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("event_requests.id"), index=True)
    role: Mapped[str] = mapped_column(String(100))
    slot: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.ACTIVE)
    assigned_at: Mapped[datetime]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    declined_at: Mapped[datetime | None]
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    lead_rating: Mapped[int | None] = mapped_column(Integer)
    lead_note: Mapped[str] = mapped_column(Text, default="")


class EventEvaluation(Base):
    """The SM's evaluation form (SOP-321 step 6): one per request."""

    __tablename__ = "event_evaluations"
    __table_args__ = (
        UniqueConstraint("request_id"),
        *(
            CheckConstraint(f"{c} BETWEEN 1 AND 5", name=c)
            for c in ("readiness", "punctuality", "communication", "overall")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("event_requests.id"))
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    readiness: Mapped[int] = mapped_column(Integer)
    punctuality: Mapped[int] = mapped_column(Integer)
    communication: Mapped[int] = mapped_column(Integer)
    overall: Mapped[int] = mapped_column(Integer)
    role_ratings: Mapped[dict[str, Any]]  # role -> 1..5, for each role that served
    suggestions: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime]


class EventDocumentation(Base):
    """A photo or file a member sent as the event's documentation (step 4)."""

    __tablename__ = "event_documentation"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("event_requests.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    path: Mapped[str] = mapped_column(String(500))
    content_type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime]


class MemberUnavailability(Base):
    """A date an Event Team member marked themselves unavailable (`/tidaktersedia`)."""

    __tablename__ = "event_unavailability"
    __table_args__ = (UniqueConstraint("member_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
