"""Every flow's diagram draws its states and the transitions its table plays, no more, no less.

The states drawn in the flow's block (tests/quick/diagrams.py says how a block names its flow)
must be the flow's declared states. The transitions drawn must be the ones the flow's table
rows produce when played: `[*]` to the start state, each row's state to where it went (itself
on a retry) or to `[*]` when it finished. Every state may ask again after a wrong answer, so a
retry (`state --> state`) need not be drawn; one that is drawn must be played. A flow with no
table row yet is skipped for the transitions only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.quick.diagrams import END, Block, DiagramError, Edge, blocks_by_flow, read
from tests.quick.harness import Row, all_tables, flow, play, registry

FLOWS = sorted(registry().flows)


def _block(name: str) -> Block:
    block = blocks_by_flow().get(name)
    if block is None:
        pytest.fail(f"flow {name!r} has no diagram: no '%% flow: {name}' block in bot/**/*.mmd")
    return block


def played_edges(name: str, rows: list[Row]) -> set[Edge]:
    """The transitions the rows of flow `name` produce."""
    flow_ = flow(name)
    edges: set[Edge] = {(END, flow_.start)}
    for row in rows:
        edges.add((row.state, play(flow_, row).next_state or END))
    return edges


def _show(items: set[Any]) -> str:
    return ", ".join(sorted(i if isinstance(i, str) else f"{i[0]} --> {i[1]}" for i in items))


def _mismatch(
    name: str, block: Block, wanted: set[Any], drawn: set[Any], missing: str, extra: str
) -> str | None:
    """The flow, the diagram, and what is in `wanted` but not `drawn` and the other way."""
    if wanted == drawn:
        return None
    return (
        f"flow {name!r}, diagram {block.where()} (block {block.block_id!r}): "
        f"{missing}: [{_show(wanted - drawn)}]; {extra}: [{_show(drawn - wanted)}]"
    )


def state_mismatch(name: str, block: Block) -> str | None:
    """What is wrong with the states drawn for flow `name`, or None."""
    declared = {str(s) for s in flow(name).states}
    return _mismatch(
        name, block, declared, block.states, "states not drawn", "drawn but not in the flow"
    )


def edge_mismatch(name: str, block: Block, produced: set[Edge]) -> str | None:
    """What is wrong with the transitions drawn for flow `name`, or None."""
    wanted = {edge for edge in produced if edge[0] != edge[1] or edge in block.edges}
    return _mismatch(
        name,
        block,
        wanted,
        block.edges,
        "transitions the table plays but not drawn",
        "drawn but no table row plays them",
    )


def test_every_block_names_a_registered_flow() -> None:
    unknown = {
        f"{block.where()}: {name}"
        for name, block in blocks_by_flow().items()
        if name not in registry().flows
    }
    assert not unknown, f"diagram blocks for flows that are not registered: {sorted(unknown)}"


@pytest.mark.parametrize("name", FLOWS)
def test_states_drawn(name: str) -> None:
    problem = state_mismatch(name, _block(name))
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.mark.parametrize("name", FLOWS)
def test_transitions_drawn(name: str) -> None:
    block = _block(name)
    rows = all_tables().get(name, [])
    if not rows:
        pytest.skip(f"flow {name!r} has no table rows yet")
    problem = edge_mismatch(name, block, played_edges(name, rows))
    if problem:
        pytest.fail(problem, pytrace=False)


BROKEN = """\
stateDiagram-v2
    %% flow: bahasa
    state "/bahasa" as bahasa {
        [*] --> choose
        choose --> confirm
        confirm --> [*]
    }
"""


def test_a_diagram_that_disagrees_is_reported(tmp_path: Path) -> None:
    (block,) = read(tmp_path / "core.mmd", BROKEN)
    states = state_mismatch("bahasa", block)
    edges = edge_mismatch("bahasa", block, played_edges("bahasa", all_tables()["bahasa"]))
    assert states is not None
    assert "drawn but not in the flow: [confirm]" in states
    assert edges is not None
    assert "not drawn: [choose --> [*]]" in edges  # an undrawn retry is allowed
    assert "no table row plays them: [choose --> confirm, confirm --> [*]]" in edges


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("stateDiagram-v2\n    state x {\n    }\n", "no '%% flow: <name>' line"),
        ("stateDiagram-v2\n    a --> b\n", "outside any flow block"),
        ("stateDiagram-v2\n    %% flow: x\n    state x {\n        a -> b\n    }\n", "cannot read"),
    ],
)
def test_an_unreadable_diagram_is_refused(tmp_path: Path, text: str, error: str) -> None:
    with pytest.raises(DiagramError, match=error):
        read(tmp_path / "x.mmd", text)
