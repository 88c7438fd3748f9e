"""The reminder table: schedule due work once, move or withdraw it, claim it once.

Every reminder has a unique key, so scheduling twice inserts once. A reminder is claimed with
a conditional update (`done_at IS NULL`): of two schedulers, only one gets it. What carries a
claimed reminder out is `bot.tick`, above the services.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Reminder


def schedule(
    session: Session,
    *,
    key: str,
    kind: str,
    due_at: datetime,
    now: datetime,
    args: dict[str, Any],
    employee_id: int | None = None,
    group_key: str | None = None,
    not_after: datetime | None = None,
) -> bool:
    """Insert a reminder unless one with this key exists; True when inserted."""
    if session.scalar(select(Reminder.id).where(Reminder.key == key)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                Reminder(
                    key=key,
                    kind=kind,
                    args=args,
                    employee_id=employee_id,
                    due_at=due_at,
                    group_key=group_key,
                    not_after=not_after,
                    created_at=now,
                )
            )
    except IntegrityError:
        return False
    return True


def cancel(session: Session, key_prefix: str, now: datetime, reason: str = "cancelled") -> int:
    """Withdraw pending reminders whose key starts with `key_prefix`."""
    result = session.execute(
        update(Reminder)
        .where(Reminder.key.startswith(key_prefix, autoescape=True), Reminder.done_at.is_(None))
        .values(done_at=now, outcome="cancelled", note=reason)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def move(session: Session, key: str, due_at: datetime, not_after: datetime | None = None) -> bool:
    """Move a pending reminder to a new time; False when it is already done or unknown."""
    values: dict[str, Any] = {"due_at": due_at}
    if not_after is not None:
        values["not_after"] = not_after
    result = session.execute(
        update(Reminder).where(Reminder.key == key, Reminder.done_at.is_(None)).values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def due(session: Session, now: datetime, limit: int) -> Sequence[Row[int, str | None]]:
    """Pending reminders due by `now` as (id, group key), the earliest first."""
    return session.execute(
        select(Reminder.id, Reminder.group_key)
        .where(Reminder.done_at.is_(None), Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    ).all()


def claim(session: Session, reminder_id: int, now: datetime, outcome: str, note: str = "") -> bool:
    """Mark a pending reminder done with `outcome`; False when someone else already did."""
    result = session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.done_at.is_(None))
        .values(done_at=now, outcome=outcome, note=note or None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
