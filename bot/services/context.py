"""The context services work in: one transaction, the clock, and ways to reach people.

Services see the application only through `ServiceEnv`: its settings, texts, calendar,
enabled channels and command table. The composition root builds one and hands it down; the
application itself never reaches a service.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.calendar import LiveCalendar, WorkCalendar, after_quiet_hours
from bot.config import Settings
from bot.flows.base import Actor
from bot.i18n import Catalog
from bot.messages import Channel, Choices, Reply
from storage import conversations, reminders
from storage.models import AuditEntry, Conversation, Employee, Lane, RoleGrant, StepRecord

log = logging.getLogger(__name__)


class CommandView(Protocol):
    """A slash command as services list it (the registry's `Command`)."""

    @property
    def name(self) -> str: ...
    @property
    def description_key(self) -> str: ...
    @property
    def roles(self) -> frozenset[str] | None: ...
    @property
    def order(self) -> int: ...


@dataclass(frozen=True)
class ServiceEnv:
    """What services need of the running application, built once by the composition root."""

    settings: Settings
    catalog: Catalog
    channels: frozenset[Channel]  # the enabled ones: where people can be reached
    commands: Mapping[str, CommandView]  # by name
    live_calendar: LiveCalendar  # shared by every request; `reload()` after a date is added


class UserError(Exception):
    """A request the user must hear 'no' to; the transaction is rolled back."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ServiceCtx:
    """One unit of work: everything a service does here commits together or not at all."""

    env: ServiceEnv
    session: Session
    now: datetime
    actor: Actor | None = None
    # The actor's conversation when the caller holds it and saves it (dispatch does): choices
    # shown to the actor land there instead of in a second copy of the row.
    conversation: outbox.Choosing | None = None
    sent: list[tuple[int, str]] = field(default_factory=list)  # (employee id, kind), for logs
    # While set (`bot.services.notices.watch`), what `notify` queues is what a notice speaks of.
    notice_id: int | None = None
    # Until when what this unit of work sends is of use (the tick sets a reminder's
    # `not_after`): a copy held for WhatsApp's window is dropped after it, not sent late.
    valid_until: datetime | None = None
    _conversations: dict[int, Conversation] = field(default_factory=dict, repr=False)

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar."""
        return self.env.live_calendar.current

    @property
    def catalog(self) -> Catalog:
        """Message texts."""
        return self.env.catalog

    @property
    def settings(self) -> Settings:
        """The application's settings."""
        return self.env.settings

    @property
    def commands(self) -> Mapping[str, CommandView]:
        """Every slash command, by name."""
        return self.env.commands

    def t(self, key: str, /, **values: Any) -> str:
        """A text in the actor's language."""
        return self.catalog.t(key, self.actor.language if self.actor else "id", **values)

    def t_for(self, employee: Employee, key: str, /, **values: Any) -> str:
        """A text in another employee's language."""
        return self.catalog.t(key, employee.language, **values)

    def employee(self, employee_id: int) -> Employee:
        """An employee row by id (must exist)."""
        row = self.session.get(Employee, employee_id)
        if row is None:
            raise LookupError(f"no employee {employee_id}")
        return row

    def notify(
        self,
        employee: Employee | int,
        replies: Sequence[Reply],
        *,
        kind: str = "notification",
        key: str | None = None,
        lane: Lane | None = None,
        expires_at: datetime | None = None,
    ) -> None:
        """Queue messages to an employee over their best channel, in this transaction.

        By default a message to the actor answers their input; one to anyone else is personal.
        Broadcasts pass `Lane.BULK`.
        The buttons of a proactive message answer a typed number once it is delivered
        (`outbox.mark_sent`), not now: a notice that fails or waits held answers nothing.
        `expires_at` (default: `valid_until`) is when the message is of no use any more.
        """
        row = self.employee(employee) if isinstance(employee, int) else employee
        if not row.active:
            return
        if lane is None:
            own = self.actor is not None and self.actor.id == row.id
            lane = Lane.ANSWER if own else Lane.PERSONAL
        channel, recipient = outbox.address_of(row, self.env.channels)
        # Before the INSERT, so the conversation's new choices go out in the same flush as the
        # rest of its changes: one UPDATE of it, not two.
        if kind == "reply":
            for reply in replies:
                if isinstance(reply, Choices):
                    outbox.remember_choices(self._conversation_of(row.id), reply)
        # An answer to one's own input goes now; anything else waits out the quiet hours.
        own = kind == "reply" or (self.actor is not None and self.actor.id == row.id)
        outbox.put(
            self.session,
            channel=channel,
            recipient=recipient,
            replies=replies,
            now=self.now,
            employee_id=row.id,
            kind=kind,
            key=key,
            earliest=None if own else after_quiet_hours(self.now, self.settings.quiet_window),
            notice_id=self.notice_id,
            lane=lane,
            expires_at=expires_at or self.valid_until,
        )
        self.sent.append((row.id, kind))

    def _conversation_of(self, employee_id: int) -> outbox.Choosing:
        """Where choices shown to `employee_id` are remembered in this unit of work."""
        if self.conversation is not None and self.conversation.employee_id == employee_id:
            return self.conversation
        found = self._conversations.get(employee_id)
        if found is None or found not in self.session:  # new in a rolled-back savepoint
            found = conversations.stored(self.session, employee_id, self.now)
            self._conversations[employee_id] = found
        return found

    def reply_to(self, channel: Channel, recipient: str, replies: Sequence[Reply]) -> None:
        """Queue replies to whoever wrote (known or not) on the channel they used."""
        outbox.put(
            self.session,
            channel=channel,
            recipient=recipient,
            replies=replies,
            now=self.now,
            employee_id=self.actor.id if self.actor else None,
        )

    def holders(self, role: str, office_id: int | None = None) -> list[Employee]:
        """Active employees holding `role` (for CA: at `office_id` when given)."""
        query = (
            select(Employee)
            .join(RoleGrant, RoleGrant.employee_id == Employee.id)
            .where(RoleGrant.role == role, RoleGrant.revoked_at.is_(None), Employee.active)
            .order_by(Employee.id)
        )
        if office_id is not None:
            query = query.where(RoleGrant.office_id == office_id)
        return list(self.session.scalars(query).unique())

    def audit(self, action: str, subject: str = "", **detail: Any) -> None:
        """Record a decision or change in the audit log."""
        self.session.add(
            AuditEntry(
                at=self.now,
                actor_id=self.actor.id if self.actor else None,
                action=action,
                subject=subject,
                detail=detail,
            )
        )

    def schedule(
        self,
        key: str,
        kind: str,
        due_at: datetime,
        *,
        args: dict[str, Any] | None = None,
        employee_id: int | None = None,
        group_key: str | None = None,
        not_after: datetime | None = None,
    ) -> bool:
        """Schedule due work once (a second call with the same key does nothing)."""
        return reminders.schedule(
            self.session,
            key=key,
            kind=kind,
            due_at=due_at,
            now=self.now,
            args=args or {},
            employee_id=employee_id,
            group_key=group_key,
            not_after=not_after,
        )

    def cancel_reminders(self, prefix: str, reason: str = "cancelled") -> int:
        """Withdraw every pending reminder whose key starts with `prefix`."""
        return reminders.cancel(self.session, prefix, self.now, reason)

    def step_started(
        self, program: str, step: int, ref: str, standard: str, at: datetime | None = None
    ) -> None:
        """Record that an SOP step began (once; a second call keeps the first start)."""
        found = self.session.scalar(
            select(StepRecord).where(
                StepRecord.program == program, StepRecord.step == step, StepRecord.ref == ref
            )
        )
        if found is None:
            self.session.add(
                StepRecord(
                    program=program,
                    step=step,
                    ref=ref,
                    standard=standard,
                    started_at=at or self.now,
                    actor_id=self.actor.id if self.actor else None,
                )
            )

    def step_done(self, program: str, step: int, ref: str, at: datetime | None = None) -> None:
        """Record that an SOP step ended (the first end counts)."""
        found = self.session.scalar(
            select(StepRecord).where(
                StepRecord.program == program, StepRecord.step == step, StepRecord.ref == ref
            )
        )
        if found is not None and found.ended_at is None:
            found.ended_at = at or self.now
