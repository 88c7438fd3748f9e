"""CAN sets each Serawai session's date, host and place (step 5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.calendar import format_datetime, to_wib, wib_to_utc
from bot.dateparse import parse_when
from bot.flows.base import (
    Ctx,
    Flow,
    FlowData,
    State,
    Step,
    UserInput,
    ask,
    confirm_answer,
    confirm_question,
    finish,
    goto,
    retry,
)
from bot.flows.serawai.common import SerawaiCanLookup, chosen_id
from bot.flows.serawai.rules import CAN_ROLES, SESSION_HOURS
from bot.flows.typed import (
    line,
    odd_hour,
    odd_hour_answer,
    odd_hour_question,
    vague_problem,
)
from bot.messages import Reply, Text

# -- setting the schedule (step 5) ----------------------------------------------------------


class ScheduleState(StrEnum):
    """Questions of the schedule flow."""

    SESSION = "session"
    WHEN = "when"
    WHEN_CHECK = "when_check"
    HOST = "host"
    PLACE = "place"
    CONFIRM = "confirm"


class ScheduleData(FlowData):
    """The session being scheduled."""

    session_id: int | None = None
    title: str = ""
    proposing_office_id: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    host_office_id: int | None = None
    host_office_name: str = ""
    place: str = ""


@dataclass(frozen=True)
class SetSchedule:
    """Domain command: a session's date, host office and place."""

    session_id: int
    starts_at: datetime
    ends_at: datetime
    host_office_id: int
    place: str


def _schedule_session_prompt(ctx: Ctx, _d: ScheduleData) -> list[Reply]:
    lookup: SerawaiCanLookup = ctx.lookup
    sessions = lookup.sessions_to_schedule()
    if not sessions:
        return [Text(ctx.t("serawai.schedule_none"))]
    options: list[tuple[object, str]] = [
        (s.id, s.title + (" ✅" if s.starts_at else "")) for s in sessions
    ]
    return [ask(ctx.t("serawai.schedule_session_prompt"), ScheduleState.SESSION, options)]


def _schedule_session(ctx: Ctx, d: ScheduleData, given: UserInput) -> Step:
    lookup: SerawaiCanLookup = ctx.lookup
    sessions = {s.id: s for s in lookup.sessions_to_schedule()}
    picked = chosen_id(given, list(sessions))
    if picked is None:
        if not sessions:
            return finish(Text(ctx.t("serawai.schedule_none")))
        return retry(ctx.t("core.choose_from_buttons"))
    item = sessions[picked]
    update = {
        "session_id": item.id,
        "title": item.title,
        "proposing_office_id": item.proposing_office_id,
        "host_office_id": item.proposing_office_id,
        "host_office_name": item.proposing_office_name,
    }
    return goto(ScheduleState.WHEN, d.model_copy(update=update))


def _when_prompt(ctx: Ctx, d: ScheduleData) -> list[Reply]:
    return [Text(ctx.t("serawai.schedule_when_prompt", title=d.title, hours=SESSION_HOURS))]


def _when(ctx: Ctx, d: ScheduleData, given: UserInput) -> Step:
    today = to_wib(ctx.now).date()
    if problem := vague_problem(ctx.t, given.text):
        return retry(problem)
    parsed = parse_when(given.text or "", today)
    if parsed is None or parsed.start is None:
        return retry(ctx.t("serawai.schedule_when_bad"))
    if not ctx.calendar.is_working_day(parsed.day):
        return retry(ctx.t("serawai.schedule_not_working_day"))
    starts = wib_to_utc(parsed.day, parsed.start)
    if starts <= ctx.now:
        return retry(ctx.t("serawai.schedule_past"))
    ends = (
        wib_to_utc(parsed.day, parsed.end)
        if parsed.end
        else starts + timedelta(hours=SESSION_HOURS)
    )
    data = d.model_copy(update={"starts_at": starts, "ends_at": ends})
    if odd_hour(parsed) is not None:
        return goto(ScheduleState.WHEN_CHECK, data)
    return goto(ScheduleState.HOST, data)


