"""Fixtures of the evidence suites: one exploration of the whole bot, SQLite apps to walk."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.config import Settings
from bot.messages import Channel
from storage.db import make_engine, transaction
from storage.seed import seed_demo
from tests.channels.conftest import (  # noqa: F401 - fixtures shared with the channel tests
    bot_api,
    bot_api_server,
    twilio_api,
    twilio_server,
)
from tests.channels.test_server import running  # noqa: F401 - the whole bot, in process
from tests.evidence.explore import Exploration, explore
from tests.support import Clock


def sqlite_app(path: Path, folder: Path, clock: Clock) -> App:
    """The application over the SQLite file `path`, on the console channel."""
    settings = Settings(
        _env_file=None,
        database_url="sqlite:///unused",
        data_dir=folder / "data",
        public_base_url="https://canbot.example.test",
    )
    return build_app(
        settings,
        engine=make_engine(f"sqlite:///{path}"),
        clock=clock,
        channels={Channel.CONSOLE},
        run_migrations=False,
    )


@pytest.fixture(scope="session")
def exploration(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Exploration]:
    """The whole bot walked once as everyone (SQLite); see tests/evidence/explore.py."""
    folder = tmp_path_factory.mktemp("exploration")
    path = folder / "explore.sqlite3"
    shutil.copyfile(sqlite_template, path)
    clock = Clock()
    app = sqlite_app(path, folder, clock)
    with transaction(app.sessions) as session:
        seed_demo(session, clock())
    yield explore(app, clock, folder)
    app.engine.dispose()
