"""Pegasus roster conversations (SOP-330 step 1): the pool, the roster, absences, swaps.

- `/petugas` (PJ): who is in the rotation: a whole community at once, or one person.
- `/susunjadwal` (PJ): start week, number of weeks, posting weekday, people per week, then a
  preview (text and image) to publish.
- `/cuti`: dates someone is away, so the roster skips them (PJ: for anyone).
- `/tukar`: the person on duty hands their turn to a colleague, or offers it to the pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.calendar import DAYS_EN, HARI, WorkCalendar, format_date, to_wib
from bot.dateparse import parse_date
from bot.flows.base import (
    Ctx,
    Flow,
    FlowData,
    PersonView,
    State,
    Step,
    UserInput,
    ask,
    finish,
    goto,
    person_matches,
    picked_person,
    retry,
)
from bot.flows.withdraw import withdraw_flow
from bot.messages import Reply, Text

MAX_WEEKS = 53
MAX_PER_WEEK = 5
PREVIEW_LINES = 13  # a quarter; the image shows the rest


class PreviewWeek(Protocol):
    """One week of a proposed roster."""

    week: int
    posting_day: date
    moved: bool
    names: tuple[str, ...]


class RosterPreview(Protocol):
    """A proposed roster and what stands in its way."""

    weeks: Sequence[PreviewWeek]
    short_weeks: Sequence[int]
    overlap_until: date | None
    pool_size: int
    first_day_passed: bool


class RosterLookup(Protocol):
    """What the roster conversations read."""

    def communities(self) -> list[tuple[str, int]]: ...
    def pool_size(self) -> int: ...
    def pool_lines(self) -> list[str]: ...
    def search_people(self, fragment: str) -> list[PersonView]: ...
    def search_pool(self, fragment: str) -> list[PersonView]: ...
    def next_free_monday(self, today: date) -> date: ...
    def preview(
        self,
        start: date,
        weeks: int,
        weekday: int,
        per_week: int,
        calendar: WorkCalendar,
        now_day: date,
    ) -> RosterPreview: ...
    def swap_candidates(self, duty_id: int, fragment: str) -> list[PersonView]: ...


def _today(ctx: Ctx) -> date:
    return to_wib(ctx.now).date()


def _yes_no(ctx: Ctx, text: str, state: str) -> list[Reply]:
    options: list[tuple[object, str]] = [
        ("yes", ctx.t("core.confirm")),
        ("no", ctx.t("core.cancel_button")),
    ]
    return [ask(text, state, options)]


def _number(given: UserInput, low: int, high: int) -> int | None:
    """A number from a button or typed ("6" or "6 minggu"), within [low, high]."""
    words = (given.choice or given.text or "").split()
    if words and words[0].isdigit() and low <= int(words[0]) <= high:
        return int(words[0])
    return None


# -- the pool: /petugas -------------------------------------------------------------------


class PoolState(StrEnum):
    """Questions of the pool flow."""

    ACTION = "action"
    COMMUNITY = "community"
    PERSON = "person"
    PICK = "pick"


class PoolData(FlowData):
    """What the PJ is doing to the pool."""

    mode: str = ""  # add | remove
    communities: list[str] = []
    matches: list[tuple[int, str]] = []


@dataclass(frozen=True)
class AddCommunity:
    """Domain command: put every active employee of a community in the pool."""

    community: str


@dataclass(frozen=True)
class AddToPool:
    """Domain command: put one employee in the pool."""

    employee_id: int


@dataclass(frozen=True)
class RemoveFromPool:
    """Domain command: take one employee out of the pool (their published turns stay)."""

    employee_id: int


def _pool_prompt(ctx: Ctx, _d: PoolData) -> list[Reply]:
    lookup: RosterLookup = ctx.lookup
    options: list[tuple[object, str]] = [
        ("community", ctx.t("pegasus.pool_by_community")),
        ("add", ctx.t("pegasus.pool_add")),
        ("remove", ctx.t("pegasus.pool_remove")),
        ("list", ctx.t("pegasus.pool_list")),
    ]
    return [ask(ctx.t("pegasus.pool_prompt", count=lookup.pool_size()), PoolState.ACTION, options)]


def _pool_action(ctx: Ctx, d: PoolData, given: UserInput) -> Step:
    lookup: RosterLookup = ctx.lookup
    if given.choice == "community":
        names = [name for name, _ in lookup.communities()]
        if not names:
            return retry(ctx.t("pegasus.pool_no_community"))
        return goto(PoolState.COMMUNITY, d.model_copy(update={"communities": names}))
    if given.choice in ("add", "remove"):
        return goto(PoolState.PERSON, d.model_copy(update={"mode": given.choice}))
    if given.choice == "list":
        lines = lookup.pool_lines()
        if not lines:
            return finish(Text(ctx.t("pegasus.pool_empty")))
        return finish(
            Text(ctx.t("pegasus.pool_listing", count=len(lines), lines="\n".join(lines)))
        )
    return retry(ctx.t("core.choose_from_buttons"))


def _community_prompt(ctx: Ctx, d: PoolData) -> list[Reply]:
    lookup: RosterLookup = ctx.lookup
    counts = dict(lookup.communities())
    options: list[tuple[object, str]] = [
        (index, f"{name} ({counts.get(name, 0)})") for index, name in enumerate(d.communities)
    ]
    return [ask(ctx.t("pegasus.pool_community_prompt"), PoolState.COMMUNITY, options)]


def _community(ctx: Ctx, d: PoolData, given: UserInput) -> Step:
    index = _number(given, 0, len(d.communities) - 1) if given.choice else None
    if index is None:
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(AddCommunity(d.communities[index]),))


def _person_prompt(ctx: Ctx, _d: FlowData) -> list[Reply]:
    return [Text(ctx.t("pegasus.person_prompt"))]


def _matches(ctx: Ctx, given: UserInput, pool_only: bool) -> list[tuple[int, str]] | Step:
    """The colleagues a typed name finds (as choices), or a retry saying none matched."""
    query = " ".join((given.text or "").split())
    lookup: RosterLookup = ctx.lookup
    found = (
        (lookup.search_pool(query) if pool_only else lookup.search_people(query)) if query else []
    )
    if not found:
        return retry(ctx.t("pegasus.person_none", query=query[:50]))
    return person_matches(found)


def _person(ctx: Ctx, d: PoolData, given: UserInput) -> Step:
    matches = _matches(ctx, given, pool_only=d.mode == "remove")
    if isinstance(matches, Step):
        return matches
    return goto(PoolState.PICK, d.model_copy(update={"matches": matches}))


def _pick_prompt(ctx: Ctx, d: PoolData) -> list[Reply]:
    return [ask(ctx.t("pegasus.person_pick"), PoolState.PICK, list(d.matches))]


def _pick(ctx: Ctx, d: PoolData, given: UserInput) -> Step:
    chosen = picked_person(d.matches, given)
    if chosen is None:
        return retry(ctx.t("core.choose_from_buttons"))
    command = RemoveFromPool(chosen[0]) if d.mode == "remove" else AddToPool(chosen[0])
    return finish(commands=(command,))


POOL_FLOW = Flow(
    name="pegasus_petugas",
    data_model=PoolData,
    states={
        PoolState.ACTION: State(_pool_prompt, _pool_action),
        PoolState.COMMUNITY: State(_community_prompt, _community),
        PoolState.PERSON: State(_person_prompt, _person),
        PoolState.PICK: State(_pick_prompt, _pick),
    },
    start=PoolState.ACTION,
    roles=frozenset({"pj_pegasus"}),
)


# -- building a roster: /susunjadwal ------------------------------------------------------


class RosterState(StrEnum):
    """Questions of the roster flow."""

    START = "start"
    WEEKS = "weeks"
    WEEKDAY = "weekday"
    PER_WEEK = "per_week"
    PREVIEW = "preview"


class RosterData(FlowData):
    """The roster being planned."""

    started_at: datetime | None = None
    start: date | None = None
    weeks: int = 0
    weekday: int = 4
    per_week: int = 1


@dataclass(frozen=True)
class PreviewRoster:
    """Domain command: render the proposed roster as an image for the PJ to look at."""

    start: date
    weeks: int
    weekday: int
    per_week: int


@dataclass(frozen=True)
class PublishRoster:
    """Domain command: build the roster again from the database and publish it."""

    start: date
    weeks: int
    weekday: int
    per_week: int
    started_at: datetime


def _weekday_name(ctx: Ctx, weekday: int) -> str:
    return (DAYS_EN if ctx.lang == "en" else HARI)[weekday]


def _start_prompt(ctx: Ctx, _d: RosterData) -> list[Reply]:
    lookup: RosterLookup = ctx.lookup
    suggestion = lookup.next_free_monday(_today(ctx))
    options: list[tuple[object, str]] = [
        (suggestion.isoformat(), format_date(suggestion, ctx.lang))
    ]
    return [ask(ctx.t("pegasus.roster_start_prompt"), RosterState.START, options)]


def _start(ctx: Ctx, d: RosterData, given: UserInput) -> Step:
    day: date | None = None
    if given.choice:
        try:
            day = date.fromisoformat(given.choice)
        except ValueError:
            day = None
    else:
        day = parse_date(given.text or "", _today(ctx))
    if day is None:
        return retry(ctx.t("pegasus.date_bad"))
    monday = day - timedelta(days=day.weekday())
    this_monday = _today(ctx) - timedelta(days=_today(ctx).weekday())
    if monday < this_monday:
        return retry(ctx.t("pegasus.roster_start_past"))
    return goto(
        RosterState.WEEKS,
        d.model_copy(update={"start": monday, "started_at": d.started_at or ctx.now}),
    )


def _weeks_prompt(ctx: Ctx, _d: RosterData) -> list[Reply]:
    # No small numbers as buttons: a typed "4" would pick the fourth button, not four weeks.
    options: list[tuple[object, str]] = [
        (13, ctx.t("pegasus.weeks_quarter")),
        (26, ctx.t("pegasus.weeks_half")),
        (52, ctx.t("pegasus.weeks_year")),
    ]
    return [ask(ctx.t("pegasus.roster_weeks_prompt", max=MAX_WEEKS), RosterState.WEEKS, options)]


def _weeks(ctx: Ctx, d: RosterData, given: UserInput) -> Step:
    weeks = _number(given, 1, MAX_WEEKS)
    if weeks is None:
        return retry(ctx.t("pegasus.roster_weeks_bad", max=MAX_WEEKS))
    return goto(RosterState.WEEKDAY, d.model_copy(update={"weeks": weeks}))


def _weekday_prompt(ctx: Ctx, _d: RosterData) -> list[Reply]:
    options: list[tuple[object, str]] = [(i, _weekday_name(ctx, i)) for i in range(5)]
    return [ask(ctx.t("pegasus.roster_weekday_prompt"), RosterState.WEEKDAY, options)]


def _weekday(ctx: Ctx, d: RosterData, given: UserInput) -> Step:
    if given.choice is None or _number(given, 0, 4) is None:
        return retry(ctx.t("core.choose_from_buttons"))
    return goto(RosterState.PER_WEEK, d.model_copy(update={"weekday": int(given.choice)}))


def _per_week_prompt(ctx: Ctx, _d: RosterData) -> list[Reply]:
    options: list[tuple[object, str]] = [(n, str(n)) for n in (1, 2, 3)]
    return [
        ask(
            ctx.t("pegasus.roster_per_week_prompt", max=MAX_PER_WEEK),
            RosterState.PER_WEEK,
            options,
        )
    ]


def _per_week(ctx: Ctx, d: RosterData, given: UserInput) -> Step:
    per_week = _number(given, 1, MAX_PER_WEEK)
    if per_week is None or d.start is None:
        return retry(ctx.t("pegasus.roster_per_week_bad", max=MAX_PER_WEEK))
    data = d.model_copy(update={"per_week": per_week})
    preview = PreviewRoster(d.start, d.weeks, d.weekday, per_week)
    return goto(RosterState.PREVIEW, data, commands=(preview,))


def _preview_prompt(ctx: Ctx, d: RosterData) -> list[Reply]:
    assert d.start is not None
    lookup: RosterLookup = ctx.lookup
    plan = lookup.preview(d.start, d.weeks, d.weekday, d.per_week, ctx.calendar, _today(ctx))
    head = ctx.t(
        "pegasus.roster_preview_head",
        weeks=d.weeks,
        start=format_date(d.start, ctx.lang),
        weekday=_weekday_name(ctx, d.weekday),
        per_week=d.per_week,
        pool=plan.pool_size,
    )
    lines = []
    for week in plan.weeks[:PREVIEW_LINES]:
        moved = " " + ctx.t("pegasus.moved_mark") if week.moved else ""
        names = ", ".join(week.names) or ctx.t("pegasus.nobody")
        lines.append(f"{week.week}. {format_date(week.posting_day, ctx.lang)}{moved}: {names}")
    if len(plan.weeks) > PREVIEW_LINES:
        lines.append(ctx.t("pegasus.roster_preview_more", n=len(plan.weeks) - PREVIEW_LINES))
    notes = []
    if any(w.moved for w in plan.weeks):
        notes.append(ctx.t("pegasus.moved_note"))
    if plan.short_weeks:
        weeks_text = ", ".join(str(w) for w in plan.short_weeks)
        notes.append(ctx.t("pegasus.roster_short", weeks=weeks_text))
    options: list[tuple[object, str]] = [("no", ctx.t("core.cancel_button"))]
    if plan.pool_size == 0:
        notes.append(ctx.t("pegasus.pool_empty"))
    elif plan.overlap_until is not None:
        until = format_date(plan.overlap_until, ctx.lang)
        notes.append(ctx.t("pegasus.roster_overlap", until=until))
    elif plan.first_day_passed:
        notes.append(ctx.t("pegasus.roster_start_past"))
    else:
        options.insert(0, ("yes", ctx.t("pegasus.roster_publish")))
    text = "\n".join([head, "", *lines, *([""] if notes else []), *notes])
    return [ask(text, RosterState.PREVIEW, options)]


def _preview(ctx: Ctx, d: RosterData, given: UserInput) -> Step:
    if given.choice == "no":
        return finish(Text(ctx.t("core.cancelled")))
    if given.choice != "yes" or d.start is None:
        return retry(ctx.t("core.choose_from_buttons"))
    publish = PublishRoster(d.start, d.weeks, d.weekday, d.per_week, d.started_at or ctx.now)
    return finish(commands=(publish,))


ROSTER_FLOW = Flow(
    name="pegasus_susun",
    data_model=RosterData,
    states={
        RosterState.START: State(_start_prompt, _start),
        RosterState.WEEKS: State(_weeks_prompt, _weeks),
        RosterState.WEEKDAY: State(_weekday_prompt, _weekday),
        RosterState.PER_WEEK: State(_per_week_prompt, _per_week),
        RosterState.PREVIEW: State(_preview_prompt, _preview),
    },
    start=RosterState.START,
    roles=frozenset({"pj_pegasus"}),
)


# -- absences: /cuti ----------------------------------------------------------------------


class AbsenceState(StrEnum):
    """Questions of the absence flows."""

    WHO = "who"
    PERSON = "person"
    PICK = "pick"
    START = "start"
    END = "end"
    CONFIRM = "confirm"


class AbsenceData(FlowData):
    """Whose absence, from when to when."""

    employee_id: int | None = None
    employee_name: str = ""
    matches: list[tuple[int, str]] = []
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class RecordAbsence:
    """Domain command: the employee is away from `start` to `end` (inclusive)."""

    employee_id: int
    start: date
    end: date


def _who_prompt(ctx: Ctx, _d: AbsenceData) -> list[Reply]:
    options: list[tuple[object, str]] = [
        ("self", ctx.t("pegasus.absence_self")),
        ("other", ctx.t("pegasus.absence_other")),
    ]
    return [ask(ctx.t("pegasus.absence_who"), AbsenceState.WHO, options)]


def _who(ctx: Ctx, d: AbsenceData, given: UserInput) -> Step:
    if given.choice == "self":
        me = {"employee_id": ctx.actor.id, "employee_name": ctx.actor.name}
        return goto(AbsenceState.START, d.model_copy(update=me))
    if given.choice == "other":
        return goto(AbsenceState.PERSON, d)
    return retry(ctx.t("core.choose_from_buttons"))


def _absence_person(ctx: Ctx, d: AbsenceData, given: UserInput) -> Step:
    matches = _matches(ctx, given, pool_only=False)
    if isinstance(matches, Step):
        return matches
    return goto(AbsenceState.PICK, d.model_copy(update={"matches": matches}))


def _absence_pick_prompt(ctx: Ctx, d: AbsenceData) -> list[Reply]:
    return [ask(ctx.t("pegasus.person_pick"), AbsenceState.PICK, list(d.matches))]


def _absence_pick(ctx: Ctx, d: AbsenceData, given: UserInput) -> Step:
    chosen = picked_person(d.matches, given)
    if chosen is None:
        return retry(ctx.t("core.choose_from_buttons"))
    update = {"employee_id": chosen[0], "employee_name": chosen[1]}
    return goto(AbsenceState.START, d.model_copy(update=update))


def _absence_start_prompt(ctx: Ctx, d: AbsenceData) -> list[Reply]:
    return [Text(ctx.t("pegasus.absence_start_prompt", name=d.employee_name))]


def _absence_start(ctx: Ctx, d: AbsenceData, given: UserInput) -> Step:
    day = parse_date(given.text or "", _today(ctx))
    if day is None:
        return retry(ctx.t("pegasus.date_bad"))
    if day < _today(ctx):
        return retry(ctx.t("pegasus.absence_past"))
    return goto(AbsenceState.END, d.model_copy(update={"start": day}))


def _absence_end_prompt(ctx: Ctx, d: AbsenceData) -> list[Reply]:
    assert d.start is not None
    options: list[tuple[object, str]] = [
        (
            d.start.isoformat(),
            ctx.t("pegasus.absence_one_day", date=format_date(d.start, ctx.lang)),
        )
    ]
    return [ask(ctx.t("pegasus.absence_end_prompt"), AbsenceState.END, options)]


def _absence_end(ctx: Ctx, d: AbsenceData, given: UserInput) -> Step:
    assert d.start is not None
    day: date | None
    if given.choice:
        day = d.start if given.choice == d.start.isoformat() else None
    else:
        day = parse_date(given.text or "", d.start)
    if day is None:
        return retry(ctx.t("pegasus.date_bad"))
    if day < d.start:
        return retry(ctx.t("pegasus.absence_end_before"))
    if (day - d.start).days > 366:
        return retry(ctx.t("pegasus.absence_too_long"))
    return goto(AbsenceState.CONFIRM, d.model_copy(update={"end": day}))


def _absence_confirm_prompt(ctx: Ctx, d: AbsenceData) -> list[Reply]:
    assert d.start is not None
    assert d.end is not None
    text = ctx.t(
        "pegasus.absence_confirm",
        name=d.employee_name,
        start=format_date(d.start, ctx.lang),
        end=format_date(d.end, ctx.lang),
    )
    return _yes_no(ctx, text, AbsenceState.CONFIRM)


def _absence_confirm(ctx: Ctx, d: AbsenceData, given: UserInput) -> Step:
    if given.choice == "no":
        return finish(Text(ctx.t("core.cancelled")))
    if given.choice != "yes" or d.employee_id is None or d.start is None or d.end is None:
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(RecordAbsence(d.employee_id, d.start, d.end),))


_ABSENCE_DATES: dict[str, State[AbsenceData]] = {
    AbsenceState.START: State(_absence_start_prompt, _absence_start),
    AbsenceState.END: State(_absence_end_prompt, _absence_end),
    AbsenceState.CONFIRM: State(_absence_confirm_prompt, _absence_confirm),
}

ABSENCE_FLOW = Flow(
    name="pegasus_cuti",
    data_model=AbsenceData,
    states=_ABSENCE_DATES,
    start=AbsenceState.START,
)
"""An employee's own absence: started with the employee filled in."""

