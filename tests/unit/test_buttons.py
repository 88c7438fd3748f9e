"""Typed buttons pack to the payload wire format that chats already hold, and parse strictly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest

from bot.buttons import Button, CommandButton, FlowChoice
from bot.payload import Payload, decode
from bot.registry import Outcome, Registry


@dataclass(frozen=True)
class _Assign(Button, prefix="zt", verb="assign"):
    request_id: int


@dataclass(frozen=True)
class _Review(Button, prefix="zr"):
    duty_id: int
    what: Literal["ok", "fix"]


def test_buttons_pack_to_the_existing_wire_format() -> None:
    assert _Assign(12).pack() == "zt:assign:12"
    assert _Review(3, "fix").pack() == "zr:3:fix"
    assert CommandButton("usultema").pack() == "cmd:usultema"
    assert FlowChoice("confirm", "a:b").pack() == "f:confirm:a%3Ab"


def test_a_button_parses_back_to_itself() -> None:
    for button in (_Assign(7), _Review(9, "ok"), CommandButton("x"), FlowChoice("s", "")):
        assert type(button).read(button.pack()) == button


@pytest.mark.parametrize(
    "raw",
    [
        "zt:assign",  # too short
        "zt:assign:1:2",  # too long
        "zt:assign:-1",  # not a number
        "zt:assign:x",
        "zt:other:1",  # another verb
        "zq:assign:1",  # another prefix
        "zt:assign:1234567890123",  # over twelve digits
    ],
)
def test_a_forged_payload_parses_to_none(raw: str) -> None:
    assert _Assign.read(raw) is None


def test_a_literal_field_takes_only_its_values() -> None:
    assert _Review.read("zr:1:ok") == _Review(1, "ok")
    assert _Review.read("zr:1:delete") is None


def test_the_registry_routes_a_press_to_its_kind_and_refuses_overlaps() -> None:
    reg = Registry()
    seen: list[object] = []

    def handler(_ctx: object, pressed: _Assign) -> Outcome:
        seen.append(pressed)
        return Outcome()

    reg.button(_Assign, handler)
    assert reg.prefixes == {"zt"}
    assert reg.press(None, _decoded("zt:assign:5")) == Outcome()  # type: ignore[arg-type]
    assert seen == [_Assign(5)]
    assert reg.press(None, _decoded("zt:drop:5")) is None  # type: ignore[arg-type]
    assert reg.press(None, _decoded("zr:5:ok")) is None  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="registered twice"):
        reg.button(_Assign, handler)


def _decoded(raw: str) -> Payload:
    payload = decode(raw)
    assert payload is not None
    return payload
