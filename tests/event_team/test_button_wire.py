"""Each Event Team button packs to the payload its buttons carried before they were typed, so
buttons already sitting in people's chats keep working, and reads back to itself."""

from __future__ import annotations

import pytest

from bot.buttons import Button
from bot.services.event_team.buttons import (
    AssignButton,
    CancelButton,
    DeclineButton,
    DocumentationButton,
    EvaluationButton,
    InternalEvaluationButton,
    RescheduleButton,
)

WIRE: list[tuple[Button, str]] = [
    (AssignButton(12), "et:assign:12"),
    (DeclineButton(7), "et:decline:7"),
    (DocumentationButton(12), "et:doc:12"),
    (EvaluationButton(12), "et:eval:12"),
    (InternalEvaluationButton(12), "et:internal:12"),
    (RescheduleButton(3), "et:resched:3"),
    (CancelButton(3), "et:cancel:3"),
]


@pytest.mark.parametrize(("button", "wire"), WIRE, ids=[w for _, w in WIRE])
def test_packs_to_the_old_wire_string_and_reads_back(button: Button, wire: str) -> None:
    assert button.pack() == wire
    assert type(button).read(wire) == button


@pytest.mark.parametrize(
    "forged", ["et:assign:-1", "et:assign:x", "et:assign", "et:assign:1:2", "et:decline:1a"]
)
def test_a_forged_payload_is_no_button(forged: str) -> None:
    assert all(type(button).read(forged) is None for button, _ in WIRE)


def test_no_two_kinds_read_the_same_payload() -> None:
    for _, wire in WIRE:
        readers = [type(b).__name__ for b, _ in WIRE if type(b).read(wire) is not None]
        assert len(readers) == 1, (wire, readers)
