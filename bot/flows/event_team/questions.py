"""SOP-321, the SM's side: what the request, change and evaluation questions share.

Reading a date and time (and judging its lead time), the end time, the skip option, and the
1-5 rating question whose buttons name the question (also used by the lead's evaluation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from bot.calendar import format_date, to_wib, wib_to_utc
from bot.dateparse import parse_times, parse_when
from bot.flows.base import Ctx, UserInput, ask, rating_choices
from bot.flows.event_team.rules import MAX_HEADCOUNT, ROLE_CODES, lead_time, role_label
from bot.flows.typed import count_problem, line, odd_hour, vague_problem
from bot.i18n import Translator
from bot.messages import Choices, Reply

SKIP = "skip"


def roles_text(t: Translator, roles: list[tuple[str, int]]) -> str:
    """'MC ×1, Notulis ×2'."""
    return ", ".join(f"{role_label(t, r)} ×{n}" for r, n in roles)


def when_text(ctx: Ctx, day: date, start: time, end: time) -> str:
    """'Senin, 7 April 2025, 09.00–11.00 WIB'."""
    return f"{format_date(day, ctx.lang)}, {start:%H.%M}–{end:%H.%M} WIB"


def fixed_time(day: date | None, start: time | None, end: time | None) -> tuple[date, time, time]:
    """The date and times, once the questions that ask them are answered."""
    if day is None or start is None or end is None:
        raise ValueError("the date and times are asked before this question")
    return day, start, end


def skip_or_text(ctx: Ctx, question: str, state: str) -> list[Reply]:
    """The question with a skip button (a text answer is taken too)."""
    return [ask(question, state, [(SKIP, ctx.t("core.skip"))])]


# -- roles typed in one message -------------------------------------------------------------

# Other words people use for the SOP's roles (the catalog's labels and the codes count too).
ROLE_WORDS = {
    "notula": "notulis", "notulen": "notulis", "pencatat": "notulis",
    "dok": "dokumentasi", "foto": "dokumentasi", "fotografer": "dokumentasi",
    "zoom": "operator", "presensi": "registrasi", "absensi": "registrasi",
    "pembawa acara": "mc", "master of ceremony": "mc",
}  # fmt: skip
_SEPARATORS = re.compile(r"\s*(?:[,;&+\n]|\bdan\b|\band\b)\s*")
_TOKENS = re.compile(r"[-−]?\d+|[^\W\d_]+(?:/[^\W\d_]+)*")
_FILLER = {"orang", "org", "x", "peran", "butuh", "perlu"}


def _role_code(t: Translator, name: str) -> str:
    """The SOP role a typed name stands for, or the name itself (another role)."""
    folded = name.casefold()
    for code in ROLE_CODES:
        label = role_label(t, code).casefold()
        if folded in (code, label, label.split("/")[0]):
            return code
    return ROLE_WORDS.get(folded, name)


def read_roles(t: Translator, text: str) -> list[tuple[str, int]] | str:
    """`MC 1, notulis 2`, `mc 1 notulis 2`, `2 notulis dan 1 MC` as (role, count) pairs.

    A name without a number counts one. Returns the problem instead when a count is out of
    range or a name says nothing; an empty list when the text names no role at all.
    """
    pairs: list[tuple[str, int]] = []
    for part in _SEPARATORS.split(text.replace("×", " ")):
        words: list[str] = []
        number: int | None = None

        def close() -> str:
            nonlocal words, number
            if words:
                name = " ".join(words)
                checked = line(t, name, 2, 60)
                if checked.problem:
                    return checked.problem
                pairs.append((_role_code(t, checked.value), 1 if number is None else number))
            words, number = [], None
            return ""

        for token in _TOKENS.findall(part):
            if token.casefold() in _FILLER:
                continue
            if token.lstrip("-−").isdigit():
                value = -int(token[1:]) if token[0] in "-−" else int(token)
                if problem := count_problem(t, value, MAX_HEADCOUNT):
                    return problem
                if words and number is None:  # "mc 1": the number closes the name
                    number = value
                    if problem := close():
                        return problem
                else:  # "2 notulis": the number opens the next name
                    if problem := close():
                        return problem
                    number = value
            else:
                words.append(token)
        if problem := close():
            return problem
    merged: dict[str, int] = {}
    for role, count in pairs:
        merged[role] = count
    return list(merged.items())


# -- reading a date and time --------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """A date with its start (and maybe end) time, or why it cannot be used."""

    day: date | None = None
    start: time | None = None
    end: time | None = None
    problem: str = ""
    note: str = ""
    odd: time | None = None  # a time outside 06.00-22.00: confirmed before it is taken


def read_when(ctx: Ctx, text: str) -> When:
    """Read `7/4/2025 09.00-11.00` and judge its lead time; `problem` says what is wrong."""
    today = to_wib(ctx.now).date()
    if problem := vague_problem(ctx.t, text):
        return When(problem=problem)
    parsed = parse_when(text, today)
    if parsed is None or parsed.start is None:
        return When(problem=ctx.t("event_team.when_bad"))
    if wib_to_utc(parsed.day, parsed.start) <= ctx.now:
        return When(problem=ctx.t("event_team.when_past"))
    verdict = lead_time(ctx.calendar, today, parsed.day, ctx.settings.event_late_policy)
    earliest = format_date(verdict.earliest, ctx.lang)
    if verdict.refused:
        return When(problem=ctx.t("event_team.too_late", days=verdict.days, earliest=earliest))
    note = ""
    if verdict.late:
        note = ctx.t("event_team.late_flagged", days=verdict.days, earliest=earliest)
    elif verdict.short:
        note = ctx.t("event_team.lead_short", days=verdict.days)
    return When(parsed.day, parsed.start, parsed.end, note=note, odd=odd_hour(parsed))


def read_end(ctx: Ctx, text: str, start: time) -> time | str:
    """The end time typed (`11.00`, `jam 11`, `11`), or the problem with it."""
    times = parse_times(text)
    if not times and text.strip().isdigit() and int(text.strip()) <= 23:
        times = [time(int(text.strip()))]
    if not times:
        return ctx.t("event_team.end_bad")
    if times[0] <= start:
        return ctx.t("event_team.end_before_start", start=f"{start:%H.%M}")
    return times[0]


# -- rating questions --------------------------------------------------------------------


def rating_question(ctx: Ctx, state: str, index: int, total: int, label: str) -> Choices:
    """A 1-5 rating whose buttons name the question, so a stale press can't rate another."""
    text = ctx.t("event_team.rate_prompt", n=index + 1, total=total, aspect=label)
    plain = rating_choices(text, state)
    return ask(text, state, [(f"{index}.{n}", o.label) for n, o in enumerate(plain.options, 1)])


def read_rating(given: UserInput, index: int) -> int | None:
    """The rating pressed for question `index`, or None for another question's button."""
    at, _, value = (given.choice or "").partition(".")
    if at != str(index) or value not in {"1", "2", "3", "4", "5"}:
        return None
    return int(value)
