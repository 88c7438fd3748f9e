"""Fixtures for operations: an empty second database on the same backend, table snapshots."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text

import storage.all_models  # noqa: F401
from storage.base import Base


@pytest.fixture
def empty_url(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database beside the test's one (same backend)."""
    if engine.dialect.name == "sqlite":
        (tmp_path / "restored").mkdir()
        yield f"sqlite:///{tmp_path / 'restored' / 'canbot.sqlite3'}"
        return
    name = f"canbot_{uuid.uuid4().hex[:12]}"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield engine.url.set(database=name).render_as_string(hide_password=False)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


def table_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, ordered by primary key."""
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def url_engine(url: str) -> Engine:
    """An engine for a test's second database."""
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


def folder_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` by its relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
