"""Conversations as dispatch keeps them: the inbound ledger, the sender's row, a versioned save.

One inbound step costs a handful of statements: the ledger INSERT, one SELECT of the sender
with their conversation and roles, and the conversation's versioned UPDATE (beside whatever
the step itself writes). The ORM's unit of work cost more than the statements on every step,
so these run as Core statements built once.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage.models import Conversation, Employee, InboundLedger, RoleGrant

# Built once: constructing a statement cost more than running it. Keyed by "is PostgreSQL".
_LEDGER_INSERT = {
    postgres: (postgresql_insert if postgres else sqlite_insert)(InboundLedger)
    .on_conflict_do_nothing(index_elements=["channel", "message_id"])
    .returning(InboundLedger.id)
    for postgres in (True, False)
}


def first_sight(
    session: Session, channel: str, message_id: str, employee_id: int | None, now: datetime
) -> bool:
    """Record a platform message id in the ledger; False when it was there already.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING: no savepoint, no second statement. A
    concurrent transaction holding the same id makes it wait, then see the conflict.
    """
    statement = _LEDGER_INSERT[session.get_bind().dialect.name == "postgresql"]
    values = {
        "channel": channel,
        "message_id": message_id[:128],
        "employee_id": employee_id,
        "received_at": now,
    }
    # Core on the session's connection: nothing is pending yet, so no flush is needed.
    return session.connection().execute(statement, values).first() is not None


_TRACKED = (
    "flow",
    "state",
    "data",
    "history",
    "last_choices",
    "notice_choices",
    "draft",
    "updated_at",
)
_CONVERSATION_COLUMNS = ("id", "version", *_TRACKED)


_CONVERSATION_INSERT = insert(Conversation)
# SET the columns given at execution, plus the next version; WHERE names the version read.
_CONVERSATION_UPDATE = (
    update(Conversation)
    .where(
        Conversation.id == bindparam("read_id"), Conversation.version == bindparam("read_version")
    )
    .values(version=Conversation.version + 1)
)


@dataclass
class ConversationState:
    """A conversation read as plain values, written back with one versioned UPDATE.

    The ORM's unit of work cost more than the statement on every step; this keeps its
    guarantee by hand: the UPDATE names the version it read, and a conversation another
    transaction changed meanwhile raises StaleDataError, so dispatch runs the step again.
    """

    employee_id: int
    updated_at: datetime
    flow: str | None = None
    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    history: list[Any] = field(default_factory=list)
    last_choices: list[Any] = field(default_factory=list)
    notice_choices: list[Any] = field(default_factory=list)
    draft: dict[str, Any] = field(default_factory=dict)
    id: int | None = None  # None: not stored yet
    version: int = 0
    stored: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_row(cls, employee_id: int, row: Any) -> ConversationState:
        """From the columns `find_sender` selects."""
        conv = cls(
            employee_id=employee_id,
            id=row.conv_id,
            version=row.conv_version,
            **{name: getattr(row, f"conv_{name}") for name in _TRACKED},
        )
        conv.stored = conv.values()
        return conv

    def values(self) -> dict[str, Any]:
        """The columns a step may change."""
        return {name: getattr(self, name) for name in _TRACKED}

    def save(self, session: Session) -> None:
        """INSERT a new conversation, or UPDATE what changed if nobody changed it meanwhile."""
        connection = session.connection()
        values = self.values()
        if self.id is None:
            # A racing first message of the same person fails on the unique employee_id.
            connection.execute(
                _CONVERSATION_INSERT, {"employee_id": self.employee_id, "version": 1, **values}
            )
            return
        changed = {k: v for k, v in values.items() if v != self.stored[k]}
        if not changed:
            return
        result = connection.execute(
            _CONVERSATION_UPDATE,
            {"read_id": self.id, "read_version": self.version, **changed},
        )
        if result.rowcount != 1:
            raise StaleDataError(f"conversation {self.id} changed since it was read")


@functools.cache
def _sender_query(column: str) -> Select[Any]:
    """The sender (by `column`), their conversation's columns and active grants, one row each."""
    return (
        select(
            Employee,
            *(getattr(Conversation, c).label(f"conv_{c}") for c in _CONVERSATION_COLUMNS),
            RoleGrant.role,
            RoleGrant.office_id,
        )
        .outerjoin(Conversation, Conversation.employee_id == Employee.id)
        .outerjoin(
            RoleGrant,
            (RoleGrant.employee_id == Employee.id) & RoleGrant.revoked_at.is_(None),
        )
        .where(Employee.active, getattr(Employee, column) == bindparam("sender"))
    )


@dataclass(frozen=True)
class Sender:
    """An active employee who wrote, their conversation, and the roles they hold now."""

    employee: Employee
    conversation: ConversationState
    grants: Sequence[tuple[str, int | None]]  # (role, office id)


def find_sender(session: Session, column: str, value: str, now: datetime) -> Sender | None:
    """The active employee whose `column` is `value`: one SELECT, one row per active grant.

    A conversation not stored yet comes back new, dated `now`.
    """
    rows = session.execute(_sender_query(column), {"sender": value}).all()
    if not rows:
        return None
    first = rows[0]
    employee: Employee = first[0]
    if first.conv_id is None:
        conv = ConversationState(employee_id=employee.id, updated_at=now)
    else:
        conv = ConversationState.from_row(employee.id, first)
    grants = [(row.role, row.office_id) for row in rows if row.role is not None]
    return Sender(employee, conv, grants)


def stored(session: Session, employee_id: int, now: datetime) -> Conversation:
    """The conversation row of `employee_id`, added (empty) when they have none yet."""
    conversation = session.scalar(
        select(Conversation).where(Conversation.employee_id == employee_id)
    )
    if conversation is None:
        conversation = Conversation(
            employee_id=employee_id,
            data={},
            history=[],
            notice_choices=[],
            draft={},
            updated_at=now,
        )
        session.add(conversation)
    return conversation