ABSENCE_PJ_FLOW = Flow(
    name="pegasus_cuti_pj",
    data_model=AbsenceData,
    states={
        AbsenceState.WHO: State(_who_prompt, _who),
        AbsenceState.PERSON: State(_person_prompt, _absence_person),
        AbsenceState.PICK: State(_absence_pick_prompt, _absence_pick),
        **_ABSENCE_DATES,
    },
    start=AbsenceState.WHO,
    roles=frozenset({"pj_pegasus"}),
)
"""The PJ records anyone's absence (their own or a colleague's)."""


# -- swapping a turn: /tukar --------------------------------------------------------------


class SwapState(StrEnum):
    """Questions of the swap flow."""

    MODE = "mode"
    PICK = "pick"
    CONFIRM = "confirm"


class SwapData(FlowData):
    """The turn being handed over, and to whom."""

    duty_id: int
    duty_date: date
    offer_all: bool = False
    to_id: int | None = None
    to_name: str = ""
    matches: list[tuple[int, str]] = []


@dataclass(frozen=True)
class RequestSwap:
    """Domain command: ask a colleague (or, with None, the whole pool) to take a turn."""

    duty_id: int
    to_employee_id: int | None


def _mode_prompt(ctx: Ctx, d: SwapData) -> list[Reply]:
    options: list[tuple[object, str]] = [
        ("pick", ctx.t("pegasus.swap_pick_colleague")),
        ("all", ctx.t("pegasus.swap_offer_all")),
    ]
    text = ctx.t("pegasus.swap_mode_prompt", date=format_date(d.duty_date, ctx.lang))
    return [ask(text, SwapState.MODE, options)]


