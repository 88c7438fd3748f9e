"""Readiness: can this instance do its work? The database, the scheduler's tick, the sender.

`/healthz` only says the process answers; `/readyz` runs these checks and names each one that
failed, so an orchestrator (or a person) knows which part to look at.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.messages import Channel
from storage.health import beat, last_beat
from storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

SCHEDULER = "scheduler"
MISSED_TICKS = 3  # not ready once the scheduler has missed this many intervals
OLDEST_DUE = timedelta(minutes=10)  # not ready once a due message has waited this long
DATABASE_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    """One readiness check's verdict."""

    name: str
    ok: bool
    detail: str


def record_tick(session: Session, now: datetime) -> None:
    """The scheduler ticked (instances share the row, so any instance's readiness sees it)."""
    beat(session, SCHEDULER, now)


def check_database(engine: Engine) -> Check:
    """SELECT 1 on a fresh connection (SQLite: the file must exist and open read-write)."""
    try:
        if engine.dialect.name == "sqlite":
            path = engine.url.database or ""
            uri = f"file:{path}?mode=rw" if path and path != ":memory:" else ":memory:"
            with sqlite3.connect(uri, uri=True, timeout=DATABASE_TIMEOUT_SECONDS) as raw:
                raw.execute("SELECT 1").fetchone()
            raw.close()
        else:
            raw_pg = engine.raw_connection()
            try:
                cursor = raw_pg.cursor()
                cursor.execute(f"SET statement_timeout = {int(DATABASE_TIMEOUT_SECONDS * 1000)}")
                cursor.execute("SELECT 1")
                cursor.fetchone()
                cursor.close()
            finally:
                raw_pg.close()
    except Exception as exc:
        log.warning("readiness: database unreachable: %s", type(exc).__name__)
        return Check("database", False, f"unreachable ({type(exc).__name__})")
    return Check("database", True, "SELECT 1 answered")


def check_scheduler(session: Session, now: datetime, interval_seconds: int) -> Check:
    """The scheduler ticked within the last MISSED_TICKS intervals."""
    last = last_beat(session, SCHEDULER)
    limit = timedelta(seconds=MISSED_TICKS * interval_seconds)
    if last is None:
        return Check(SCHEDULER, False, "has never ticked")
    ago = int((now - last).total_seconds())
    if now - last > limit:
        return Check(
            SCHEDULER, False, f"last tick {ago} s ago, over {int(limit.total_seconds())} s"
        )
    return Check(SCHEDULER, True, f"last tick {ago} s ago")


def check_sender(session: Session, now: datetime, channels: Iterable[Channel]) -> Check:
    """No due, unsent message has waited longer than OLDEST_DUE on the channels sent here."""
    names = sorted(c.value for c in channels)
    if not names:
        return Check("sender", True, "no channel to send on")
    oldest = session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.channel.in_(names),
            OutboxMessage.next_attempt_at <= now,
        )
    )
    if oldest is None:
        return Check("sender", True, "nothing due")
    if oldest.tzinfo is None:  # in case a driver hands back the bare value
        oldest = oldest.replace(tzinfo=UTC)
    waited = now - oldest
    minutes = int(waited.total_seconds() // 60)
    if waited > OLDEST_DUE:
        return Check("sender", False, f"oldest due message has waited {minutes} min")
    return Check("sender", True, f"oldest due message has waited {minutes} min")


def readiness(
    engine: Engine,
    session_factory: Any,
    now: datetime,
    interval_seconds: int,
    channels: Iterable[Channel],
) -> list[Check]:
    """Every check, in order; the ones that need the database are skipped when it is down."""
    database = check_database(engine)
    if not database.ok:
        skipped = "not checked: the database is unreachable"
        return [database, Check(SCHEDULER, False, skipped), Check("sender", False, skipped)]
    with session_factory() as session:
        return [
            database,
            check_scheduler(session, now, interval_seconds),
            check_sender(session, now, channels),
        ]


def report(checks: list[Check]) -> dict[str, Any]:
    """The JSON body of /readyz: status, the failed checks by name, and every check."""
    failed = [c.name for c in checks if not c.ok and not c.detail.startswith("not checked")]
    return {
        "status": "ok" if all(c.ok for c in checks) else "fail",
        "failed": failed,
        "checks": {c.name: {k: v for k, v in asdict(c).items() if k != "name"} for c in checks},
    }
