"""Backups: one archive of the database and DATA_DIR; restore into an empty place; retention.

An archive (`canbot-YYYYMMDDTHHMMSSZ.tar.gz`) holds `manifest.json` (format, time, database
kind, schema revision, row counts, the data folder it came from), the database
(`database.sqlite3`, made with SQLite's online backup API, or `database.pgdump`, pg_dump's
custom format) and `data/`, the data folder's files. On PostgreSQL the counts and the dump
read one snapshot (`pg_export_snapshot`), so the manifest describes exactly what was dumped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL

from bot.calendar import to_wib, utcnow
from storage.db import make_engine, migrate

FORMAT = 1
NAME = re.compile(r"^canbot-(\d{8}T\d{6}Z)(?:-\d+)?\.tar\.gz$")
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is one sentence for the operator."""


@dataclass(frozen=True)
class Manifest:
    """What an archive holds."""

    created_at: str
    database: str  # sqlite | postgresql
    revision: list[str]
    counts: dict[str, int]
    files: int
    data_dir: str
    format: int = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Retention:
    """How many archives to keep: the newest of each of the last N days, weeks and months."""

    daily: int = 14
    weekly: int = 8
    monthly: int = 12


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: the newest under /usr/lib/postgresql/*/bin, else on PATH."""

    def version(path: Path) -> int:
        digits = path.parent.parent.name
        return int(digits) if digits.isdigit() else 0

    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=version)
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    if on_path is None:
        raise BackupError(f"{name} was not found (install the PostgreSQL client tools).")
    return on_path


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    args = [f"--dbname={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _pg_run(url: URL, tool: str, *options: str) -> None:
    """Run pg_dump or pg_restore against the database of `url`; a failure raises BackupError."""
    args, env = _pg_args(url)
    done = subprocess.run(
        [pg_tool(tool), *options, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()}")


def _sqlite_copy(source_path: Path, target_path: Path) -> tuple[dict[str, int], list[str]]:
    """Copy with SQLite's online backup API; the copy's row counts and schema revision."""
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)  # one step: a consistent copy while others keep writing
        return _sqlite_counts(target)
    finally:
        target.close()
        source.close()


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(url.database)


def _data_files(data_dir: Path, skip: set[Path]) -> Iterator[Path]:
    if not data_dir.is_dir():
        return
    for path in sorted(data_dir.rglob("*")):
        resolved = path.resolve()
        if any(resolved == s or resolved.is_relative_to(s) for s in skip):
            continue
        if path.is_file() and not path.is_symlink():
            yield path


def _skipped(url: URL, data_dir: Path, dest: Path | None) -> set[Path]:
    skip = set()
    if dest is not None:
        skip.add(dest.resolve())
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        db = Path(str(url.database)).resolve()
        skip |= {db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))}
    return skip


def _sqlite_counts(conn: sqlite3.Connection) -> tuple[dict[str, int], list[str]]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts = {n: int(conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]) for n in names}
    revision = (
        sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
        if "alembic_version" in names
        else []
    )
    return counts, revision


def _dump_sqlite(url: URL, out: Path) -> tuple[dict[str, int], list[str]]:
    return _sqlite_copy(_sqlite_path(url), out)


def _dump_postgres(url: URL, out: Path) -> tuple[dict[str, int], list[str]]:
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            snapshot: str = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            names: list[str] = list(
                conn.execute(
                    text(
                        "SELECT table_name FROM information_schema.tables WHERE "
                        "table_schema = current_schema() AND table_type = 'BASE TABLE' "
                        "ORDER BY table_name"
                    )
                ).scalars()
            )
            counts = {
                n: int(conn.execute(text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one())
                for n in names
            }
            revision: list[str] = (
                sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
                if "alembic_version" in names
                else []
            )
            # pg_dump reads the very snapshot the counts came from, while it is held open.
            _pg_run(
                url,
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={out}",
            )
            conn.rollback()
    finally:
        engine.dispose()
    return counts, revision


def backup(database_url: str, data_dir: Path, dest: Path, now: datetime | None = None) -> Path:
    """Write one archive of the database and the data folder into `dest`; return its path."""
    now = (now or utcnow()).astimezone(UTC)
    url = make_url(database_url)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest, prefix=".canbot-backup-") as work:
        workdir = Path(work)
        if url.get_backend_name() == "sqlite":
            member = SQLITE_MEMBER
            counts, revision = _dump_sqlite(url, workdir / member)
        else:
            member = PG_MEMBER
            counts, revision = _dump_postgres(url, workdir / member)
        files = list(_data_files(data_dir, _skipped(url, data_dir, dest)))
        manifest = Manifest(
            created_at=now.isoformat(),
            database=url.get_backend_name(),
            revision=revision,
            counts=counts,
            files=len(files),
            data_dir=str(data_dir.resolve()),
        )
        (workdir / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2))
        partial = workdir / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(workdir / "manifest.json", arcname="manifest.json")
            tar.add(workdir / member, arcname=member)
            for path in files:
                try:
                    tar.add(path, arcname=f"data/{path.relative_to(data_dir).as_posix()}")
                except FileNotFoundError:
                    continue  # removed while we were reading the folder
        final = dest / f"canbot-{now:%Y%m%dT%H%M%SZ}.tar.gz"
        serial = 1
        while final.exists():
            final = dest / f"canbot-{now:%Y%m%dT%H%M%SZ}-{serial}.tar.gz"
            serial += 1
        os.replace(partial, final)
    return final


def read_manifest(archive: Path) -> Manifest:
    """The manifest of an archive."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            handle = tar.extractfile("manifest.json")
            if handle is None:
                raise KeyError("manifest.json")
            data = json.loads(handle.read())
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as exc:
        raise BackupError(f"{archive} is not a CAN Bot backup: {exc}") from None
    if data.get("format") != FORMAT:
        raise BackupError(f"{archive} has an unknown backup format {data.get('format')!r}.")
    return Manifest(**data)


def _database_is_empty(url: URL) -> bool:
    if url.get_backend_name() == "sqlite":
        path = _sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return True
        lite = sqlite3.connect(path)
        try:
            return bool(lite.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0)
        finally:
            lite.close()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found: int = conn.execute(
                text(
                    "SELECT COUNT(*) FROM information_schema.tables "
                    "WHERE table_schema = current_schema()"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return int(found) == 0


def restore(archive: Path, database_url: str, data_dir: Path) -> Manifest:
    """Restore an archive into an empty database and an empty data folder, then migrate."""
    url = make_url(database_url)
    manifest = read_manifest(archive)
    kind = url.get_backend_name()
    if manifest.database != kind:
        raise BackupError(
            f"The archive holds a {manifest.database} database; DATABASE_URL is {kind}."
        )
    if not _database_is_empty(url):
        raise BackupError(
            "The database is not empty: restore only into a new, empty database "
            f"({url.render_as_string(hide_password=True)})."
        )
    if list(_data_files(data_dir, _skipped(url, data_dir, None))):
        raise BackupError(
            f"The data folder is not empty: restore only into an empty one ({data_dir})."
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir.parent, prefix=".canbot-restore-") as work:
        workdir = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(workdir, filter="data")
        if kind == "sqlite":
            target_path = _sqlite_path(url)
            target_path.parent.mkdir(parents=True, exist_ok=True)
            _sqlite_copy(workdir / SQLITE_MEMBER, target_path)
        else:
            _pg_run(
                url,
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--no-comments",
                "--exit-on-error",
                "--single-transaction",
                str(workdir / PG_MEMBER),
            )
        files = workdir / "data"
        if files.is_dir():
            for item in sorted(files.iterdir()):
                os.replace(item, data_dir / item.name)
    engine = make_engine(database_url)
    try:
        migrate(engine)  # an archive of an older schema comes up to this code's
        _move_paths(engine, Path(manifest.data_dir), data_dir.resolve())
    finally:
        engine.dispose()
    return manifest


def _move_paths(engine: Any, old: Path, new: Path) -> None:
    """Stored absolute paths under the archive's data folder now point into this one."""
    if old == new:
        return
    from bot.ops.rewrite import replace_everywhere
    from storage.db import make_session_factory, transaction

    with transaction(make_session_factory(engine)) as session:
        replace_everywhere(session, f"{old}{os.sep}", f"{new}{os.sep}")


def archive_time(path: Path) -> datetime | None:
    """When an archive was made, from its name; None when it is not one of ours."""
    match = NAME.match(path.name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def prune(dest: Path, keep: Retention) -> list[Path]:
    """Delete the archives no rule keeps; return them. The newest is always kept."""
    dated = sorted(
        ((when, path) for path in dest.glob("canbot-*.tar.gz") if (when := archive_time(path))),
        reverse=True,
    )
    kept: set[Path] = {dated[0][1]} if dated else set()
    rules = (
        (keep.daily, lambda d: d.date()),
        (keep.weekly, lambda d: d.isocalendar()[:2]),
        (keep.monthly, lambda d: (d.year, d.month)),
    )
    for count, bucket in rules:
        seen: list[object] = []
        for when, path in dated:  # newest first: the first of each bucket is its newest
            key = bucket(to_wib(when))
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            kept.add(path)
    removed = [path for _when, path in dated if path not in kept]
    for path in removed:
        path.unlink(missing_ok=True)
    return sorted(removed)
