"""`/cuti` and `/batalcuti` (SOP-330 step 1): dates someone is away, so the roster skips them
(the PJ: for anyone), and taking such dates back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.calendar import format_date
from bot.dateparse import parse_date
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
    goto,
    picked_person,
    retry,
)
from bot.flows.pegasus.common import matches_of, person_prompt, today
from bot.flows.pegasus.rules import PJ
from bot.flows.typed import vague_problem
from bot.flows.withdraw import withdraw_flow
from bot.messages import Reply, Text

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
    matches = matches_of(ctx, given, pool_only=False)
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
    day = parse_date(given.text or "", today(ctx))
    if day is None:
        return retry(vague_problem(ctx.t, given.text) or ctx.t("pegasus.date_bad"))
    if day < today(ctx):
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
        return retry(vague_problem(ctx.t, given.text) or ctx.t("pegasus.date_bad"))
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
    return [confirm_question(ctx, text, AbsenceState.CONFIRM)]


def _absence_confirm(ctx: Ctx, d: AbsenceData, given: UserInput) -> Step:
    command = None
    if d.employee_id is not None and d.start is not None and d.end is not None:
        command = RecordAbsence(d.employee_id, d.start, d.end)
    return confirm_answer(ctx, given, command)


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
        AbsenceState.PERSON: State(person_prompt, _absence_person),
        AbsenceState.PICK: State(_absence_pick_prompt, _absence_pick),
        **_ABSENCE_DATES,
    },
    start=AbsenceState.WHO,
    roles=PJ,
)
"""The PJ records anyone's absence (their own or a colleague's)."""


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
