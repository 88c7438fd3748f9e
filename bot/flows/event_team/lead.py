"""SOP-321, the Event Team lead's side: assigning members to roles (step 3), internal evaluation
of each member who served (step 7).

Both start from a button on a notification; the service hands in what the lead needs (the
slots, the proposal, the eligible members, who served), so these flows read nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.calendar import format_date, format_time, to_wib
from bot.flows.base import Ctx, Flow, FlowData, State, Step, UserInput, ask, finish, goto, retry
from bot.flows.event_team.questions import SKIP, rating_question, read_rating
from bot.flows.event_team.rules import role_label
from bot.messages import Reply, Text

# -- assignment (step 3) ------------------------------------------------------------------


class AssignState(StrEnum):
    """Questions of the assignment flow."""

    REVIEW = "review"
    SLOT = "slot"
    MEMBER = "member"


class AssignData(FlowData):
    """The slots to fill, the current picks, and who may take them."""

    request_id: int = 0
    title: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    slots: list[tuple[str, int]] = []  # (role, number)
    picks: list[int | None] = []
    members: dict[int, str] = {}  # eligible members: id -> name
    ranked: dict[str, list[int]] = {}  # role -> eligible member ids, best suited first
    index: int = 0  # the slot being changed
    manual: bool = False


@dataclass(frozen=True)
class AssignSlots:
    """Domain command: the lead's assignment lands; the SM and each member are told."""

    request_id: int
    picks: tuple[tuple[str, int, int], ...]  # (role, number, member id)


def _slot_label(ctx: Ctx, d: AssignData, index: int) -> str:
    role, number = d.slots[index]
    count = sum(1 for r, _ in d.slots if r == role)
    label = role_label(ctx.t, role)
    return f"{label} {number}" if count > 1 else label


def _pick_name(ctx: Ctx, d: AssignData, index: int) -> str:
    member = d.picks[index]
    return d.members.get(member, "?") if member is not None else ctx.t("event_team.nobody")


def _review_prompt(ctx: Ctx, d: AssignData) -> list[Reply]:
    if d.starts_at is None or d.ends_at is None:
        raise ValueError("the service hands in the event's time")
    lines = "\n".join(
        f"{i + 1}. {_slot_label(ctx, d, i)}: {_pick_name(ctx, d, i)}" for i in range(len(d.slots))
    )
    text = ctx.t(
        "event_team.proposal",
        title=d.title,
        when=f"{format_date(to_wib(d.starts_at).date(), ctx.lang)}, "
        f"{format_time(d.starts_at)}–{format_time(d.ends_at)} WIB",
        lines=lines,
    )
    options: list[tuple[object, str]] = [
        ("accept", ctx.t("event_team.assign_accept")),
        ("swap", ctx.t("event_team.assign_swap")),
        ("manual", ctx.t("event_team.assign_manual")),
    ]
    if None in d.picks:
        text += "\n\n" + ctx.t("event_team.proposal_gaps_way")
        if any(p is not None for p in d.picks):  # a way forward: keep the filled roles now
            options.insert(1, ("partial", ctx.t("event_team.assign_partial")))
    return [ask(text, AssignState.REVIEW, options)]


def _review(ctx: Ctx, d: AssignData, given: UserInput) -> Step:
    if given.choice == "swap":
        return goto(AssignState.SLOT, d)
    if given.choice == "manual":
        picks: list[int | None] = [None] * len(d.slots)
        return goto(
            AssignState.MEMBER, d.model_copy(update={"picks": picks, "index": 0, "manual": True})
        )
    if given.choice == "partial" and any(p is not None for p in d.picks):
        pass  # the filled roles now; the empty ones stay open for "Bagi peran" later
    elif given.choice != "accept":
        return retry(ctx.t("core.choose_from_buttons"))
    elif None in d.picks:
        return retry(ctx.t("event_team.proposal_gaps_way"))
    chosen = tuple(
        (role, number, member)
        for (role, number), member in zip(d.slots, d.picks, strict=True)
        if member is not None
    )
    return finish(commands=(AssignSlots(d.request_id, chosen),))


def _slot_prompt(ctx: Ctx, d: AssignData) -> list[Reply]:
    options: list[tuple[object, str]] = [
        (i, f"{_slot_label(ctx, d, i)}: {_pick_name(ctx, d, i)}") for i in range(len(d.slots))
    ]
    return [ask(ctx.t("event_team.swap_which"), AssignState.SLOT, options)]


def _slot(ctx: Ctx, d: AssignData, given: UserInput) -> Step:
    if given.choice not in {str(i) for i in range(len(d.slots))}:
        return retry(ctx.t("core.choose_from_buttons"))
    return goto(
        AssignState.MEMBER, d.model_copy(update={"index": int(given.choice), "manual": False})
    )


