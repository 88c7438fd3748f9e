"""CAN opens a Serawai round (step 1): name, windows, themes, limits and the letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.calendar import format_datetime
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
from bot.flows.serawai.common import SerawaiCanLookup
from bot.flows.serawai.rules import CAN_ROLES, TITLE_MAX, round_windows
from bot.flows.typed import line
from bot.messages import Reply, Text

# -- opening a round (step 1) ---------------------------------------------------------------


class OpenState(StrEnum):
    """Questions of the round-opening flow."""

    NAME = "name"
    PROPOSAL_DAYS = "proposal_days"
    VOTING_DAYS = "voting_days"
    THEMES = "themes"
    PER_OFFICE = "per_office"
    RULE = "max_choices"
    LETTER = "letter"
    CONFIRM = "confirm"


class OpenData(FlowData):
    """The round being set up (defaults are the SOP's)."""

    started_at: datetime | None = None
    name: str = ""
    proposal_days: int = 7
    voting_days: int = 15
    themes: int = 3
    per_office: int = 1
    max_choices: int = 1
    letter_path: str = ""
    letter_filename: str = ""


@dataclass(frozen=True)
class CreateRound:
    """Domain command: open the round, announce it, schedule its deadlines."""

    name: str
    proposal_days: int
    voting_days: int
    themes: int
    per_office: int
    max_choices: int
    letter_path: str
    letter_filename: str
    started_at: datetime


def _name_prompt(ctx: Ctx, _d: OpenData) -> list[Reply]:
    return [Text(ctx.t("serawai.open_name_prompt"))]


def _name(ctx: Ctx, d: OpenData, given: UserInput) -> Step:
    lookup: SerawaiCanLookup = ctx.lookup
    running = lookup.open_round_name()
    if running is not None:
        return finish(Text(ctx.t("serawai.open_already", name=running)))
    name = line(ctx.t, given.text, 3, TITLE_MAX)
    if name.problem:
        return retry(name.problem)
    started = d.started_at or ctx.now
    return goto(
        OpenState.PROPOSAL_DAYS, d.model_copy(update={"name": name.value, "started_at": started})
    )


def _number_state(
    field: str, highest: int, after: str, default: int, buttons: bool = True
) -> State[OpenData]:
    """A whole number from 1 to `highest`: typed, or pressed on buttons 1..highest.

    Button n sits at position n, so a number typed where buttons were shown means the same
    whether dispatch reads it as a position or the flow reads it as a value.
    """
    state = OpenState(field)

    def prompt(ctx: Ctx, d: OpenData) -> list[Reply]:
        text = ctx.t(f"serawai.open_{field}_prompt", default=default, high=highest)
        if not buttons:
            return [Text(text)]
        options: list[tuple[object, str]] = [
            (n, ctx.t(f"serawai.open_{field}_option", n=n)) for n in range(1, highest + 1)
        ]
        return [ask(text, state, options)]

    def handle(ctx: Ctx, d: OpenData, given: UserInput) -> Step:
        raw = (given.choice or given.text or "").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= highest:
            return retry(ctx.t("serawai.number_bad", low=1, high=highest))
        return goto(after, d.model_copy(update={field: int(raw)}))

    return State(prompt, handle)


def _letter_prompt(ctx: Ctx, _d: OpenData) -> list[Reply]:
    return [
        ask(ctx.t("serawai.letter_prompt"), OpenState.LETTER, [("skip", ctx.t("serawai.skip"))])
    ]


def _letter(ctx: Ctx, d: OpenData, given: UserInput) -> Step:
    if given.choice == "skip":
        return goto(OpenState.CONFIRM, d.model_copy(update={"letter_path": ""}))
    pdfs = [m for m in given.media if m.kind == "document" and m.content_type == "application/pdf"]
    if not pdfs:
        return retry(ctx.t("serawai.letter_bad"))
    letter = pdfs[0]
    update = {"letter_path": letter.path, "letter_filename": letter.filename or "surat.pdf"}
    return goto(OpenState.CONFIRM, d.model_copy(update=update))


def _open_confirm_prompt(ctx: Ctx, d: OpenData) -> list[Reply]:
    proposals_close, voting_close = round_windows(
        ctx.calendar, ctx.now, d.proposal_days, d.voting_days
    )
    text = ctx.t(
        "serawai.open_confirm",
        name=d.name,
        proposal_days=d.proposal_days,
        proposals_close=format_datetime(proposals_close, ctx.lang),
        voting_days=d.voting_days,
        voting_close=format_datetime(voting_close, ctx.lang),
        themes=d.themes,
        per_office=d.per_office,
        rule=ctx.t("serawai.rule_text", n=d.max_choices)
        if d.max_choices > 1
        else ctx.t("serawai.rule_one_text"),
        letter=d.letter_filename or ctx.t("serawai.no_letter"),
        tiebreak=ctx.t("serawai.tiebreak_rule"),
    )
    return [confirm_question(ctx, text, OpenState.CONFIRM)]


def _open_confirm(ctx: Ctx, d: OpenData, given: UserInput) -> Step:
    command = CreateRound(
        name=d.name,
        proposal_days=d.proposal_days,
        voting_days=d.voting_days,
        themes=d.themes,
        per_office=d.per_office,
        max_choices=d.max_choices,
        letter_path=d.letter_path,
        letter_filename=d.letter_filename,
        started_at=d.started_at or ctx.now,
    )
    return confirm_answer(ctx, given, command)


OPEN_FLOW = Flow(
    name="serawai_buka",
    data_model=OpenData,
    states={
        OpenState.NAME: State(_name_prompt, _name),
        OpenState.PROPOSAL_DAYS: _number_state(
            "proposal_days", 30, OpenState.VOTING_DAYS, 7, buttons=False
        ),
        OpenState.VOTING_DAYS: _number_state(
            "voting_days", 40, OpenState.THEMES, 15, buttons=False
        ),
        OpenState.THEMES: _number_state("themes", 10, OpenState.PER_OFFICE, 3),
        OpenState.PER_OFFICE: _number_state("per_office", 5, OpenState.RULE, 1),
        OpenState.RULE: _number_state("max_choices", 5, OpenState.LETTER, 1),
        OpenState.LETTER: State(_letter_prompt, _letter),
        OpenState.CONFIRM: State(_open_confirm_prompt, _open_confirm),
    },
    start=OpenState.NAME,
    roles=CAN_ROLES,
)
