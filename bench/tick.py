"""The scheduler's tick with 1,000 and with 1,000,000 future reminders stored.

Each trial adds 100 reminders due now and times one `run_due` (the tick the scheduler runs:
claim, carry out, queue the messages, release stuck sends). The tick must cost what is due,
not what is stored: the trials with a million future rows are compared with those with a
thousand. The million rows go in fast: one transaction of executemany batches on SQLite,
COPY on PostgreSQL; then VACUUM ANALYZE, as autovacuum would have done by then.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, text

from bench.common import Row, fresh_database, median, ratio, seed_bench_people
from bot.app import App, build_app
from bot.calendar import utcnow
from bot.config import Settings
from bot.messages import Channel, Text
from bot.services.context import ServiceCtx
from scheduler import run_due
from storage.db import make_engine, transaction
from storage.models import Reminder

SMALL, LARGE = 1_000, 1_000_000
DUE, TRIALS = 100, 6
TARGET = 2.0
KIND = "bench.tick"


def remind(ctx: ServiceCtx, row: Reminder, overdue: int) -> bool:
    """The bench reminder: one text to its employee."""
    assert row.employee_id is not None
    ctx.notify(row.employee_id, [Text(f"Pengingat {row.key}")], kind="reminder", key=row.key)
    return True


def _future(count: int, now: datetime, employee_ids: list[int]) -> Iterator[dict[str, Any]]:
    rng = random.Random(count)
    for i in range(count):
        due = now + timedelta(minutes=rng.randrange(60, 365 * 24 * 60))
        yield {
            "key": f"future:{i}",
            "kind": KIND,
            "args": {},
            "employee_id": employee_ids[i % len(employee_ids)],
            "due_at": due,
            "group_key": f"group:{i // 2}",
            "not_after": due + timedelta(days=1),
            "created_at": now,
        }


def store_future(engine: Engine, count: int, now: datetime, employee_ids: list[int]) -> float:
    """Insert `count` future reminders as fast as the backend allows; seconds taken."""
    started = time.perf_counter()
    rows = _future(count, now, employee_ids)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            raw: Any = conn.connection.driver_connection
            with (
                raw.cursor() as cursor,
                cursor.copy(
                    "COPY reminders (key, kind, args, employee_id, due_at, group_key, "
                    "not_after, created_at) FROM STDIN"
                ) as copy,
            ):
                for row in rows:
                    copy.write_row(
                        (
                            row["key"],
                            row["kind"],
                            "{}",
                            row["employee_id"],
                            row["due_at"],
                            row["group_key"],
                            row["not_after"],
                            row["created_at"],
                        )
                    )
        # As a table that grew over months would be: vacuumed (hint bits set, visibility map
        # built) and analysed, so autovacuum doesn't start on it in the middle of the trials.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE reminders"))
    else:
        # The DB-API directly, in SQLAlchemy's own storage format for SQLite datetimes.
        def stamp(moment: datetime) -> str:
            return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

        sqlite: Any = engine.raw_connection()
        try:
            sqlite.execute("BEGIN IMMEDIATE")
            sqlite.executemany(
                "INSERT INTO reminders (key, kind, args, employee_id, due_at, group_key, "
                "not_after, created_at) VALUES (?, ?, '{}', ?, ?, ?, ?, ?)",
                (
                    (
                        row["key"],
                        row["kind"],
                        row["employee_id"],
                        stamp(row["due_at"]),
                        row["group_key"],
                        stamp(row["not_after"]),
                        stamp(row["created_at"]),
                    )
                    for row in rows
                ),
            )
            sqlite.execute("COMMIT")
            # As a database that grew to this size over months would be: statistics gathered,
            # the write-ahead log folded back into the file.
            sqlite.execute("ANALYZE")
            sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            sqlite.close()
    return time.perf_counter() - started


def _trials(app: App, employee_ids: list[int], label: str) -> list[float]:
    seconds: list[float] = []
    for trial in range(TRIALS):
        now = app.clock()
        with transaction(app.sessions) as session:
            ctx = ServiceCtx(env=app.env, session=session, now=now)
            for i in range(DUE):
                ctx.schedule(
                    f"due:{label}:{trial}:{i}",
                    KIND,
                    now - timedelta(minutes=1),
                    employee_id=employee_ids[i % len(employee_ids)],
                )
        started = time.perf_counter()
        report = run_due(app)
        seconds.append(time.perf_counter() - started)
        if report.sent != DUE:
            raise RuntimeError(f"tick carried out {report.sent} of {DUE} due reminders")
    return seconds[1:]  # the first trial warms caches


def run(backend: str, folder: Path) -> list[Row]:
    """The tick over 1,000 stored reminders, then over 1,000,000."""
    url = fresh_database(backend, folder, "tick")
    engine = make_engine(url)
    now = utcnow()
    ids = seed_bench_people(engine, 100, now)
    settings = Settings(
        _env_file=None,
        database_url=url,
        data_dir=folder / f"tick-{backend}",
    )
    app = build_app(settings, engine=engine, channels={Channel.CONSOLE}, run_migrations=False)
    app.registry.reminder(KIND, remind)
    store_future(engine, SMALL, now, ids)
    small = median(_trials(app, ids, "small"))
    with engine.begin() as conn:
        conn.execute(delete(Reminder))
    insert_seconds = store_future(engine, LARGE, now, ids)
    large = median(_trials(app, ids, "large"))
    engine.dispose()
    how = "COPY" if backend == "postgresql" else "one executemany, one transaction"
    return [
        Row(
            "Scheduler tick, 100 due, 1,000,000 stored",
            backend,
            f"{large * 1000:.1f} ms",
            f"{small * 1000:.1f} ms with 1,000 stored",
            ratio(large, small),
            f"≤ {TARGET:g}×",
            large <= TARGET * small,
            f"median of {TRIALS - 1} ticks each; the million rows went in in "
            f"{insert_seconds:.1f} s ({how})",
        )
    ]
