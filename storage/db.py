"""Engine and session factory; nothing is created at import time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
IDLE_PING_SECONDS = 2.0
WRITER_WAIT_SECONDS = 30.0


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        db_path = url.split("///", 1)[-1]
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy issue BEGIN itself, so BEGIN IMMEDIATE below takes the write lock.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        _queue_writers(engine)
        return engine
    # Telegram dispatches up to 16 updates at once (bot/handlers/telegram.py), beside the
    # sender, WhatsApp and the scheduler: keep that many connections open rather than opening
    # and closing overflow ones on every step. The total (30) is what it was.
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 10)
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


def _queue_writers(engine: Engine) -> None:
    """SQLite: every transaction takes the write lock at BEGIN; this process's writers queue.

    BEGIN IMMEDIATE: a write transaction from the start, so two writers never deadlock
    upgrading their locks. Before it, a writer waits on a lock of this process, and is let
    in the moment the one before it ends, rather than in SQLite's busy handler, which
    sleeps in growing steps (up to 100 ms) while the database may long be free. Other
    processes still meet busy_timeout; after WRITER_WAIT_SECONDS a writer stops queueing
    here and leaves the waiting to SQLite, so a transaction nested in another of the same
    thread fails as it did before instead of hanging.
    """
    writer = threading.Lock()

    def _release(info: dict[str, Any]) -> None:
        if info.pop("queued_writer", False):
            writer.release()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if not conn.info.get("queued_writer") and writer.acquire(timeout=WRITER_WAIT_SECONDS):
            conn.info["queued_writer"] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn.info)
            raise

    # Released as the transaction ends (just before its COMMIT/ROLLBACK: the next writer's
    # BEGIN may meet the tail of it and wait a millisecond in the busy handler).
    @event.listens_for(engine, "commit")
    def _commit(conn: Any) -> None:
        _release(conn.info)

    @event.listens_for(engine, "rollback")
    def _rollback(conn: Any) -> None:
        _release(conn.info)

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: Any) -> None:
        _release(record.info)  # a transaction that ended without either event


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use only when it sat idle for IDLE_PING_SECONDS.

    What `pool_pre_ping` guards against (a server restart, a connection dropped while idle)
    at the price of one round trip on every checkout; under load, when a connection comes
    back within seconds, that round trip would be one of every handful a step makes. A
    connection that breaks while busy fails its transaction with or without a ping; dispatch
    runs such a step again, and the pool replaces every connection of that moment.
    """

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            # The pool discards this connection and checks out a fresh one.
            raise DisconnectionError(f"stale pooled connection: {exc}") from exc


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (services hand out plain values)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    with factory() as session, session.begin():
        yield session


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic configuration pointing at our migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


# pg_advisory_lock key held while migrating: any fixed 64-bit number ("canbot" in ASCII).
MIGRATION_LOCK_KEY = 0x63616E626F74


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (every head); safe with many starting at once.

    PostgreSQL: a session-level advisory lock on a fixed key is held around the upgrade, so
    when several instances start together one migrates while the others wait, then find the
    schema at head and do nothing. SQLite needs no more: Alembic runs the upgrade in one
    transaction, which `BEGIN IMMEDIATE` (see `_queue_writers`) starts with the database's
    write lock; another process blocks there (busy_timeout, 30 s) until it commits, then
    reads the version table already at head.
    """
    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), "heads")
        return
    with engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        lock.commit()
        try:
            command.upgrade(alembic_config(engine), "heads")
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            lock.commit()
