"""The tick: carry out due work once, through the features that registered it.

Every reminder has a unique key (`storage.reminders`). The tick claims a due reminder with a
conditional update (`done_at IS NULL`), so two schedulers, a restart or a catch-up never
carry it out twice; whatever it sends goes to the outbox in the same transaction as the claim.

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

from bot.app import App
from bot.services.context import ServiceCtx
from storage import reminders
from storage.db import transaction
from storage.models import Reminder

log = logging.getLogger(__name__)


@dataclass
class TickReport:
    """What one tick did."""

    sent: int = 0
    skipped: int = 0
    collapsed: int = 0
    past: int = 0
    failed: int = 0
    keys: list[str] = field(default_factory=list)


def ensure_recurring(app: App, now: datetime | None = None) -> None:
    """Let each feature schedule its recurring work (unique keys make this idempotent)."""
    now = now or app.clock()
    for handler in app.registry.recurring:
        try:
            with transaction(app.sessions) as session:
                handler(ServiceCtx(env=app.env, session=session, now=now))
        except Exception:
            log.exception("keeping recurring work scheduled failed in %s", handler)


def tick(app: App, now: datetime | None = None, limit: int = 500) -> TickReport:
    """Carry out everything due by `now`, each in its own transaction."""
    now = now or app.clock()
    report = TickReport()
    with app.sessions() as session:
        due = reminders.due(session, now, limit)
    groups: dict[str, list[int]] = defaultdict(list)
    for rid, group in due:
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
                        if reminders.claim(
                            session, rid, now, "past", "skipped: its moment had passed"
                        ):
                            report.past += 1
                    log.warning("reminders %s skipped: past %s", row.group_key or row.key, now)
                    continue
                for rid in earlier:
                    if reminders.claim(
                        session, rid, now, "collapsed", f"collapsed into {row.key}"
                    ):
                        report.collapsed += 1
                if not reminders.claim(session, latest, now, "sent"):
                    continue  # another scheduler got it first
                handler = app.registry.reminders.get(row.kind)
                if handler is None:
                    raise LookupError(f"no handler for reminder kind {row.kind!r}")
                ctx = ServiceCtx(env=app.env, session=session, now=now, valid_until=row.not_after)
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
