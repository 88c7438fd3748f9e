"""`/susunjadwal` (PJ, SOP-330 step 1): start week, number of weeks, posting weekday, people per
week, then a preview (text and image) to publish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.calendar import DAYS_EN, HARI, format_date
from bot.dateparse import parse_date, vague
from bot.flows.base import Ctx, Flow, FlowData, State, Step, UserInput, ask, finish, goto, retry
from bot.flows.pegasus.common import RosterLookup, number, today
from bot.flows.pegasus.rules import MAX_PER_WEEK, MAX_WEEKS, PJ
from bot.flows.typed import vague_problem
from bot.messages import Reply, Text

PREVIEW_LINES = 13  # a quarter; the image shows the rest


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
    suggestion = lookup.next_free_monday(today(ctx))
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
        day = parse_date(given.text or "", today(ctx))
        if day is None and vague(given.text or "") == "week":
            day = today(ctx) + timedelta(days=7)  # a roster starts on a week: next week's
    if day is None:
        return retry(vague_problem(ctx.t, given.text) or ctx.t("pegasus.date_bad"))
    monday = day - timedelta(days=day.weekday())
    this_monday = today(ctx) - timedelta(days=today(ctx).weekday())
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
    weeks = number(given, 1, MAX_WEEKS)
    if weeks is None:
        return retry(ctx.t("pegasus.roster_weeks_bad", max=MAX_WEEKS))
    return goto(RosterState.WEEKDAY, d.model_copy(update={"weeks": weeks}))


def _weekday_prompt(ctx: Ctx, _d: RosterData) -> list[Reply]:
    options: list[tuple[object, str]] = [(i, _weekday_name(ctx, i)) for i in range(5)]
    return [ask(ctx.t("pegasus.roster_weekday_prompt"), RosterState.WEEKDAY, options)]


def _weekday(ctx: Ctx, d: RosterData, given: UserInput) -> Step:
    if given.choice is None or number(given, 0, 4) is None:
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
    per_week = number(given, 1, MAX_PER_WEEK)
    if per_week is None or d.start is None:
        return retry(ctx.t("pegasus.roster_per_week_bad", max=MAX_PER_WEEK))
    data = d.model_copy(update={"per_week": per_week})
    preview = PreviewRoster(d.start, d.weeks, d.weekday, per_week)
    return goto(RosterState.PREVIEW, data, commands=(preview,))


def _preview_prompt(ctx: Ctx, d: RosterData) -> list[Reply]:
    assert d.start is not None
    lookup: RosterLookup = ctx.lookup
    plan = lookup.preview(d.start, d.weeks, d.weekday, d.per_week, ctx.calendar, today(ctx))
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
    roles=PJ,
)
