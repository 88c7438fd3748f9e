"""Typed buttons: one class per kind of button, packed to and parsed from the payload wire format.

A button kind is a frozen dataclass that subclasses `Button` and names its wire prefix (and,
for kinds that share a prefix, the constant first part, its `verb`):

    @dataclass(frozen=True)
    class AssignButton(Button, prefix="et", verb="assign"):
        request_id: int

    AssignButton(12).pack()  == "et:assign:12"
    AssignButton.parse(decode("et:assign:12")) == AssignButton(12)

Fields are `int` (a non-negative number), `str`, or a `Literal[...]` of strings; a payload
with another prefix or verb, a wrong number of parts, or a part of the wrong kind parses to
None, so a forged or stale payload is never half-understood. The wire format is the one
`bot.payload` has always written, so buttons already sitting in people's chats keep working.
Features register a handler per class (`Registry.button`); dispatch hands it the parsed button.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, ClassVar, Literal, Self, get_args, get_origin

from bot.payload import Payload, decode, encode


class Button:
    """Base of every button kind; subclass as a frozen dataclass with `prefix=` (and `verb=`)."""

    prefix: ClassVar[str]
    verb: ClassVar[str | None] = None
    _readers: ClassVar[tuple[tuple[str, Any], ...] | None] = None

    def __init_subclass__(cls, *, prefix: str, verb: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.prefix = prefix
        cls.verb = verb
        cls._readers = None
        encode(prefix, *([verb] if verb is not None else []))  # a bad prefix fails at import

    def pack(self) -> str:
        """The payload string for this button (ValueError when over the 64-byte limit)."""
        head = (self.verb,) if self.verb is not None else ()
        values = [getattr(self, name) for name, _ in self._fields()]
        return encode(self.prefix, *head, *values)

    @classmethod
    def parse(cls, payload: Payload | None) -> Self | None:
        """This kind of button read from a decoded payload, or None when it is not one."""
        if payload is None or payload.prefix != cls.prefix:
            return None
        parts = payload.parts
        if cls.verb is not None:
            if not parts or parts[0] != cls.verb:
                return None
            parts = parts[1:]
        readers = cls._fields()
        if len(parts) != len(readers):
            return None
        values: dict[str, Any] = {}
        for (name, kind), raw in zip(readers, parts, strict=True):
            value = _read(kind, raw)
            if value is None:
                return None
            values[name] = value
        return cls(**values)

    @classmethod
    def read(cls, data: object) -> Self | None:
        """This kind of button read from a raw payload string, or None."""
        return cls.parse(decode(data))

    @classmethod
    def _fields(cls) -> tuple[tuple[str, Any], ...]:
        if cls._readers is None:
            hints = typing.get_type_hints(cls)
            cls._readers = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))  # type: ignore[arg-type]
        return cls._readers


def _read(kind: Any, raw: str) -> object | None:
    if kind is int:
        if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
            return None
        return int(raw)
    if kind is str:
        return raw
    if get_origin(kind) is Literal:
        return raw if raw in get_args(kind) else None
    raise TypeError(f"unsupported button field type: {kind!r}")


@dataclasses.dataclass(frozen=True)
class CommandButton(Button, prefix="cmd"):
    """A button that runs a slash command (`cmd:<name>`), as a menu entry does."""

    name: str


@dataclasses.dataclass(frozen=True)
class MenuButton(Button, prefix="menu"):
    """One program's part of the main menu (`menu:<group>:<page>`), where a list is capped."""

    group: str
    page: int


@dataclasses.dataclass(frozen=True)
class FlowChoice(Button, prefix="f"):
    """A button that answers one state of the conversation in progress (`f:<state>:<value>`)."""

    state: str
    value: str