def _candidates(ctx: Ctx, d: SwapData, fragment: str) -> list[tuple[int, str]]:
    lookup: RosterLookup = ctx.lookup
    return person_matches(lookup.swap_candidates(d.duty_id, fragment))


def _mode(ctx: Ctx, d: SwapData, given: UserInput) -> Step:
    if given.choice == "all":
        return goto(SwapState.CONFIRM, d.model_copy(update={"offer_all": True, "to_id": None}))
    if given.choice != "pick":
        return retry(ctx.t("core.choose_from_buttons"))
    matches = _candidates(ctx, d, "")
    if not matches:
        return retry(ctx.t("pegasus.swap_no_candidates"))
    return goto(SwapState.PICK, d.model_copy(update={"offer_all": False, "matches": matches}))


def _swap_pick_prompt(ctx: Ctx, d: SwapData) -> list[Reply]:
    return [ask(ctx.t("pegasus.swap_pick_prompt"), SwapState.PICK, list(d.matches))]


def _swap_pick(ctx: Ctx, d: SwapData, given: UserInput) -> Step:
    if given.choice is None:
        query = " ".join((given.text or "").split())
        matches = _candidates(ctx, d, query) if query else []
        if not matches:
            return retry(ctx.t("pegasus.swap_none_match", query=query[:50]))
        return goto(SwapState.PICK, d.model_copy(update={"matches": matches}))
    chosen = picked_person(d.matches, given)
    if chosen is None:
        return retry(ctx.t("core.choose_from_buttons"))
    update = {"to_id": chosen[0], "to_name": chosen[1]}
    return goto(SwapState.CONFIRM, d.model_copy(update=update))


