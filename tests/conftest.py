"""Fixtures: the application on SQLite and on PostgreSQL, a settable clock, a chat harness."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.app import App, build_app
from bot.config import Settings
from bot.messages import Channel
from storage.base import Base
from storage.db import make_engine, migrate, transaction
from storage.seed import seed_demo
from tests.support import Clock, Harness

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine | None]:
    """The PostgreSQL server started by scripts/with-postgres.sh, migrated once."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        yield None
        return
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(engine)
    yield engine
    engine.dispose()


def _truncate(engine: Engine) -> None:
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def engine(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_engine: Engine | None,
) -> Iterator[Engine]:
    """A clean, migrated database: SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "db.sqlite3"
        shutil.copyfile(sqlite_template, path)
        sqlite = make_engine(f"sqlite:///{path}")
        yield sqlite
        sqlite.dispose()
        return
    if postgres_engine is None:
        if os.environ.get("CANBOT_REQUIRE_POSTGRES"):
            pytest.fail("TEST_POSTGRES_URL is required but not set")
        pytest.skip("no PostgreSQL server (run through scripts/with-postgres.sh)")
    _truncate(postgres_engine)
    yield postgres_engine


@pytest.fixture
def clock() -> Clock:
    """Wednesday 26 March 2025, 09:00 WIB, unless a test moves it."""
    return Clock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with no channel configured and data under the test's folder."""
    return Settings(
        _env_file=None,
        database_url="sqlite:///unused",
        data_dir=tmp_path / "data",
        public_base_url="https://canbot.example.test",
    )


@pytest.fixture
def app(engine: Engine, clock: Clock, settings: Settings) -> App:
    """The application over a demo directory, reached on the console channel."""
    application = build_app(
        settings, engine=engine, clock=clock, channels={Channel.CONSOLE}, run_migrations=False
    )
    with transaction(application.sessions) as session:
        seed_demo(session, clock())
    return application


@pytest.fixture
def bot(app: App, clock: Clock) -> Harness:
    """Talk to the bot as anyone."""
    return Harness(app, clock)
