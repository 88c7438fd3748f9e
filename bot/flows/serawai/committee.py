"""The host office's CA picks a Serawai session's committee (step 6)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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
from bot.flows.serawai.common import SessionLookup, one_line
from bot.messages import Reply, Text

# -- committee (step 6) ---------------------------------------------------------------------


class CommitteeState(StrEnum):
    """Questions of the committee flow: a search and a pick per job."""

    COORDINATOR = "coordinator"
    COORDINATOR_PICK = "coordinator_pick"
    SPEAKER = "speaker"
    SPEAKER_PICK = "speaker_pick"
    MORE_SPEAKERS = "more_speakers"
    MODERATOR = "moderator"
    MODERATOR_PICK = "moderator_pick"
    MINUTE_TAKER = "minute_taker"
    MINUTE_TAKER_PICK = "minute_taker_pick"
    CONFIRM = "confirm"


class CommitteeData(FlowData):
    """Who has been chosen for which job."""

    session_id: int | None = None
    title: str = ""
    matches: list[tuple[int, str]] = []
    members: dict[str, list[tuple[int, str]]] = {}


@dataclass(frozen=True)
class SubmitCommittee:
    """Domain command: the session's committee, as (job, employee id) pairs."""

    session_id: int
    members: tuple[tuple[str, int], ...]


def _person_states(
    role: str, search: CommitteeState, pick: CommitteeState, after: CommitteeState
) -> tuple[State[CommitteeData], State[CommitteeData]]:
    """Type part of a name, then pick the person from the matches."""

    def search_prompt(ctx: Ctx, d: CommitteeData) -> list[Reply]:
        return [Text(ctx.t("serawai.committee_search", role=ctx.t(f"serawai.job_{role}")))]

    def search_handle(ctx: Ctx, d: CommitteeData, given: UserInput) -> Step:
        fragment = one_line(given.text, 60)
        if fragment is None:
            return retry(ctx.t("serawai.committee_search", role=ctx.t(f"serawai.job_{role}")))
        lookup: SessionLookup = ctx.lookup
        found = lookup.search(fragment)
        if not found:
            return retry(ctx.t("serawai.person_none", query=fragment))
        return goto(pick, d.model_copy(update={"matches": person_matches(found)}))

    def pick_prompt(ctx: Ctx, d: CommitteeData) -> list[Reply]:
        return [ask(ctx.t("serawai.person_pick"), pick, list(d.matches))]

    def pick_handle(ctx: Ctx, d: CommitteeData, given: UserInput) -> Step:
        person = picked_person(d.matches, given)
        if person is None:
            return retry(ctx.t("core.choose_from_buttons"))
        members = dict(d.members)
        earlier = [m for m in members.get(role, []) if m[0] != person[0]]
        members[role] = [*earlier, person] if role == "speaker" else [person]
        return goto(after, d.model_copy(update={"members": members, "matches": []}))

    return State(search_prompt, search_handle), State(pick_prompt, pick_handle)


def _more_prompt(ctx: Ctx, d: CommitteeData) -> list[Reply]:
    names = ", ".join(name for _, name in d.members.get("speaker", []))
    options: list[tuple[object, str]] = [
        ("more", ctx.t("serawai.committee_more_yes")),
        ("next", ctx.t("serawai.committee_more_no")),
    ]
    return [
        ask(ctx.t("serawai.committee_more", names=names), CommitteeState.MORE_SPEAKERS, options)
    ]


def _more(ctx: Ctx, d: CommitteeData, given: UserInput) -> Step:
    if given.choice == "more":
        return goto(CommitteeState.SPEAKER, d)
    if given.choice == "next":
        return goto(CommitteeState.MODERATOR, d)
    return retry(ctx.t("core.choose_from_buttons"))


def committee_lines(ctx: Ctx, members: dict[str, list[tuple[int, str]]]) -> str:
    """'Koordinator: name' lines, in the SOP's order."""
    return "\n".join(
        f"{ctx.t(f'serawai.job_{role}')}: {', '.join(name for _, name in members.get(role, []))}"
        for role in ("coordinator", "speaker", "moderator", "minute_taker")
    )


def _committee_confirm_prompt(ctx: Ctx, d: CommitteeData) -> list[Reply]:
    text = ctx.t("serawai.committee_confirm", title=d.title, lines=committee_lines(ctx, d.members))
    return [confirm_question(ctx, text, CommitteeState.CONFIRM)]


def _committee_confirm(ctx: Ctx, d: CommitteeData, given: UserInput) -> Step:
    members = tuple((role, pid) for role, people in d.members.items() for pid, _ in people)
    command = None if d.session_id is None else SubmitCommittee(d.session_id, members)
    return confirm_answer(ctx, given, command)


_coord = _person_states(
    "coordinator",
    CommitteeState.COORDINATOR,
    CommitteeState.COORDINATOR_PICK,
    CommitteeState.SPEAKER,
)
_speaker = _person_states(
    "speaker", CommitteeState.SPEAKER, CommitteeState.SPEAKER_PICK, CommitteeState.MORE_SPEAKERS
)
_moderator = _person_states(
    "moderator",
    CommitteeState.MODERATOR,
    CommitteeState.MODERATOR_PICK,
    CommitteeState.MINUTE_TAKER,
)
_minutes = _person_states(
    "minute_taker",
    CommitteeState.MINUTE_TAKER,
    CommitteeState.MINUTE_TAKER_PICK,
    CommitteeState.CONFIRM,
)

COMMITTEE_FLOW = Flow(
    name="serawai_panitia",
    data_model=CommitteeData,
    states={
        CommitteeState.COORDINATOR: _coord[0],
        CommitteeState.COORDINATOR_PICK: _coord[1],
        CommitteeState.SPEAKER: _speaker[0],
        CommitteeState.SPEAKER_PICK: _speaker[1],
        CommitteeState.MORE_SPEAKERS: State(_more_prompt, _more),
        CommitteeState.MODERATOR: _moderator[0],
        CommitteeState.MODERATOR_PICK: _moderator[1],
        CommitteeState.MINUTE_TAKER: _minutes[0],
        CommitteeState.MINUTE_TAKER_PICK: _minutes[1],
        CommitteeState.CONFIRM: State(_committee_confirm_prompt, _committee_confirm),
    },
    start=CommitteeState.COORDINATOR,
    roles=frozenset({"ca"}),
)
