"""The context services work in: one transaction, the clock, and ways to reach people."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox, reminders
from bot.calendar import WorkCalendar
from bot.flows.base import Actor
from bot.i18n import Catalog
from bot.messages import Channel, Reply
from storage.models import AuditEntry, Employee, RoleGrant, StepRecord

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


class UserError(Exception):
    """A request the user must hear 'no' to; the transaction is rolled back."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ServiceCtx:
    """One unit of work: everything a service does here commits together or not at all."""

    app: App
    session: Session
    now: datetime
    actor: Actor | None = None
    sent: list[tuple[int, str]] = field(default_factory=list)  # (employee id, kind), for logs

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar."""
        return self.app.calendar

    @property
    def catalog(self) -> Catalog:
        """Message texts."""
        return self.app.catalog

    @property
    def settings(self) -> Any:
        """The application's settings."""
        return self.app.settings

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
    ) -> None:
        """Queue messages to an employee over their best channel, in this transaction."""
        row = self.employee(employee) if isinstance(employee, int) else employee
        if not row.active:
            return
        channel, recipient = outbox.address_of(row, self.app.channels)
        outbox.put(
            self.session,
            channel=channel,
            recipient=recipient,
            replies=replies,
            now=self.now,
            employee_id=row.id,
            kind=kind,
            key=key,
        )
        self.sent.append((row.id, kind))

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
