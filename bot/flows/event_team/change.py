"""SOP-321, the SM's side: rescheduling and cancelling a request (from `/permintaan`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from bot.calendar import wib_to_utc
from bot.flows.base import (
    Ctx,
    Flow,
    FlowData,
    State,
    Step,
    UserInput,
    ask,
    confirm_options,
    finish,
    goto,
    retry,
)
from bot.flows.event_team.questions import fixed_time, read_end, read_when, when_text
from bot.flows.typed import line, odd_hour_answer, odd_hour_question, odd_time
from bot.messages import Reply, Text


class ChangeState(StrEnum):
    """Questions of the reschedule and cancel flows."""

    WHEN = "when"
    WHEN_CHECK = "when_check"
    END = "end"
    REASON = "reason"
    CONFIRM = "confirm"


class ChangeData(FlowData):
    """Which request, and the new time or the reason."""

    request_id: int = 0
    title: str = ""
    day: date | None = None
    start: time | None = None
    end: time | None = None
    reason: str = ""


@dataclass(frozen=True)
class Reschedule:
    """Domain command: move the event; members, lead and reminders follow."""

    request_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class CancelOwnRequest:
    """Domain command: the SM cancels their request."""

    request_id: int
    reason: str


def _new_when_prompt(ctx: Ctx, d: ChangeData) -> list[Reply]:
    return [Text(ctx.t("event_team.reschedule_prompt", title=d.title))]


def _new_when(ctx: Ctx, d: ChangeData, given: UserInput) -> Step:
    when = read_when(ctx, given.text or "")
    if when.problem:
        return retry(when.problem)
    data = d.model_copy(update={"day": when.day, "start": when.start, "end": when.end})
    replies = (Text(when.note),) if when.note else ()
    if when.odd is not None:
        return goto(ChangeState.WHEN_CHECK, data, *replies)
    return _after_when(data, *replies)


def _after_when(d: ChangeData, *replies: Reply) -> Step:
    return goto(ChangeState.END if d.end is None else ChangeState.CONFIRM, d, *replies)


def _when_check_prompt(ctx: Ctx, d: ChangeData) -> list[Reply]:
    return [odd_hour_question(ctx.t, ChangeState.WHEN_CHECK, d.start, d.end)]


def _when_check(ctx: Ctx, d: ChangeData, given: UserInput) -> Step:
    again = goto(ChangeState.WHEN, d.model_copy(update={"start": None, "end": None}))
    return odd_hour_answer(ctx.t, given, _after_when(d), again)


def _new_end_prompt(ctx: Ctx, d: ChangeData) -> list[Reply]:
    assert d.start is not None
    return [Text(ctx.t("event_team.end_prompt", start=f"{d.start:%H.%M}"))]


def _new_end(ctx: Ctx, d: ChangeData, given: UserInput) -> Step:
    assert d.start is not None
    end = read_end(ctx, given.text or "", d.start)
    if isinstance(end, str):
        return retry(end)
    data = d.model_copy(update={"end": end})
    return goto(ChangeState.WHEN_CHECK if odd_time(end) else ChangeState.CONFIRM, data)


def _reschedule_confirm_prompt(ctx: Ctx, d: ChangeData) -> list[Reply]:
    text = ctx.t(
        "event_team.reschedule_confirm",
        title=d.title,
        when=when_text(ctx, *fixed_time(d.day, d.start, d.end)),
    )
    return [ask(text, ChangeState.CONFIRM, confirm_options(ctx))]


def _reschedule_confirm(ctx: Ctx, d: ChangeData, given: UserInput) -> Step:
    if given.choice == "no":
        return finish(Text(ctx.t("core.cancelled")))
    if given.choice != "yes":
        return retry(ctx.t("core.choose_from_buttons"))
    day, start, end = fixed_time(d.day, d.start, d.end)
    starts_at, ends_at = wib_to_utc(day, start), wib_to_utc(day, end)
    return finish(commands=(Reschedule(d.request_id, starts_at, ends_at),))


RESCHEDULE_FLOW = Flow(
    name="et_jadwal",
    data_model=ChangeData,
    states={
        ChangeState.WHEN: State(_new_when_prompt, _new_when),
        ChangeState.WHEN_CHECK: State(_when_check_prompt, _when_check, back=False),
        ChangeState.END: State(_new_end_prompt, _new_end),
        ChangeState.CONFIRM: State(_reschedule_confirm_prompt, _reschedule_confirm),
    },
    start=ChangeState.WHEN,
)


def _reason_prompt(ctx: Ctx, d: ChangeData) -> list[Reply]:
    return [Text(ctx.t("event_team.cancel_reason_prompt", title=d.title))]


def _reason(ctx: Ctx, d: ChangeData, given: UserInput) -> Step:
    reason = line(ctx.t, given.text, 3, 500)
    if reason.problem:
        return retry(reason.problem)
    return goto(ChangeState.CONFIRM, d.model_copy(update={"reason": reason.value}))


def _cancel_confirm_prompt(ctx: Ctx, d: ChangeData) -> list[Reply]:
    text = ctx.t("event_team.cancel_confirm", title=d.title, reason=d.reason)
    options = confirm_options(ctx, "event_team.cancel_yes", "core.no")
    return [ask(text, ChangeState.CONFIRM, options)]


def _cancel_confirm(ctx: Ctx, d: ChangeData, given: UserInput) -> Step:
    if given.choice == "no":
        return finish(Text(ctx.t("event_team.cancel_kept")))
    if given.choice != "yes":
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(CancelOwnRequest(d.request_id, d.reason),))


CANCEL_FLOW = Flow(
    name="et_batal",
    data_model=ChangeData,
    states={
        ChangeState.REASON: State(_reason_prompt, _reason),
        ChangeState.CONFIRM: State(_cancel_confirm_prompt, _cancel_confirm),
    },
    start=ChangeState.REASON,
)
