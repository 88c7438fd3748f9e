"""Random inputs in every state of every flow: nothing crashes, every answer is clear, state valid.

For each registered flow (found at collection time, so flows added later are covered), the
hypothesis walks of tests/evidence/walks.py start where the exploration first entered the
flow (through its command as the demo admin, or a button someone was sent) and go on as that
person: mostly pressing offered buttons, sometimes typing plausible or random text, numbers,
labels, forged payloads, stale buttons from anywhere in the bot, photos, documents, failed
downloads, stickers, `kembali`, `batal`, other commands.

Inputs per flow: EXAMPLES × STEPS = 40 × 50 = 2,000 (checked). SQLite only. The flows are
walked in two worker processes at once, so the two cores share the work.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import pytest

from bot.features import build_registry
from tests.evidence.explore import Exploration
from tests.evidence.walks import EXAMPLES, PARTS, STEPS, Job, Outcome, walk_flow

INPUTS_PER_FLOW = 2_000
FLOWS = sorted(build_registry().flows)
WORKERS = min(2, os.cpu_count() or 1)


@pytest.fixture(scope="session")
def walks(exploration: Exploration) -> dict[str, list[Outcome]]:
    """Every entered flow walked, its parts shared among worker processes."""
    jobs = [
        Job(flow, start, tuple(exploration.payloads), part)
        for flow, start in sorted(exploration.starts.items())
        for part in range(PARTS)
    ]
    context = multiprocessing.get_context("spawn")  # the test process has threads running
    found: dict[str, list[Outcome]] = {}
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        for outcome in pool.map(walk_flow, jobs):
            found.setdefault(outcome.flow, []).append(outcome)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("flow", FLOWS)
def test_random_walks_in_every_flow(
    flow: str, exploration: Exploration, walks: dict[str, list[Outcome]]
) -> None:
    if flow not in exploration.starts:
        pytest.skip(f"the exploration never entered {flow!r} ({exploration.steps} steps)")
    for outcome in walks[flow]:
        assert outcome.failure is None, outcome.failure
    assert sum(o.inputs for o in walks[flow]) >= INPUTS_PER_FLOW == EXAMPLES * STEPS


def test_the_exploration_itself_was_clean(exploration: Exploration) -> None:
    assert not exploration.problems, exploration.problems[:5]
    assert exploration.starts, "no flow was entered at all"
