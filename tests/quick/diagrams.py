"""The flows' Mermaid diagrams (`bot/**/*.mmd`), read back as states and transitions.

A diagram draws each flow as a composite state block, named by one `%% flow: <stored flow
name>` comment line right before the block's `state "..." as X {` line (several such lines:
flows built from one factory, drawn once). Inside a block a node's id is the flow's state
value, unless the block declares `state "<value>" as <id>`: Mermaid ids are global to a
file, so two flows of one file that both have a `confirm` state need distinct ids. `[*]` is
the start (left of an arrow) or the end (right of it). Transition labels, notes and other
comments are free text; anything else in a block is refused, so nothing drawn goes unchecked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
END = "[*]"
_FLOW = re.compile(r"^%%\s*flow:\s*(\S+)\s*$")
_BLOCK = re.compile(r'^state\s+(?:"[^"]*"\s+as\s+)?(\w+)\s*\{$')
_ALIAS = re.compile(r'^state\s+"([^"]+)"\s+as\s+(\w+)$')
_PLAIN = re.compile(r"^state\s+(\w+)$")
_EDGE = re.compile(r"^(\[\*\]|\w+)\s*-->\s*(\[\*\]|\w+)\s*(?::.*)?$")
_NOTE_LINE = re.compile(r"^note\s+(?:left|right)\s+of\s+\w+\s*:")
_NOTE_OPEN = re.compile(r"^note\s+(?:left|right)\s+of\s+\w+$")

Edge = tuple[str, str]


class DiagramError(ValueError):
    """A diagram line this reader does not understand (or that belongs to no flow)."""


@dataclass
class Block:
    """One composite state: the flows it draws, its states and transitions (flow names)."""

    path: Path
    line: int
    block_id: str
    flows: list[str]
    aliases: dict[str, str] = field(default_factory=dict)  # node id → state value
    nodes: list[str] = field(default_factory=list)  # node ids, as drawn
    raw_edges: list[Edge] = field(default_factory=list)

    def name(self, node: str) -> str:
        """The flow state a node id stands for."""
        return node if node == END else self.aliases.get(node, node)

    @property
    def states(self) -> set[str]:
        """The flow states drawn."""
        return {self.name(n) for n in self.nodes if n != END}

    @property
    def edges(self) -> set[Edge]:
        """The transitions drawn, as (state value or [*], state value or [*])."""
        return {(self.name(a), self.name(b)) for a, b in self.raw_edges}

    def where(self) -> str:
        """file:line of the block, relative to the repository."""
        shown = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{shown}:{self.line}"


def read(path: Path, text: str | None = None) -> list[Block]:
    """Every flow block of one diagram."""
    lines = (path.read_text(encoding="utf-8") if text is None else text).splitlines()
    blocks: list[Block] = []
    pending: list[str] = []
    current: Block | None = None
    in_note = False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        where = f"{path}:{number}"
        if in_note:
            in_note = line != "end note"
            continue
        if not line:
            continue
        if match := _FLOW.match(line):
            pending.append(match[1])
            continue
        if line.startswith("%%") or line == "stateDiagram-v2" or _NOTE_LINE.match(line):
            pending = [] if not line.startswith("%%") else pending
            continue
        if _NOTE_OPEN.match(line):
            in_note, pending = True, []
            continue
        if match := _BLOCK.match(line):
            if current is not None:
                raise DiagramError(f"{where}: a block inside block {current.block_id!r}")
            if not pending:
                raise DiagramError(f"{where}: block {match[1]!r} has no '%% flow: <name>' line")
            current, pending = Block(path, number, match[1], pending), []
            continue
        if pending:
            raise DiagramError(f"{where}: '%% flow:' must come right before a block")
        if line == "}":
            if current is None:
                raise DiagramError(f"{where}: '}}' closes no block")
            blocks.append(current)
            current = None
            continue
        if current is None:
            raise DiagramError(f"{where}: {line!r} is outside any flow block")
        if match := _ALIAS.match(line):
            current.aliases[match[2]] = match[1]
            current.nodes.append(match[2])
        elif match := _PLAIN.match(line):
            current.nodes.append(match[1])
        elif match := _EDGE.match(line):
            current.nodes.extend((match[1], match[2]))
            current.raw_edges.append((match[1], match[2]))
        else:
            raise DiagramError(f"{where}: cannot read {line!r}")
    if current is not None:
        raise DiagramError(f"{path}: block {current.block_id!r} is not closed")
    return blocks


def diagram_files() -> list[Path]:
    """Every diagram under bot/, wherever its flow module lives."""
    return sorted((ROOT / "bot").glob("**/*.mmd"))


def blocks_by_flow(paths: list[Path] | None = None) -> dict[str, Block]:
    """flow name → its block; a flow drawn twice is an error."""
    found: dict[str, Block] = {}
    for path in diagram_files() if paths is None else paths:
        for block in read(path):
            for name in block.flows:
                if name in found:
                    raise DiagramError(
                        f"flow {name!r} drawn twice: {found[name].where()} and {block.where()}"
                    )
                found[name] = block
    return found