def _when_check_prompt(ctx: Ctx, d: ScheduleData) -> list[Reply]:
    assert d.starts_at is not None
    assert d.ends_at is not None
    starts, ends = to_wib(d.starts_at).time(), to_wib(d.ends_at).time()
    return [odd_hour_question(ctx.t, ScheduleState.WHEN_CHECK, starts, ends)]


def _when_check(ctx: Ctx, d: ScheduleData, given: UserInput) -> Step:
    again = d.model_copy(update={"starts_at": None, "ends_at": None})
    return odd_hour_answer(
        ctx.t, given, goto(ScheduleState.HOST, d), goto(ScheduleState.WHEN, again)
    )


def _host_prompt(ctx: Ctx, d: ScheduleData) -> list[Reply]:
    lookup: SerawaiCanLookup = ctx.lookup
    offices = sorted(lookup.offices(), key=lambda o: o.id != d.proposing_office_id)
    options: list[tuple[object, str]] = [
        (
            o.id,
            ctx.t("serawai.host_proposer", name=o.name)
            if o.id == d.proposing_office_id
            else o.name,
        )
        for o in offices
    ]
    return [ask(ctx.t("serawai.schedule_host_prompt"), ScheduleState.HOST, options)]


def _host(ctx: Ctx, d: ScheduleData, given: UserInput) -> Step:
    lookup: SerawaiCanLookup = ctx.lookup
    offices = {o.id: o for o in lookup.offices()}
    picked = chosen_id(given, list(offices))
    if picked is None:
        return retry(ctx.t("core.choose_from_buttons"))
    update = {"host_office_id": picked, "host_office_name": offices[picked].name}
    return goto(ScheduleState.PLACE, d.model_copy(update=update))


def _place_prompt(ctx: Ctx, _d: ScheduleData) -> list[Reply]:
    return [Text(ctx.t("serawai.schedule_place_prompt"))]


def _place(ctx: Ctx, d: ScheduleData, given: UserInput) -> Step:
    place = line(ctx.t, given.text, 2, 300)
    if place.problem:
        return retry(place.problem)
    return goto(ScheduleState.CONFIRM, d.model_copy(update={"place": place.value}))


def _schedule_confirm_prompt(ctx: Ctx, d: ScheduleData) -> list[Reply]:
    assert d.starts_at is not None
    assert d.ends_at is not None
    text = ctx.t(
        "serawai.schedule_confirm",
        title=d.title,
        when=format_datetime(d.starts_at, ctx.lang),
        until=f"{to_wib(d.ends_at):%H.%M}",
        host=d.host_office_name,
        place=d.place,
    )
    return [confirm_question(ctx, text, ScheduleState.CONFIRM)]


def _schedule_confirm(ctx: Ctx, d: ScheduleData, given: UserInput) -> Step:
    command = None
    if d.session_id and d.starts_at and d.ends_at and d.host_office_id:
        command = SetSchedule(d.session_id, d.starts_at, d.ends_at, d.host_office_id, d.place)
    return confirm_answer(ctx, given, command)


SCHEDULE_FLOW = Flow(
    name="serawai_jadwal",
    data_model=ScheduleData,
    states={
        ScheduleState.SESSION: State(_schedule_session_prompt, _schedule_session),
        ScheduleState.WHEN: State(_when_prompt, _when),
        ScheduleState.WHEN_CHECK: State(_when_check_prompt, _when_check, back=False),
        ScheduleState.HOST: State(_host_prompt, _host),
        ScheduleState.PLACE: State(_place_prompt, _place),
        ScheduleState.CONFIRM: State(_schedule_confirm_prompt, _schedule_confirm),
    },
    start=ScheduleState.SESSION,
    roles=CAN_ROLES,
)