def _swap_confirm_prompt(ctx: Ctx, d: SwapData) -> list[Reply]:
    day = format_date(d.duty_date, ctx.lang)
    if d.offer_all:
        text = ctx.t("pegasus.swap_confirm_all", date=day)
    else:
        text = ctx.t("pegasus.swap_confirm_one", date=day, name=d.to_name)
    return _yes_no(ctx, text, SwapState.CONFIRM)


def _swap_confirm(ctx: Ctx, d: SwapData, given: UserInput) -> Step:
    if given.choice == "no":
        return finish(Text(ctx.t("core.cancelled")))
    if given.choice != "yes" or (not d.offer_all and d.to_id is None):
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(RequestSwap(d.duty_id, None if d.offer_all else d.to_id),))


SWAP_FLOW = Flow(
    name="pegasus_tukar",
    data_model=SwapData,
    states={
        SwapState.MODE: State(_mode_prompt, _mode),
        SwapState.PICK: State(_swap_pick_prompt, _swap_pick),
        SwapState.CONFIRM: State(_swap_confirm_prompt, _swap_confirm),
    },
    start=SwapState.MODE,
)


# -- /batalcuti: taking an absence back ----------------------------------------------------


@dataclass(frozen=True)
class CancelAbsences:
    """Domain command: these recorded absences no longer hold (the person is in after all)."""

    absence_ids: tuple[int, ...]


CANCEL_ABSENCE_FLOW = withdraw_flow(
    "pegasus_batalcuti",
    question="pegasus.absence_cancel_pick",
    confirm="pegasus.absence_cancel_confirm",
    command=lambda values: CancelAbsences(tuple(int(v) for v in values)),
)
"""Someone's own absences (the PJ's list holds everyone's), as the command lists them."""
