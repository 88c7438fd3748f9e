"""Core tables: directory, roles, conversations, inbound ledger, outbox, reminders, audit."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, JSONType


class Role(enum.StrEnum):
    """What a person may do; stored by value."""

    ADMIN = "admin"
    CAN = "can"
    CA = "ca"
    CC = "cc"
    ET_LEAD = "et_lead"
    ET_MEMBER = "et_member"
    PJ_PEGASUS = "pj_pegasus"
    HUMAS = "humas"


class Office(Base):
    """The province office (1700) and the ten regency/city offices."""

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    is_province: Mapped[bool] = mapped_column(Boolean, default=False)


class Employee(Base):
    """A person in the directory; only they may use the bot."""

    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    telegram_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    language: Mapped[str] = mapped_column(String(2), default="id")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[str] = mapped_column(String(200), default="")
    community: Mapped[str] = mapped_column(String(100), default="")
    preferred_channel: Mapped[str | None] = mapped_column(String(16))
    wa_last_inbound_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    office: Mapped[Office] = relationship(lazy="joined")


class RoleGrant(Base):
    """A role held by an employee; CA grants name their office. Revoked grants are kept."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    granted_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Conversation(Base):
    """Where an employee is in a flow; `version` guards against two writers."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), unique=True)
    flow: Mapped[str | None] = mapped_column(String(50))
    state: Mapped[str | None] = mapped_column(String(50))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    history: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    last_choices: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    # Buttons of the last proactive message (a ballot, an assignment): kept apart so that
    # they never take the place of the buttons of a flow the person is in the middle of.
    notice_choices: Mapped[list[Any]] = mapped_column(
        JSONType, default=list, server_default=text("'[]'")
    )
    # A flow left for the menu or a command, to offer back: flow, state, data, history.
    draft: Mapped[dict[str, Any]] = mapped_column(
        JSONType, default=dict, server_default=text("'{}'")
    )
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]

    __mapper_args__ = {"version_id_col": version}


class InboundLedger(Base):
    """Every platform message id seen, so a redelivery is processed once."""

    __tablename__ = "inbound_ledger"
    __table_args__ = (UniqueConstraint("channel", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(128))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    received_at: Mapped[datetime]


class OutboxStatus(enum.StrEnum):
    """Where a message is on its way out."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # WhatsApp, outside the 24-hour window: kept whole until the person answers the opener.
    HELD = "held"
    # A held message whose moment passed before the person opened it: never sent late.
    DROPPED = "dropped"


class Lane(enum.IntEnum):
    """Which messages go first: answers to a person's own input, then personal notices and
    reminders, then bulk (broadcasts, ballots, announcements). Stored by value."""

    ANSWER = 0
    PERSONAL = 1
    BULK = 2


class OutboxMessage(Base):
    """A message waiting for, or done with, the sender. Written in the same transaction."""

    __tablename__ = "outbox"
    __table_args__ = (
        # The claim: per channel, lane by lane, oldest due first.
        Index(
            "ix_outbox_lane_due",
            "channel",
            "lane",
            "next_attempt_at",
            "id",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_outbox_held",
            "employee_id",
            sqlite_where=text("status = 'held'"),
            postgresql_where=text("status = 'held'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(64))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="reply")
    lane: Mapped[int] = mapped_column(SmallInteger, default=Lane.PERSONAL, server_default="1")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    error: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(String(64), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    # The notices (`Notice.group_id`) saying "told" about this message: they wait for it.
    notice_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Past this moment the message is of no use (a reminder for a turn that is over, a
    # ballot after the close): a held copy is dropped, not delivered late.
    expires_at: Mapped[datetime | None]
    # Why it failed or was dropped, as a key of the "delivery.reason_*" texts (people read
    # that sentence; `error` keeps the platform's own words for the operator).
    reason: Mapped[str | None] = mapped_column(String(40))


class NoticeStatus(enum.StrEnum):
    """Whether a "they were told" sentence went out, or the truth went instead."""

    WAITING = "waiting"  # some message it speaks of is still on its way
    CONFIRMED = "confirmed"  # every one was sent (or held for the window): the sentence went
    REPLACED = "replaced"  # one failed for good, or nobody was there: the honest one went
    WITHDRAWN = "withdrawn"  # every message it speaks of was cancelled: nothing to say


class Notice(Base):
    """A sentence saying someone was told, sent once the outbox rows of its group are sent.

    One watch makes one group (its first notice's id, which the outbox rows carry): several
    people may each have a sentence about the same messages.
    """

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(Integer, index=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    about: Mapped[str] = mapped_column(String(200))  # "Permintaan #12", in their language
    confirm: Mapped[list[Any]] = mapped_column(JSONType)  # the replies, as `reply_to_dict`
    instead: Mapped[list[Any] | None] = mapped_column(JSONType)  # sent when one failed
    status: Mapped[str] = mapped_column(String(16), default=NoticeStatus.WAITING)
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]


class SendRate(Base):
    """One channel's send slots, shared by every instance on the database (PostgreSQL).

    `next_at` is the wall-clock time (seconds since the epoch) of the channel's next free
    slot; a sender takes slots by moving it forward in one atomic UPDATE ... RETURNING.
    """

    __tablename__ = "send_rates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float(precision=53), default=0.0)


class Reminder(Base):
    """Work due at a time: a reminder, a prompt, an escalation, a deadline.

    `key` is unique, so the same reminder is never scheduled or sent twice. Reminders that
    share a `group_key` collapse into one when several are overdue at once; one whose
    `not_after` has passed is skipped and logged instead of sent late.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        Index(
            "ix_reminders_due",
            "due_at",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(50))
    args: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    due_at: Mapped[datetime]
    group_key: Mapped[str | None] = mapped_column(String(200), index=True)
    not_after: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """Who changed what, for every role change and every decision the SOPs record."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    action: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class ExtraHoliday(Base):
    """A non-working date an admin added (office closure, late cuti bersama)."""

    __tablename__ = "extra_holidays"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))


class MediaLink(Base):
    """An unguessable, expiring public link to a file (WhatsApp fetches media by URL)."""

    __tablename__ = "media_links"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(String(500))
    content_type: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime]
    # The name the recipient sees (Content-Disposition); empty: the file's own name.
    filename: Mapped[str] = mapped_column(String(200), default="", server_default="")


class StepRecord(Base):
    """When an SOP step started and ended, measured against its time standard.

    `standard` is `<n>m` (minutes) or `<n>wd` (working days); `ref` names the record the step
    belongs to (`event:12`, `round:3`, `duty:40`).
    """

    __tablename__ = "step_records"
    __table_args__ = (UniqueConstraint("program", "step", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program: Mapped[str] = mapped_column(String(10))  # sop321 | sop098 | sop330
    step: Mapped[int] = mapped_column(Integer)
    ref: Mapped[str] = mapped_column(String(64))
    standard: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
