"""Backups: taken while the bot writes, restored elsewhere, compared table by table and file by file."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from bot.app import App
from bot.dispatch import dispatch
from bot.messages import Channel, Inbound
from bot.ops.backup import BackupError, Retention, backup, prune, read_manifest, restore
from bot.ops.rewrite import replace_in_value
from storage.db import alembic_config, make_engine, transaction
from storage.models import MediaLink
from storage.seed import DEMO_ADMIN_NIP
from tests.ops.conftest import folder_bytes, table_rows, url_engine
from tests.support import Clock

FILES = {
    "media/pegasus/posters/poster-1.png": b"\x89PNG poster",
    "media/serawai/certificates/sertifikat-1.pdf": b"%PDF certificate",
    "reports/2025Q2/laporan-event-team-2025Q2.docx": b"PK docx",
    "pegasus-templates/variasi-1/template.toml": b'name = "variasi"\n',
    "media/wa-SM123-0.jpg": b"\xff\xd8 received photo",
    "media/inbound/abc.pdf": b"%PDF received file",
}


def _fill_data_dir(app: App) -> None:
    for rel, content in FILES.items():
        path = app.settings.data_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    with transaction(app.sessions) as session:  # a stored absolute path into the data folder
        session.add(
            MediaLink(
                token="poster-link",
                path=str((app.settings.data_dir / "media/pegasus/posters/poster-1.png").resolve()),
                content_type="image/png",
                expires_at=app.clock() + timedelta(hours=1),
            )
        )


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


class Writer(threading.Thread):
    """Runs inbound messages through dispatch until stopped; keeps every committed state."""

    def __init__(self, app: App, engine: Engine) -> None:
        super().__init__(daemon=True)
        self.app, self.engine = app, engine
        self.states = [table_rows(engine)]
        self.stop = threading.Event()
        self.progress = threading.Condition()
        self.error: BaseException | None = None
        self._ids = count(1)

    @property
    def done(self) -> int:
        return len(self.states) - 1

    def run(self) -> None:
        words = ["menu", "/bahasa", "2", "menu", "1", "batal"]
        try:
            while not self.stop.is_set():
                n = next(self._ids)
                inbound = Inbound(
                    channel=Channel.CONSOLE,
                    sender=DEMO_ADMIN_NIP,
                    received_at=self.app.clock(),
                    text=words[n % len(words)],
                    message_id=f"busy-{n}",
                )
                result = dispatch(self.app, inbound)
                assert not result.failed
                # Only this thread writes: the state now is the state after this commit.
                state = table_rows(self.engine)
                with self.progress:
                    self.states.append(state)
                    self.progress.notify_all()
        except BaseException as exc:
            self.error = exc
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, n: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: self.done >= n or self.error, timeout=120)
        assert self.error is None, self.error


def test_a_backup_taken_while_the_bot_writes_restores_to_a_committed_state(
    app: App, engine: Engine, empty_url: str, tmp_path: Path
) -> None:
    _fill_data_dir(app)
    writer = Writer(app, engine)
    writer.start()
    try:
        writer.wait_for(3)
        archive = backup(_url(engine), app.settings.data_dir, tmp_path / "backups")
        writer.wait_for(writer.done + 3)  # the bot kept writing after the backup
    finally:
        writer.stop.set()
        writer.join(timeout=120)
    assert writer.error is None, writer.error

    restored_dir = tmp_path / "restored-data"
    manifest = restore(archive, empty_url, restored_dir)
    assert manifest.files == len(FILES)

    restored = url_engine(empty_url)
    try:
        got = table_rows(restored)
    finally:
        restored.dispose()
    old, new = str(app.settings.data_dir.resolve()) + "/", str(restored_dir.resolve()) + "/"
    expected = [replace_in_value(_as_lists(state), old, new) for state in writer.states]
    assert _as_lists(got) in expected
    matching = expected.index(_as_lists(got))
    assert {t: len(rows) for t, rows in writer.states[matching].items()} == {
        t: n for t, n in manifest.counts.items() if t != "alembic_version"
    }
    assert folder_bytes(restored_dir) == folder_bytes(app.settings.data_dir) == FILES
    poster = restored_dir.resolve() / "media/pegasus/posters/poster-1.png"
    assert got["media_links"][0][1] == str(poster)


def _as_lists(state: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[list[Any]]]:
    return {table: [list(row) for row in rows] for table, rows in state.items()}


def test_restore_refuses_a_database_or_folder_that_is_not_empty(
    app: App, engine: Engine, empty_url: str, tmp_path: Path
) -> None:
    _fill_data_dir(app)
    archive = backup(_url(engine), app.settings.data_dir, tmp_path / "backups")
    with pytest.raises(BackupError, match="The database is not empty"):
        restore(archive, _url(engine), tmp_path / "elsewhere")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("x")
    with pytest.raises(BackupError, match="The data folder is not empty"):
        restore(archive, empty_url, busy)
    fresh = url_engine(empty_url)
    try:
        assert inspect(fresh).get_table_names() == []  # nothing was written on refusal
    finally:
        fresh.dispose()


def test_an_archive_of_the_previous_schema_is_migrated_forward_on_restore(
    engine: Engine, empty_url: str, tmp_path: Path, clock: Clock
) -> None:
    # A database at the revision(s) before head, with rows, backed up.
    older_url = _second_database(engine, tmp_path, empty_url)
    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    (head,) = script.get_heads()
    previous = script.get_revision(head).down_revision
    previous = [previous] if isinstance(previous, str) else list(previous or ())
    older = make_engine(older_url)
    try:
        for revision in previous:
            command.upgrade(alembic_config(older), revision)
        with older.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO offices (id, code, name, is_province) VALUES (1, '1771', :n, :p)"
                ),
                {"n": "BPS Kota Bengkulu", "p": False},
            )
            conn.execute(
                text(
                    "INSERT INTO employees (id, nip, name, office_id, language, active, position,"
                    " community, created_at) VALUES (1, '199901012023011001', 'Budi', 1, 'id',"
                    " :a, '', '', :at)"
                ),
                {"a": True, "at": f"{clock():%Y-%m-%d %H:%M:%S.%f}"},  # as SQLAlchemy writes it
            )
    finally:
        older.dispose()
    data = tmp_path / "older-data"
    (data / "media").mkdir(parents=True)
    (data / "media" / "wa-1.jpg").write_bytes(b"photo")
    archive = backup(older_url, data, tmp_path / "backups")
    assert sorted(read_manifest(archive).revision) == sorted(previous)

    restore(archive, empty_url, tmp_path / "restored-data")
    restored = url_engine(empty_url)
    try:
        with restored.connect() as conn:
            assert list(
                conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            ) == [head]
            assert list(conn.execute(text("SELECT nip, name FROM employees"))) == [
                ("199901012023011001", "Budi")
            ]
        assert set(inspect(restored).get_table_names()) >= {"ops_runs", "employees"}
    finally:
        restored.dispose()
    assert (tmp_path / "restored-data" / "media" / "wa-1.jpg").read_bytes() == b"photo"


def _second_database(engine: Engine, tmp_path: Path, empty_url: str) -> str:
    """Another empty database (for the older-schema source), dropped with the test's."""
    if engine.dialect.name == "sqlite":
        return f"sqlite:///{tmp_path / 'older.sqlite3'}"
    name = engine.url.database
    assert name is not None
    older = f"{name}_older"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{older}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{older}"'))
    return engine.url.set(database=older).render_as_string(hide_password=False)


def test_retention_keeps_the_newest_of_each_day_week_and_month(tmp_path: Path) -> None:
    # Two archives a day (10:00 and 08:00 WIB) for 120 days, the newest on 4 December 2026.
    newest = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
    for day in range(120):
        for hour in (0, 2):
            when = newest - timedelta(days=day, hours=hour)
            (tmp_path / f"canbot-{when:%Y%m%dT%H%M%SZ}.tar.gz").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not an archive")
    removed = prune(tmp_path, Retention(daily=14, weekly=8, monthly=12))
    kept = sorted(p.name for p in tmp_path.glob("canbot-*"))
    assert len(removed) + len(kept) == 240
    assert f"canbot-{newest:%Y%m%dT%H%M%SZ}.tar.gz" in kept
    # 14 days, then the older of the 8 weeks and the months not already kept.
    days = {n[7:15] for n in kept}
    assert len(kept) == len(days)  # one per day kept at most
    recent = sorted(days)[-14:]
    assert recent == sorted(f"{newest - timedelta(days=d):%Y%m%d}" for d in range(14))
    assert (tmp_path / "notes.txt").exists()
    assert 14 < len(kept) <= 14 + 8 + 12
