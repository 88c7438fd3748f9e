"""The one button payload codec: `prefix:part:part`, at most 64 bytes (Telegram's limit).

Payloads come back from users, so `decode` never raises and callers re-check everything a
payload names against the database and the presser's rights.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
_SEP = ":"


@dataclass(frozen=True)
class Payload:
    """A decoded button payload."""

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
    return part.replace("%", "%25").replace(_SEP, "%3A")


def _unescape(part: str) -> str:
    return part.replace("%3A", _SEP).replace("%25", "%")


def encode(prefix: str, *parts: object) -> str:
    """Build a payload; raise ValueError if it is not ASCII or longer than 64 bytes."""
    if not prefix or _SEP in prefix:
        raise ValueError(f"bad payload prefix {prefix!r}")
    payload = _SEP.join([prefix, *(_escape(str(p)) for p in parts)])
    if not payload.isascii() or len(payload.encode()) > MAX_BYTES:
        raise ValueError(f"payload {payload!r} is not ASCII or longer than {MAX_BYTES} bytes")
    return payload


def decode(raw: str | None) -> Payload | None:
    """Parse a payload from a user; None for anything malformed."""
    if not raw or not raw.isascii() or len(raw.encode()) > MAX_BYTES:
        return None
    if not all(ch.isprintable() for ch in raw):
        return None
    prefix, *parts = raw.split(_SEP)
    if not prefix:
        return None
    return Payload(prefix, tuple(_unescape(p) for p in parts))
