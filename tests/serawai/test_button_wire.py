"""Serawai's typed buttons pack to the exact strings Serawai wrote before they existed, so the
buttons already sitting in people's chats keep working; and they read back strictly."""

from __future__ import annotations

import pytest

from bot.buttons import Button, CommandButton
from bot.services.serawai.buttons import (
    CommitteeButton,
    MinutesButton,
    PrepButton,
    ProposeForButton,
    RateButton,
    ReportButton,
    ReportDecisionButton,
    VoteButton,
)

WIRE: list[tuple[Button, str]] = [
    (VoteButton(3, 41), "srw:v:3:41"),
    (ProposeForButton(12), "srw:u:12"),
    (CommitteeButton(7), "srw:k:7"),
    (PrepButton(7, "invitation"), "srw:p:7:invitation"),
    (RateButton(7), "srw:n:7"),
    (MinutesButton(7), "srw:m:7"),
    (ReportButton(7), "srw:l:7"),
    (ReportDecisionButton(7, "ok"), "srw:r:7:ok"),
    (ReportDecisionButton(7, "back"), "srw:r:7:back"),
    (CommandButton("usultema"), "cmd:usultema"),
    (CommandButton("serawai_seri"), "cmd:serawai_seri"),
    (CommandButton("serawai_jadwal"), "cmd:serawai_jadwal"),
    (CommandButton("serawai_nilaikantor"), "cmd:serawai_nilaikantor"),
]


@pytest.mark.parametrize(("button", "wire"), WIRE, ids=[w for _, w in WIRE])
def test_each_button_packs_to_its_old_wire_string_and_reads_back(
    button: Button, wire: str
) -> None:
    assert button.pack() == wire
    assert type(button).read(wire) == button


@pytest.mark.parametrize(
    ("kind", "wire"),
    [
        (VoteButton, "srw:v:3"),  # no theme
        (VoteButton, "srw:v:x:y"),  # not numbers
        (VoteButton, "srw:u:3:41"),  # another verb
        (CommitteeButton, "et:k:7"),  # another prefix
        (ReportDecisionButton, "srw:r:7"),  # no decision
    ],
)
def test_a_malformed_payload_reads_as_none(kind: type[Button], wire: str) -> None:
    assert kind.read(wire) is None
