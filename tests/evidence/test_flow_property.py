"""Random inputs in every state of every flow: nothing crashes, every answer is clear, state valid.

For each registered flow (found at collection time, so flows added later are covered), each
hypothesis example puts the database back where the exploration first entered the flow and
walks on from there as that person: mostly pressing offered buttons, sometimes typing
plausible or random text, numbers, labels, forged payloads, stale buttons from anywhere in
the bot, photos, documents, failed downloads, stickers, `kembali`, `batal`, other commands.
After every input: no error logged, no "core.crashed" answer, every message (to anyone) a
non-empty catalog text, every stored conversation valid against its flow's model.

Inputs per flow: EXAMPLES × STEPS = 40 × 50 = 2,000 (checked at the end). SQLite only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.features import build_registry
from tests.evidence.conftest import sqlite_app
from tests.evidence.driver import (
    WEIGHTED_KINDS,
    Driver,
    ErrorTrap,
    Move,
    copy_database,
    restore,
)
from tests.evidence.explore import Exploration
from tests.support import Clock

EXAMPLES, STEPS = 40, 50
INPUTS_PER_FLOW = 2_000
FLOWS = sorted(build_registry().flows)

moves = st.builds(
    Move,
    kind=st.sampled_from(WEIGHTED_KINDS),
    n=st.integers(min_value=0, max_value=10**6),
    text=st.text(max_size=30),
)


@pytest.mark.slow
@pytest.mark.parametrize("flow", FLOWS)
def test_random_walks_in_every_flow(flow: str, exploration: Exploration, tmp_path: Path) -> None:
    start = exploration.starts.get(flow)
    if start is None:
        pytest.skip(f"the exploration never entered {flow!r} ({exploration.steps} steps)")
    clock = Clock(start.at)
    copy_database(start.snapshot, tmp_path / "walk.sqlite3")
    app = sqlite_app(tmp_path / "walk.sqlite3", tmp_path, clock)
    driver = Driver(app, clock)
    command = start.how.split()[0] if start.how.startswith("/") else None
    inputs = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(moves, min_size=STEPS, max_size=STEPS))
    def walk(steps: list[Move]) -> None:
        nonlocal inputs
        restore(app, start.snapshot)
        clock.now = start.at
        driver.reset()
        with ErrorTrap() as trap:
            for move in steps:
                if command and driver.flow_of(start.who)[0] != flow and move.n % 3 == 0:
                    driver.send(start.who, command)  # back into the flow under test
                else:
                    driver.play(start.who, move, stale=exploration.payloads)
                inputs += 1
            driver.check_conversations("the walk", None)
        assert not driver.problems, driver.problems[:5]
        assert not trap.records, [r.getMessage() for r in trap.records[:5]]

    walk()
    app.engine.dispose()
    assert inputs >= INPUTS_PER_FLOW


def test_the_exploration_itself_was_clean(exploration: Exploration) -> None:
    assert not exploration.problems, exploration.problems[:5]
    assert exploration.starts, "no flow was entered at all"
