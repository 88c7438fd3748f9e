"""The one codec for button payloads (Telegram callback data, WhatsApp quick-reply ids).

A payload is `prefix:part:part...`: ASCII only, at most 64 bytes (Telegram's callback_data
limit). The prefix is a short lowercase name (`[a-z][a-z0-9_]{0,15}`); each part is
percent-escaped, so parts may hold any text, `:` included. Encoding is canonical: `decode`
accepts exactly what `encode` produces and returns None for anything else, so a payload that a
user forged or mangled is never half-understood.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote, unquote

MAX_BYTES = 64

_PREFIX = re.compile(r"[a-z][a-z0-9_]{0,15}")
_PART = re.compile(r"(?:[A-Za-z0-9_.~-]|%[0-9A-F]{2})*")


class Payload(NamedTuple):
    """A decoded payload: what kind of button, and its arguments."""

    prefix: str
    parts: tuple[str, ...]

    def part(self, index: int) -> str | None:
        """The part at `index`, or None when the payload is too short."""
        return self.parts[index] if 0 <= index < len(self.parts) else None

    def int_part(self, index: int) -> int | None:
        """The part at `index` as a non-negative int, or None when it is not one."""
        value = self.part(index)
        if value is None or not value.isascii() or not value.isdigit() or len(value) > 12:
            return None
        return int(value)


def _escape(part: str) -> str:
    return quote(part, safe="", encoding="utf-8", errors="strict")


def encode(prefix: str, *parts: object) -> str:
    """Build a payload (parts go through str()); ValueError for a bad prefix or over 64 bytes."""
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        raise ValueError(f"bad payload prefix: {prefix!r}")
    pieces = [prefix]
    for part in parts:
        try:
            pieces.append(_escape(str(part)))
        except UnicodeEncodeError as exc:  # lone surrogates
            raise ValueError(f"payload part is not valid text: {part!r}") from exc
    payload = ":".join(pieces)
    if len(payload) > MAX_BYTES:  # ASCII, so characters == bytes
        raise ValueError(f"payload is {len(payload)} bytes, over the {MAX_BYTES}-byte limit")
    return payload


def decode(data: object) -> Payload | None:
    """Read a payload; None for anything malformed. Never raises."""
    if not isinstance(data, str) or not data or len(data) > MAX_BYTES or not data.isascii():
        return None
    prefix, *raw_parts = data.split(":")
    if not _PREFIX.fullmatch(prefix):
        return None
    parts: list[str] = []
    for raw in raw_parts:
        if not _PART.fullmatch(raw):
            return None
        try:
            part = unquote(raw, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            return None
        if _escape(part) != raw:  # not canonical (e.g. "%61" for "a")
            return None
        parts.append(part)
    return Payload(prefix, tuple(parts))
