"""Serawai results for CAN: breaking a tie (step 5) and the best of a period (step 11)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.calendar import to_wib
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
from bot.flows.serawai.common import BestLine, SerawaiCanLookup, chosen_id, one_line
from bot.flows.serawai.rules import CAN_ROLES, NOTE_MAX, PERIOD_YEAR, quarter_bounds
from bot.messages import Reply, Text

# -- breaking a tie (step 5, the last link of the chain) ------------------------------------


class TieState(StrEnum):
    """Questions of the tie flow."""

    PICK = "pick"
    REASON = "reason"
    CONFIRM = "confirm"


class TieData(FlowData):
    """The themes CAN chose so far, and why."""

    round_id: int | None = None
    chosen: list[int] = []
    reason: str = ""


@dataclass(frozen=True)
class DecideTie:
    """Domain command: CAN picks the themes that go through, with the reason recorded."""

    round_id: int
    proposal_ids: tuple[int, ...]
    reason: str


def _tie_prompt(ctx: Ctx, d: TieData) -> list[Reply]:
    lookup: SerawaiCanLookup = ctx.lookup
    tie = lookup.tie()
    if tie is None:
        return [Text(ctx.t("serawai.tie_none"))]
    lines = "\n".join(
        ctx.t("serawai.tie_line", title=c.title, office=c.office_name, votes=c.votes)
        for c in tie.candidates
    )
    options: list[tuple[object, str]] = [
        (c.proposal_id, c.title) for c in tie.candidates if c.proposal_id not in d.chosen
    ]
    text = ctx.t(
        "serawai.tie_prompt", name=tie.round_name, lines=lines, left=tie.slots - len(d.chosen)
    )
    return [ask(text, TieState.PICK, options)]


def _tie_pick(ctx: Ctx, d: TieData, given: UserInput) -> Step:
    lookup: SerawaiCanLookup = ctx.lookup
    tie = lookup.tie()
    if tie is None:
        return finish(Text(ctx.t("serawai.tie_none")))
    picked = chosen_id(
        given, [c.proposal_id for c in tie.candidates if c.proposal_id not in d.chosen]
    )
    if picked is None:
        return retry(ctx.t("core.choose_from_buttons"))
    data = d.model_copy(update={"round_id": tie.round_id, "chosen": [*d.chosen, picked]})
    if len(data.chosen) < tie.slots:
        return goto(TieState.PICK, data)
    return goto(TieState.REASON, data)


def _tie_reason_prompt(ctx: Ctx, _d: TieData) -> list[Reply]:
    return [Text(ctx.t("serawai.tie_reason_prompt"))]


def _tie_reason(ctx: Ctx, d: TieData, given: UserInput) -> Step:
    reason = one_line(given.text, NOTE_MAX)
    if reason is None:
        return retry(ctx.t("serawai.tie_reason_prompt"))
    return goto(TieState.CONFIRM, d.model_copy(update={"reason": reason}))


def _tie_confirm_prompt(ctx: Ctx, d: TieData) -> list[Reply]:
    lookup: SerawaiCanLookup = ctx.lookup
    tie = lookup.tie()
    titles = {c.proposal_id: c.title for c in tie.candidates} if tie else {}
    chosen = ", ".join(titles.get(p, "?") for p in d.chosen)
    text = ctx.t("serawai.tie_confirm", chosen=chosen, reason=d.reason)
    return [confirm_question(ctx, text, TieState.CONFIRM)]


def _tie_confirm(ctx: Ctx, d: TieData, given: UserInput) -> Step:
    command = None if d.round_id is None else DecideTie(d.round_id, tuple(d.chosen), d.reason)
    return confirm_answer(ctx, given, command)


TIE_FLOW = Flow(
    name="serawai_seri",
    data_model=TieData,
    states={
        TieState.PICK: State(_tie_prompt, _tie_pick),
        TieState.REASON: State(_tie_reason_prompt, _tie_reason),
        TieState.CONFIRM: State(_tie_confirm_prompt, _tie_confirm),
    },
    start=TieState.PICK,
    roles=CAN_ROLES,
)


# -- best speaker and best host office of a period (step 11) --------------------------------


class BestState(StrEnum):
    """The one question of the best-of flow."""

    PERIOD = "period"


class BestData(FlowData):
    """Nothing to keep."""


def _period_prompt(ctx: Ctx, _d: BestData) -> list[Reply]:
    year = to_wib(ctx.now).year
    options: list[tuple[object, str]] = [
        (q, ctx.t("serawai.best_quarter", quarter=q, year=year)) for q in range(1, 5)
    ]
    options.append((PERIOD_YEAR, ctx.t("serawai.best_year", year=year)))
    return [ask(ctx.t("serawai.best_prompt"), BestState.PERIOD, options)]


def _period(ctx: Ctx, _d: BestData, given: UserInput) -> Step:
    if given.choice not in {"0", "1", "2", "3", "4"}:
        return retry(ctx.t("core.choose_from_buttons"))
    year = to_wib(ctx.now).year
    quarter = int(given.choice)
    start, end = quarter_bounds(year, quarter)
    lookup: SerawaiCanLookup = ctx.lookup
    best = lookup.best(start, end)
    period = (
        ctx.t("serawai.best_year", year=year)
        if quarter == PERIOD_YEAR
        else ctx.t("serawai.best_quarter", quarter=quarter, year=year)
    )

    def lines(items: list[BestLine]) -> str:
        if not items:
            return ctx.t("serawai.best_nobody")
        return "\n".join(
            ctx.t("serawai.best_line", rank=i, name=b.name, score=f"{b.score:.2f}", n=b.ratings)
            for i, b in enumerate(items[:5], 1)
        )

    text = ctx.t(
        "serawai.best_result",
        period=period,
        speakers=lines(best.speakers),
        hosts=lines(best.hosts),
        min_speaker=best.min_speaker_ratings,
        min_host=best.min_host_ratings,
    )
    return finish(Text(text))


BEST_FLOW = Flow(
    name="serawai_terbaik",
    data_model=BestData,
    states={BestState.PERIOD: State(_period_prompt, _period)},
    start=BestState.PERIOD,
    roles=CAN_ROLES,
)
