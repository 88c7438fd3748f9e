"""Random inputs in every state of every flow: nothing crashes, every answer is clear, state valid.

For each registered flow (found at collection time, so flows added later are covered), the
hypothesis walks of tests/evidence/walks.py start where the exploration first entered the
flow (through its command, or a button someone was sent: the scripted stories of
tests/evidence/scenarios.py take records to where the flows behind proactive buttons begin)
and go on as that person: mostly pressing offered buttons, sometimes typing plausible or random text, numbers,
labels, forged payloads, stale buttons from anywhere in the bot, photos, documents, failed
downloads, stickers, `kembali`, `batal`, other commands.

Inputs per flow: EXAMPLES × STEPS = 40 × 50 = 2,000 (checked). SQLite only. The walks run in
two worker processes of a process started when collection ends (tests/evidence/background.py),
beside the rest of the suite, which mostly waits.
"""

from __future__ import annotations

import pytest

from bot.features import build_registry
from tests.evidence.explore import Exploration
from tests.evidence.walks import EXAMPLES, STEPS, Outcome

INPUTS_PER_FLOW = 2_000
FLOWS = sorted(build_registry().flows)


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
