"""What people type, checked once for every flow: names and titles that say something, with
the length limit named when it is broken, and whole numbers with their sign and range.

Each check returns the cleaned value, or the one sentence (from the catalog) that tells the
person what was wrong; flows ask again with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import Translator

_SIGNED = re.compile(r"^\s*([-+−–]?)\s*(\d{1,6})\s*$")


@dataclass(frozen=True)
class Typed:
    """A checked answer: `value` when usable, otherwise `problem` says why not."""

    value: str = ""
    problem: str = ""


def line(t: Translator, text: str | None, low: int, high: int) -> Typed:
    """One line of words (spaces collapsed) with letters or digits, `low`-`high` long."""
    cleaned = " ".join((text or "").split())
    return _judged(t, cleaned, low, high)


def block(t: Translator, text: str | None, high: int) -> Typed:
    """Free text (line breaks kept), at most `high` characters; empty is allowed."""
    cleaned = (text or "").strip()
    if len(cleaned) > high:
        return Typed(problem=t("core.text_long", limit=high, length=len(cleaned)))
    return Typed(cleaned)


def _judged(t: Translator, cleaned: str, low: int, high: int) -> Typed:
    if not any(ch.isalnum() for ch in cleaned):
        return Typed(problem=t("core.text_meaningless"))
    if sum(ch.isalnum() for ch in cleaned) < low:
        return Typed(problem=t("core.text_short", limit=low))
    if len(cleaned) > high:
        return Typed(problem=t("core.text_long", limit=high, length=len(cleaned)))
    return Typed(cleaned)


def whole_number(text: str | None) -> int | None:
    """A typed whole number with its sign (`-1` is minus one, not one), or None."""
    match = _SIGNED.match(text or "")
    if match is None:
        return None
    value = int(match[2])
    return -value if match[1] and match[1] != "+" else value


def count_problem(t: Translator, value: int, high: int) -> str:
    """Why `value` is no headcount from 1 to `high` ('' when it is one)."""
    if value < 0:
        return t("core.number_negative", high=high)
    if not 1 <= value <= high:
        return t("core.number_range", low=1, high=high)
    return ""
