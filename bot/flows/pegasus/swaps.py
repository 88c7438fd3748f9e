"""`/tukar` (SOP-330 step 1): the person on duty hands their turn to a colleague, or offers it to
the pool."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.calendar import format_date
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
    person_matches,
    picked_person,
    retry,
)
from bot.flows.pegasus.common import RosterLookup
from bot.messages import Reply


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
    return [confirm_question(ctx, text, SwapState.CONFIRM)]


def _swap_confirm(ctx: Ctx, d: SwapData, given: UserInput) -> Step:
    ready = d.offer_all or d.to_id is not None
    command = RequestSwap(d.duty_id, None if d.offer_all else d.to_id) if ready else None
    return confirm_answer(ctx, given, command)


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