def _member_prompt(ctx: Ctx, d: AssignData) -> list[Reply]:
    taken = {m for i, m in enumerate(d.picks) if i != d.index and m is not None}
    role = d.slots[d.index][0]
    options: list[tuple[object, str]] = [
        (f"{d.index}.{m}", d.members[m]) for m in d.ranked.get(role, []) if m not in taken
    ]
    text = ctx.t(
        "event_team.member_prompt",
        slot=_slot_label(ctx, d, d.index),
        n=d.index + 1,
        total=len(d.slots),
    )
    if not options:
        return [Text(ctx.t("event_team.member_none", slot=_slot_label(ctx, d, d.index)))]
    return [ask(text, AssignState.MEMBER, options)]


def _member(ctx: Ctx, d: AssignData, given: UserInput) -> Step:
    at, _, raw = (given.choice or "").partition(".")
    taken = {m for i, m in enumerate(d.picks) if i != d.index and m is not None}
    role = d.slots[d.index][0]
    if at != str(d.index) or not raw.isdigit() or int(raw) not in d.ranked.get(role, []):
        return retry(ctx.t("core.choose_from_buttons"))
    if int(raw) in taken:
        return retry(ctx.t("event_team.member_taken"))
    picks = list(d.picks)
    picks[d.index] = int(raw)
    data = d.model_copy(update={"picks": picks})
    if d.manual and d.index + 1 < len(d.slots):
        return goto(AssignState.MEMBER, data.model_copy(update={"index": d.index + 1}))
    return goto(AssignState.REVIEW, data.model_copy(update={"manual": False}))


ASSIGN_FLOW = Flow(
    name="et_tugas",
    data_model=AssignData,
    states={
        AssignState.REVIEW: State(_review_prompt, _review),
        AssignState.SLOT: State(_slot_prompt, _slot),
        AssignState.MEMBER: State(_member_prompt, _member),
    },
    start=AssignState.REVIEW,
    roles=frozenset({"et_lead"}),
)


# -- internal evaluation (step 7) ---------------------------------------------------------


class InternalState(StrEnum):
    """Questions of the internal evaluation."""

    RATE = "rate"
    NOTE = "note"


class InternalData(FlowData):
    """Each member who served, and the lead's ratings and notes so far."""

    request_id: int = 0
    title: str = ""
    served: list[tuple[int, str, str]] = []  # (assignment id, member name, role)
    ratings: list[int] = []
    notes: list[str] = []


@dataclass(frozen=True)
class SubmitInternalEvaluation:
    """Domain command: keep the lead's rating and note for each member who served."""

    request_id: int
    ratings: tuple[tuple[int, int, str], ...]  # (assignment id, rating, note)


def _internal_rate_prompt(ctx: Ctx, d: InternalData) -> list[Reply]:
    index = len(d.ratings)
    _aid, name, role = d.served[index]
    intro = [Text(ctx.t("event_team.internal_intro", title=d.title))] if index == 0 else []
    label = ctx.t("event_team.internal_member", name=name, role=role_label(ctx.t, role))
    return [*intro, rating_question(ctx, InternalState.RATE, index, len(d.served), label)]


def _internal_rate(ctx: Ctx, d: InternalData, given: UserInput) -> Step:
    rating = read_rating(given, len(d.ratings))
    if rating is None:
        return retry(ctx.t("event_team.rate_bad"))
    return goto(InternalState.NOTE, d.model_copy(update={"ratings": [*d.ratings, rating]}))


def _internal_note_prompt(ctx: Ctx, d: InternalData) -> list[Reply]:
    name = d.served[len(d.ratings) - 1][1]
    text = ctx.t("event_team.internal_note_prompt", name=name)
    return [ask(text, InternalState.NOTE, [(SKIP, ctx.t("core.skip"))])]


def _internal_note(ctx: Ctx, d: InternalData, given: UserInput) -> Step:
    note = " ".join((given.text or "").split()) if given.choice != SKIP else ""
    if len(note) > 1000:
        return retry(ctx.t("core.text_long", limit=1000, length=len(note)))
    if given.choice is None and not note:
        return retry(ctx.t("core.choose_from_buttons"))
    data = d.model_copy(update={"notes": [*d.notes, note]})
    if len(data.notes) < len(d.served):
        return goto(InternalState.RATE, data)
    ratings = tuple(
        (aid, rating, text)
        for (aid, _n, _r), rating, text in zip(d.served, data.ratings, data.notes, strict=True)
    )
    return finish(commands=(SubmitInternalEvaluation(d.request_id, ratings),))


INTERNAL_FLOW = Flow(
    name="et_evaluasi_tim",
    data_model=InternalData,
    states={
        InternalState.RATE: State(_internal_rate_prompt, _internal_rate),
        InternalState.NOTE: State(_internal_note_prompt, _internal_note),
    },
    start=InternalState.RATE,
    roles=frozenset({"et_lead"}),
)
