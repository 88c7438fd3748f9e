"""Serawai step 3: a regency/city office's CA proposes, edits or withdraws a theme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

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
from bot.flows.serawai.common import one_line
from bot.flows.serawai.rules import NOTE_MAX, SPEAKER_MAX, TITLE_MAX
from bot.messages import Reply, Text


@dataclass(frozen=True)
class ProposalItem:
    """A theme an office has proposed."""

    id: int
    title: str
    summary: str
    speaker: str


@dataclass(frozen=True)
class ProposalWindow:
    """The round taking proposals now."""

    round_id: int
    round_name: str
    closes_at: datetime
    per_office: int


class ProposalLookup(Protocol):
    """What the proposal flow reads."""

    def proposal_window(self) -> ProposalWindow | None: ...
    def office_proposals(self, round_id: int, office_id: int) -> list[ProposalItem]: ...


class ProposalState(StrEnum):
    """Questions of the proposal flow."""

    ACTION = "action"
    TITLE = "title"
    SUMMARY = "summary"
    SPEAKER = "speaker"
    CONFIRM = "confirm"
    WITHDRAW = "withdraw"


class ProposalData(FlowData):
    """The office proposing and the theme being written."""

    round_id: int | None = None
    office_id: int | None = None
    office_name: str = ""
    proposal_id: int | None = None  # set when editing or withdrawing
    title: str = ""
    summary: str = ""
    speaker: str = ""


@dataclass(frozen=True)
class SubmitProposal:
    """Domain command: a new theme, or changes to one (`proposal_id` set)."""

    round_id: int
    office_id: int
    proposal_id: int | None
    title: str
    summary: str
    speaker: str


@dataclass(frozen=True)
class WithdrawProposal:
    """Domain command: take a proposal back."""

    proposal_id: int


KEEP = "keep"


def _own(ctx: Ctx, d: ProposalData) -> tuple[ProposalWindow | None, list[ProposalItem]]:
    lookup: ProposalLookup = ctx.lookup
    window = lookup.proposal_window()
    if window is None or window.round_id != d.round_id or d.office_id is None:
        return None, []
    return window, lookup.office_proposals(window.round_id, d.office_id)


def _action_prompt(ctx: Ctx, d: ProposalData) -> list[Reply]:
    window, mine = _own(ctx, d)
    if window is None:
        return [Text(ctx.t("serawai.proposal_closed"))]
    options: list[tuple[object, str]] = []
    if len(mine) < window.per_office:
        options.append(("new", ctx.t("serawai.proposal_new")))
    for p in mine:
        options.append((f"e{p.id}", ctx.t("serawai.proposal_edit", title=p.title)))
        options.append((f"w{p.id}", ctx.t("serawai.proposal_withdraw", title=p.title)))
    listed = "\n".join(f"• {p.title} — {p.speaker}" for p in mine) or ctx.t(
        "serawai.proposal_none_yet"
    )
    text = ctx.t(
        "serawai.proposal_action_prompt",
        round=window.round_name,
        office=d.office_name,
        closes=format_datetime(window.closes_at, ctx.lang),
        per_office=window.per_office,
        proposals=listed,
    )
    return [ask(text, ProposalState.ACTION, options)]


def _action(ctx: Ctx, d: ProposalData, given: UserInput) -> Step:
    window, mine = _own(ctx, d)
    if window is None:
        return finish(Text(ctx.t("serawai.proposal_closed")))
    choice = given.choice or ""
    if choice == "new" and len(mine) < window.per_office:
        fresh = {"proposal_id": None, "title": "", "summary": "", "speaker": ""}
        return goto(ProposalState.TITLE, d.model_copy(update=fresh))
    found = {f"{verb}{p.id}": (verb, p) for p in mine for verb in ("e", "w")}
    if choice not in found:
        return retry(ctx.t("core.choose_from_buttons"))
    verb, proposal = found[choice]
    update = {
        "proposal_id": proposal.id,
        "title": proposal.title,
        "summary": proposal.summary,
        "speaker": proposal.speaker,
    }
    target = ProposalState.TITLE if verb == "e" else ProposalState.WITHDRAW
    return goto(target, d.model_copy(update=update))


def _text_state(field: str, limit: int, after: ProposalState) -> State[ProposalData]:
    """A typed answer of at most `limit` characters; when editing, a button keeps the old one."""
    state = ProposalState(field)

    def prompt(ctx: Ctx, d: ProposalData) -> list[Reply]:
        text = ctx.t(f"serawai.proposal_{field}_prompt", limit=limit)
        current = str(getattr(d, field))
        if d.proposal_id is None or not current:
            return [Text(text)]
        return [ask(text, state, [(KEEP, ctx.t("serawai.keep_value", value=current[:40]))])]

    def handle(ctx: Ctx, d: ProposalData, given: UserInput) -> Step:
        if given.choice == KEEP and getattr(d, field):
            return goto(after, d)
        typed = " ".join((given.text or "").split())
        if len(typed) > limit:
            return retry(ctx.t("serawai.too_long", limit=limit, length=len(typed)))
        value = one_line(typed, limit)
        if value is None:
            return retry(ctx.t(f"serawai.proposal_{field}_prompt", limit=limit))
        return goto(after, d.model_copy(update={field: value}))

    return State(prompt, handle)


def _confirm_prompt(ctx: Ctx, d: ProposalData) -> list[Reply]:
    text = ctx.t(
        "serawai.proposal_confirm",
        office=d.office_name,
        title=d.title,
        summary=d.summary,
        speaker=d.speaker,
    )
    return [confirm_question(ctx, text, ProposalState.CONFIRM)]


def _confirm(ctx: Ctx, d: ProposalData, given: UserInput) -> Step:
    command = None
    if d.round_id is not None and d.office_id is not None:
        command = SubmitProposal(
            d.round_id, d.office_id, d.proposal_id, d.title, d.summary, d.speaker
        )
    return confirm_answer(ctx, given, command)


def _withdraw_prompt(ctx: Ctx, d: ProposalData) -> list[Reply]:
    text = ctx.t("serawai.proposal_withdraw_confirm", title=d.title)
    return [confirm_question(ctx, text, ProposalState.WITHDRAW)]


def _withdraw(ctx: Ctx, d: ProposalData, given: UserInput) -> Step:
    command = None if d.proposal_id is None else WithdrawProposal(d.proposal_id)
    return confirm_answer(ctx, given, command)


PROPOSAL_FLOW = Flow(
    name="serawai_usul",
    data_model=ProposalData,
    states={
        ProposalState.ACTION: State(_action_prompt, _action),
        ProposalState.TITLE: _text_state("title", TITLE_MAX, ProposalState.SUMMARY),
        ProposalState.SUMMARY: _text_state("summary", NOTE_MAX, ProposalState.SPEAKER),
        ProposalState.SPEAKER: _text_state("speaker", SPEAKER_MAX, ProposalState.CONFIRM),
        ProposalState.CONFIRM: State(_confirm_prompt, _confirm),
        ProposalState.WITHDRAW: State(_withdraw_prompt, _withdraw),
    },
    start=ProposalState.ACTION,
    roles=frozenset({"ca"}),
)
