"""Each Pegasus button packs to the wire string buttons in people's chats already carry."""

from __future__ import annotations

import pytest

from bot.buttons import Button
from bot.services.pegasus.buttons import HandOver, Review, SendProof, SwapAnswer, WriteQuote

WIRE: list[tuple[Button, str]] = [
    (SwapAnswer(12, "a"), "pgs:12:a"),
    (SwapAnswer(12, "d"), "pgs:12:d"),
    (SwapAnswer(12, "ok"), "pgs:12:ok"),
    (SwapAnswer(12, "no"), "pgs:12:no"),
    (HandOver(7), "pgt:7"),
    (WriteQuote(7), "pgk:7"),
    (Review(7, "ok"), "pgr:7:ok"),
    (Review(7, "fix"), "pgr:7:fix"),
    (Review(7, "show"), "pgr:7:show"),
    (SendProof(7, "wa"), "pgb:7:wa"),
    (SendProof(7, "ig"), "pgb:7:ig"),
]


@pytest.mark.parametrize(("button", "wire"), WIRE, ids=[wire for _, wire in WIRE])
def test_a_button_packs_to_its_wire_string_and_reads_back(button: Button, wire: str) -> None:
    assert button.pack() == wire
    assert type(button).read(wire) == button


@pytest.mark.parametrize("wire", ["pgs:12:x", "pgr:7:ok:1", "pgb:7:fb", "pgk:abc", "pgt:"])
def test_a_forged_or_mangled_payload_is_not_read(wire: str) -> None:
    kinds: list[type[Button]] = [SwapAnswer, HandOver, WriteQuote, Review, SendProof]
    assert [kind.read(wire) for kind in kinds] == [None] * len(kinds)
