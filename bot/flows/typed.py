"""What people type, checked once for every flow: names and titles that say something, with
the length limit named when it is broken, whole numbers with their sign and range, a date that
names no day (asked back), and an hour no office event has (confirmed, not taken).

Each check returns the cleaned value, or the one sentence (from the catalog) that tells the
person what was wrong; flows ask again with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from bot.dateparse import EARLIEST_OFFICE_HOUR, LATEST_OFFICE_HOUR, Parsed, vague
from bot.flows.base import Step, UserInput, ask, retry
from bot.i18n import Translator
from bot.messages import Choices

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


# -- dates and times ------------------------------------------------------------------------

YES, CHANGE = "yes", "change"  # the answers of an odd-hour check


def vague_problem(t: Translator, text: str | None) -> str:
    """The question back when the text names a week or a month but no day ('' otherwise)."""
    which = vague(text or "")
    return t(f"core.when_vague_{which}") if which else ""


def odd_time(*times: time | None) -> time | None:
    """The first of `times` outside 06.00-22.00 (worth asking about), or None."""
    return next(
        (
            t
            for t in times
            if t is not None and not EARLIEST_OFFICE_HOUR <= t <= LATEST_OFFICE_HOUR
        ),
        None,
    )


def odd_hour(parsed: Parsed) -> time | None:
    """The first time of `parsed` outside 06.00-22.00, or None."""
    return odd_time(parsed.start, parsed.end)


def odd_hour_question(t: Translator, state: str, start: time | None, end: time | None) -> Choices:
    """'Maksudnya pukul 02.00 dini hari?' with Ya / Ubah, about the first odd one of the times."""
    at = odd_time(start, end) or start or end or EARLIEST_OFFICE_HOUR
    part = "dini_hari" if at < time(4) else "pagi" if at < time(12) else "malam"
    text = t("core.odd_hour_check", time=f"{at:%H.%M}", part=t(f"core.part_{part}"))
    return ask(text, state, [(YES, t("core.yes")), (CHANGE, t("core.edit"))])


def odd_hour_answer(t: Translator, given: UserInput, meant: Step, change: Step) -> Step:
    """`meant` on Ya, `change` on Ubah; anything else asks again."""
    if given.choice == YES:
        return meant
    if given.choice == CHANGE:
        return change
    return retry(t("core.choose_from_buttons"))
