"""Fixtures of the evidence suites: the exploration of the whole bot, the flows' walks."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.channels.conftest import (  # noqa: F401 - fixtures shared with the channel tests
    bot_api,
    bot_api_server,
    twilio_api,
    twilio_server,
)
from tests.channels.test_server import running  # noqa: F401 - the whole bot, in process
from tests.evidence.background import Background, Walks, explore_fresh, walk_all
from tests.evidence.explore import Exploration

BACKGROUND = pytest.StashKey[Background]()
WALKS_MODULE = "tests/evidence/test_flow_property.py"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """When the flows' walks are to run, start them now, beside the rest of the session, and
    read their results last (so the rest of the session does not wait behind them)."""
    walks = [item for item in items if item.nodeid.startswith(WALKS_MODULE)]
    if walks:
        config.stash[BACKGROUND] = Background(Path(tempfile.mkdtemp(prefix="canbot-walks-")))
        items[:] = [item for item in items if item not in walks] + walks


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the background process if the session ended before it did; remove its files."""
    background = config.stash.get(BACKGROUND, None)
    if background is not None:
        background.stop()
        shutil.rmtree(background.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def exploration(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Exploration:
    """The whole bot walked once as everyone (SQLite); see tests/evidence/explore.py."""
    background = request.config.stash.get(BACKGROUND, None)
    if background is not None:
        return background.exploration()
    return explore_fresh(tmp_path_factory.mktemp("exploration"))


@pytest.fixture(scope="session")
def walks(request: pytest.FixtureRequest, exploration: Exploration) -> Walks:
    """How the hypothesis walks of every entered flow went; see tests/evidence/walks.py."""
    background = request.config.stash.get(BACKGROUND, None)
    if background is not None:
        return background.walks()
    return walk_all(exploration)
