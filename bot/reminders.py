"""Due work: schedule it once, carry it out once.

Every reminder has a unique key. The tick claims a due reminder with a conditional update
(`done_at IS NULL`), so two schedulers, a restart or a catch-up never carry it out twice;
whatever it sends goes to the outbox in the same transaction as the claim.

Catch-up policy after downtime: of the overdue reminders that share a `group_key` (say, the
H-5 and H-3 reminders of one Pegasus duty), only the latest is carried out, once, and its
handler words it with the true time left; the others are marked `collapsed`. A reminder whose
`not_after` has passed (the duty is over) is skipped and logged instead of sent late.

Recurring work (say, a report at each quarter's end) stays scheduled through
`ensure_recurring`, which the scheduler runs before each tick: every feature's handler
schedules, by unique key, what must exist, so a fresh install gets its first one too.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import transaction
from storage.models import Reminder

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


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


@dataclass
class TickReport:
    """What one tick did."""

    sent: int = 0
    skipped: int = 0
    collapsed: int = 0
    past: int = 0
    failed: int = 0
    keys: list[str] = field(default_factory=list)


def _claim(session: Session, reminder_id: int, now: datetime, outcome: str, note: str) -> bool:
    result = session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.done_at.is_(None))
        .values(done_at=now, outcome=outcome, note=note or None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def ensure_recurring(app: App, now: datetime | None = None) -> None:
    """Let each feature schedule its recurring work (unique keys make this idempotent)."""
    from bot.services.context import ServiceCtx

    now = now or app.clock()
    for handler in app.registry.recurring:
        try:
            with transaction(app.sessions) as session:
                handler(ServiceCtx(app=app, session=session, now=now))
        except Exception:
            log.exception("keeping recurring work scheduled failed in %s", handler)


def tick(app: App, now: datetime | None = None, limit: int = 500) -> TickReport:
    """Carry out everything due by `now`, each in its own transaction."""
    from bot.services.context import ServiceCtx

    now = now or app.clock()
    report = TickReport()
    with app.sessions() as session:
        due = list(
            session.execute(
                select(Reminder.id, Reminder.group_key, Reminder.due_at, Reminder.key)
                .where(Reminder.done_at.is_(None), Reminder.due_at <= now)
                .order_by(Reminder.due_at, Reminder.id)
                .limit(limit)
            )
        )
    groups: dict[str, list[int]] = defaultdict(list)
    for rid, group, _due, _key in due:
        groups[group or f"#{rid}"].append(rid)

    for ids in groups.values():
        *earlier, latest = ids  # ordered by due time: the latest one speaks for the group
        try:
            with transaction(app.sessions) as session:
                row = session.get(Reminder, latest)
                if row is None or row.done_at is not None:
                    continue
                if row.not_after is not None and now > row.not_after:
                    for rid in ids:
                        if _claim(session, rid, now, "past", "skipped: its moment had passed"):
                            report.past += 1
                    log.warning("reminders %s skipped: past %s", row.group_key or row.key, now)
                    continue
                for rid in earlier:
                    if _claim(session, rid, now, "collapsed", f"collapsed into {row.key}"):
                        report.collapsed += 1
                if not _claim(session, latest, now, "sent", ""):
                    continue  # another scheduler got it first
                handler = app.registry.reminders.get(row.kind)
                if handler is None:
                    raise LookupError(f"no handler for reminder kind {row.kind!r}")
                ctx = ServiceCtx(app=app, session=session, now=now)
                if handler(ctx, row, len(earlier)):
                    report.sent += 1
                    report.keys.append(row.key)
                else:
                    row.outcome = "skipped"
                    report.skipped += 1
        except Exception:
            # The claim rolled back with the failure: the next tick tries again.
            log.exception("reminder group %s failed", ids)
            report.failed += 1
    return report
