"""Serawai (SOP-098) tables: rounds, theme proposals, ballots, sessions and what they produce.

A round runs proposals, then a vote; the themes with most votes become sessions. A session
has a committee, a preparation checklist, check-ins, certificates, speaker and host ratings,
uploaded minutes and photos, and a report the CC approves.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class RoundStatus(enum.StrEnum):
    """Where a round is; stored by value."""

    PROPOSALS = "proposals"  # offices propose themes
    VOTING = "voting"  # employees vote
    TIE = "tie"  # the vote closed on a tie only CAN can break
    DECIDED = "decided"  # themes known and announced; CAN sets the schedule
    SCHEDULED = "scheduled"  # every session has a date and host; schedule announced
    CANCELLED = "cancelled"  # closed without any proposal


class SessionStatus(enum.StrEnum):
    """Where a session (one selected theme) is."""

    UNSCHEDULED = "unscheduled"
    SCHEDULED = "scheduled"
    HELD = "held"


class ReportStatus(enum.StrEnum):
    """Where a session report is."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class CommitteeRole(enum.StrEnum):
    """A committee member's job at the session."""

    COORDINATOR = "coordinator"
    SPEAKER = "speaker"
    MODERATOR = "moderator"
    MINUTE_TAKER = "minute_taker"


class SerawaiRound(Base):
    """One Serawai round: proposal window, voting window, rules, and its outcome."""

    __tablename__ = "serawai_rounds"
    __table_args__ = (
        CheckConstraint("themes_to_select BETWEEN 1 AND 10", name="themes"),
        CheckConstraint("proposals_per_office BETWEEN 1 AND 5", name="per_office"),
        CheckConstraint("max_choices BETWEEN 1 AND 10", name="choices"),
        CheckConstraint("proposal_closes_at < voting_closes_at", name="windows"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default=RoundStatus.PROPOSALS)
    opened_at: Mapped[datetime]
    proposal_closes_at: Mapped[datetime]
    voting_closes_at: Mapped[datetime]
    proposal_days: Mapped[int] = mapped_column(Integer)
    voting_days: Mapped[int] = mapped_column(Integer)
    themes_to_select: Mapped[int] = mapped_column(Integer, default=3)
    proposals_per_office: Mapped[int] = mapped_column(Integer, default=1)
    max_choices: Mapped[int] = mapped_column(Integer, default=1)
    letter_path: Mapped[str | None] = mapped_column(String(500))
    letter_filename: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    tie_reason: Mapped[str | None] = mapped_column(Text)  # CAN's recorded reason, when needed
    tie_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    closed_at: Mapped[datetime | None]


class SerawaiProposal(Base):
    """A theme an office proposes. `slot` (1..per-office limit) is freed on withdrawal."""

    __tablename__ = "serawai_proposals"
    __table_args__ = (UniqueConstraint("round_id", "office_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("serawai_rounds.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    slot: Mapped[int | None] = mapped_column(Integer)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    title: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text)
    speaker: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]


class SerawaiBallot(Base):
    """One employee's ballot in a round (unique); its choices are `SerawaiVote` rows."""

    __tablename__ = "serawai_ballots"
    __table_args__ = (UniqueConstraint("round_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("serawai_rounds.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    cast_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    changes: Mapped[int] = mapped_column(Integer, default=0)


class SerawaiVote(Base):
    """One choice on a ballot."""

    __tablename__ = "serawai_votes"
    __table_args__ = (UniqueConstraint("ballot_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("serawai_ballots.id", ondelete="CASCADE"), index=True
    )
    proposal_id: Mapped[int] = mapped_column(ForeignKey("serawai_proposals.id"), index=True)


class SerawaiSession(Base):
    """A selected theme's knowledge-sharing session."""

    __tablename__ = "serawai_sessions"
    __table_args__ = (
        UniqueConstraint("proposal_id"),
        UniqueConstraint("round_id", "rank"),
        CheckConstraint("ends_at IS NULL OR starts_at < ends_at", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("serawai_rounds.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("serawai_proposals.id"))
    rank: Mapped[int] = mapped_column(Integer)
    decided_by: Mapped[str] = mapped_column(String(16))  # votes | offices | earlier | can
    votes: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    host_office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.UNSCHEDULED)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(String(300), default="")
    checkin_secret: Mapped[str] = mapped_column(String(64))
    committee_at: Mapped[datetime | None]
    prep_invitation: Mapped[bool] = mapped_column(Boolean, default=False)
    prep_speech: Mapped[bool] = mapped_column(Boolean, default=False)
    prep_venue: Mapped[bool] = mapped_column(Boolean, default=False)
    prep_materials: Mapped[bool] = mapped_column(Boolean, default=False)
    event_request_id: Mapped[int | None] = mapped_column(Integer)
    report_status: Mapped[str] = mapped_column(String(16), default=ReportStatus.DRAFT)
    report_note: Mapped[str | None] = mapped_column(Text)
    report_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    report_decided_at: Mapped[datetime | None]


class SerawaiCommitteeMember(Base):
    """A person with a job at a session."""

    __tablename__ = "serawai_committee"
    __table_args__ = (UniqueConstraint("session_id", "role", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("serawai_sessions.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))


class SerawaiAttendance(Base):
    """A check-in at a session (one per person)."""

    __tablename__ = "serawai_attendance"
    __table_args__ = (UniqueConstraint("session_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("serawai_sessions.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    checked_in_at: Mapped[datetime]


class SerawaiCertificate(Base):
    """A participant's or speaker's certificate; `code` is the unguessable verification code."""

    __tablename__ = "serawai_certificates"
    __table_args__ = (
        # Both start with session_id: named here so the naming convention cannot clash them.
        UniqueConstraint("session_id", "employee_id", name="uq_serawai_certificates_holder"),
        UniqueConstraint("session_id", "serial", name="uq_serawai_certificates_serial"),
        UniqueConstraint("number"),
        UniqueConstraint("code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("serawai_sessions.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    role: Mapped[str] = mapped_column(String(16))  # participant | speaker
    holder_name: Mapped[str] = mapped_column(String(200))
    serial: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(64))
    png_path: Mapped[str] = mapped_column(String(500))
    pdf_path: Mapped[str] = mapped_column(String(500))
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class SerawaiSpeakerRating(Base):
    """A participant's rating of one speaker (1-5 on three criteria, and a comment)."""

    __tablename__ = "serawai_speaker_ratings"
    __table_args__ = (
        UniqueConstraint("session_id", "rater_id", "speaker_id"),
        CheckConstraint("mastery BETWEEN 1 AND 5", name="mastery"),
        CheckConstraint("delivery BETWEEN 1 AND 5", name="delivery"),
        CheckConstraint("relevance BETWEEN 1 AND 5", name="relevance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("serawai_sessions.id"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    speaker_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    mastery: Mapped[int] = mapped_column(Integer)
    delivery: Mapped[int] = mapped_column(Integer)
    relevance: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime]


class SerawaiHostRating(Base):
    """A CAN member's rating of the host office of a session."""

    __tablename__ = "serawai_host_ratings"
    __table_args__ = (
        UniqueConstraint("session_id", "rater_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("serawai_sessions.id"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime]


class SerawaiDocument(Base):
    """A file for a session: minutes, photos (documentation), the report document."""

    __tablename__ = "serawai_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("serawai_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # minutes | photo | report
    path: Mapped[str] = mapped_column(String(500))
    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    uploaded_at: Mapped[datetime]
