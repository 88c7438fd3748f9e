"""Serawai sessions (steps 6, 9, 10, 11): committee, check-in, minutes, ratings, report, checks.

Each flow starts with its session already chosen (by a command or a button the services
checked); the services check the actor's right to the session again when the command comes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

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
    person_matches,
    picked_person,
    rating_choices,
    retry,
)
from bot.flows.serawai import NOTE_MAX, one_line
from bot.i18n import Translator
from bot.messages import Media, Reply, Text

CODE_MAX = 80


@dataclass(frozen=True)
class PersonItem:
    """A colleague found by part of their name."""

    id: int
    name: str
    office_name: str


@dataclass(frozen=True)
class ReportItem:
    """One line of the report's completeness checklist."""

    key: str  # invitation | speech | attendance | documentation | minutes | feedback
    done: bool


@dataclass(frozen=True)
class ReportView:
    """A session report as its host sees it."""

    items: list[ReportItem]
    status: str
    note: str
    has_document: bool


class SessionLookup(Protocol):
    """What the session flows read."""

    def search(self, fragment: str) -> list[PersonItem]: ...
    def report(self, session_id: int) -> ReportView: ...


def report_checklist(t: Translator, view: ReportView) -> str:
    """The completeness checklist, one line per item, and what is missing."""
    lines = "\n".join(
        ("✅ " if item.done else "⬜ ") + t(f"serawai.report_item_{item.key}")
        for item in view.items
    )
    missing = [t(f"serawai.report_item_{i.key}") for i in view.items if not i.done]
    tail = (
        t("serawai.report_missing", items=", ".join(missing))
        if missing
        else t("serawai.report_complete")
    )
    return f"{lines}\n{tail}"


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


# -- a code typed after a menu button: check-in (step 9) and certificate verification -------


class CodeState(StrEnum):
    """The one question of the code flows."""

    CODE = "code"


class CodeData(FlowData):
    """Nothing to keep."""


@dataclass(frozen=True)
class CheckIn:
    """Domain command: the actor checks in with the code on screen."""

    code: str


@dataclass(frozen=True)
class Verify:
    """Domain command: tell the actor whether a certificate code is valid."""

    code: str


def _code_flow(
    name: str, prompt_key: str, command: type[CheckIn] | type[Verify]
) -> Flow[CodeData]:
    def prompt(ctx: Ctx, _d: CodeData) -> list[Reply]:
        return [Text(ctx.t(prompt_key))]

    def handle(ctx: Ctx, _d: CodeData, given: UserInput) -> Step:
        code = one_line(given.text, CODE_MAX)
        if code is None:
            return retry(ctx.t(prompt_key))
        return finish(commands=(command(code),))

    return Flow(name, CodeData, {CodeState.CODE: State(prompt, handle)}, CodeState.CODE)


CHECKIN_FLOW = _code_flow("serawai_hadir", "serawai.checkin_prompt", CheckIn)
VERIFY_FLOW = _code_flow("serawai_verifikasi", "serawai.verify_prompt", Verify)


# -- minutes and photos (step 9) ------------------------------------------------------------


class MinutesState(StrEnum):
    """The one question of the minutes flow."""

    FILES = "files"


class SessionData(FlowData):
    """The session a flow is about."""

    session_id: int | None = None
    title: str = ""


@dataclass(frozen=True)
class StoreDocuments:
    """Domain command: keep files for a session (`kind` None: minutes or photo by file type)."""

    session_id: int
    media: tuple[Media, ...]
    kind: str | None = None


def _files_prompt(ctx: Ctx, d: SessionData) -> list[Reply]:
    text = ctx.t("serawai.minutes_prompt", title=d.title)
    return [ask(text, MinutesState.FILES, [("done", ctx.t("serawai.done_button"))])]


def _files(ctx: Ctx, d: SessionData, given: UserInput) -> Step:
    if given.choice == "done":
        return finish(Text(ctx.t("serawai.minutes_done")))
    if not given.media or d.session_id is None:
        return retry(ctx.t("serawai.minutes_prompt", title=d.title))
    command = StoreDocuments(d.session_id, given.media)
    return Step("", d, commands=(command,), prompt=False)


MINUTES_FLOW = Flow(
    name="serawai_notula",
    data_model=SessionData,
    states={MinutesState.FILES: State(_files_prompt, _files)},
    start=MinutesState.FILES,
)


# -- rating the speakers (step 11) ----------------------------------------------------------


class RatingState(StrEnum):
    """Questions of the rating flow, asked for each speaker in turn."""

    MASTERY = "mastery"
    DELIVERY = "delivery"
    RELEVANCE = "relevance"
    COMMENT = "comment"


class RatingData(FlowData):
    """The speakers to rate, the one being rated, and the answers so far."""

    session_id: int | None = None
    title: str = ""
    speakers: list[tuple[int, str]] = []
    index: int = 0
    scores: list[tuple[int, int, int, int, str]] = []  # speaker, mastery, delivery, relevance
    current: list[int] = []


@dataclass(frozen=True)
class SubmitRatings:
    """Domain command: a participant's ratings of every speaker of a session."""

    session_id: int
    ratings: tuple[tuple[int, int, int, int, str], ...]


def _criterion(field: RatingState, after: RatingState) -> State[RatingData]:
    def prompt(ctx: Ctx, d: RatingData) -> list[Reply]:
        name = d.speakers[d.index][1] if d.index < len(d.speakers) else ""
        text = ctx.t(
            f"serawai.rate_{field}",
            name=name,
            n=d.index + 1,
            total=len(d.speakers),
            title=d.title,
        )
        return [rating_choices(text, field)]

    def handle(ctx: Ctx, d: RatingData, given: UserInput) -> Step:
        if given.choice not in {"1", "2", "3", "4", "5"}:
            return retry(ctx.t("core.choose_from_buttons"))
        current = (
            [*d.current, int(given.choice)]
            if field != RatingState.MASTERY
            else [int(given.choice)]
        )
        return goto(after, d.model_copy(update={"current": current}))

    return State(prompt, handle)


def _rate_comment_prompt(ctx: Ctx, d: RatingData) -> list[Reply]:
    name = d.speakers[d.index][1] if d.index < len(d.speakers) else ""
    text = ctx.t("serawai.rate_comment", name=name)
    return [ask(text, RatingState.COMMENT, [("-", ctx.t("serawai.skip"))])]


def _rate_comment(ctx: Ctx, d: RatingData, given: UserInput) -> Step:
    if len(d.current) != 3 or d.index >= len(d.speakers) or d.session_id is None:
        return finish(Text(ctx.t("core.stale_button")))
    comment = "" if given.choice == "-" else (one_line(given.text, NOTE_MAX) or "")
    speaker_id = d.speakers[d.index][0]
    mastery, delivery, relevance = d.current
    scores = [*d.scores, (speaker_id, mastery, delivery, relevance, comment)]
    if d.index + 1 < len(d.speakers):
        data = d.model_copy(update={"scores": scores, "index": d.index + 1, "current": []})
        return goto(RatingState.MASTERY, data)
    return finish(commands=(SubmitRatings(d.session_id, tuple(scores)),))


RATING_FLOW = Flow(
    name="serawai_nilai",
    data_model=RatingData,
    states={
        RatingState.MASTERY: _criterion(RatingState.MASTERY, RatingState.DELIVERY),
        RatingState.DELIVERY: _criterion(RatingState.DELIVERY, RatingState.RELEVANCE),
        RatingState.RELEVANCE: _criterion(RatingState.RELEVANCE, RatingState.COMMENT),
        RatingState.COMMENT: State(_rate_comment_prompt, _rate_comment),
    },
    start=RatingState.MASTERY,
)


# -- the session report (step 10) -----------------------------------------------------------


class ReportState(StrEnum):
    """Questions of the report flow."""

    REVIEW = "review"
    DOCUMENT = "document"


@dataclass(frozen=True)
class SubmitReport:
    """Domain command: send the session report to the CC."""

    session_id: int


def _review_prompt(ctx: Ctx, d: SessionData) -> list[Reply]:
    lookup: SessionLookup = ctx.lookup
    assert d.session_id is not None
    view = lookup.report(d.session_id)
    note = ctx.t("serawai.report_returned_note", note=view.note) if view.note else ""
    document = ctx.t(
        "serawai.report_has_document" if view.has_document else "serawai.report_no_document"
    )
    text = ctx.t(
        "serawai.report_review",
        title=d.title,
        checklist=report_checklist(ctx.t, view),
        document=document,
        note=note,
    )
    options: list[tuple[object, str]] = [
        ("submit", ctx.t("serawai.report_submit")),
        ("upload", ctx.t("serawai.report_upload")),
    ]
    return [ask(text, ReportState.REVIEW, options)]


def _review(ctx: Ctx, d: SessionData, given: UserInput) -> Step:
    if d.session_id is None:
        return finish(Text(ctx.t("core.stale_button")))
    if given.choice == "upload":
        return goto(ReportState.DOCUMENT, d)
    if given.choice == "submit":
        return finish(commands=(SubmitReport(d.session_id),))
    return retry(ctx.t("core.choose_from_buttons"))


def _document_prompt(ctx: Ctx, _d: SessionData) -> list[Reply]:
    return [Text(ctx.t("serawai.report_document_prompt"))]


def _document(ctx: Ctx, d: SessionData, given: UserInput) -> Step:
    documents = tuple(m for m in given.media if m.kind == "document")
    if not documents or d.session_id is None:
        return retry(ctx.t("serawai.report_document_prompt"))
    command = StoreDocuments(d.session_id, documents, kind="report")
    return Step(ReportState.REVIEW, d, commands=(command,))


REPORT_FLOW = Flow(
    name="serawai_laporan",
    data_model=SessionData,
    states={
        ReportState.REVIEW: State(_review_prompt, _review),
        ReportState.DOCUMENT: State(_document_prompt, _document),
    },
    start=ReportState.REVIEW,
    roles=frozenset({"ca"}),
)


# -- the CC returns a report with a note (step 10) ------------------------------------------


class ReturnState(StrEnum):
    """The one question of the return flow."""

    NOTE = "note"


@dataclass(frozen=True)
class ReturnReport:
    """Domain command: the CC sends the report back to the host with a note."""

    session_id: int
    note: str


def _note_prompt(ctx: Ctx, d: SessionData) -> list[Reply]:
    return [Text(ctx.t("serawai.return_note_prompt", title=d.title))]


def _note(ctx: Ctx, d: SessionData, given: UserInput) -> Step:
    note = one_line(given.text, NOTE_MAX)
    if note is None or d.session_id is None:
        return retry(ctx.t("serawai.return_note_prompt", title=d.title))
    return finish(commands=(ReturnReport(d.session_id, note),))


RETURN_FLOW = Flow(
    name="serawai_kembalikan",
    data_model=SessionData,
    states={ReturnState.NOTE: State(_note_prompt, _note)},
    start=ReturnState.NOTE,
    roles=frozenset({"cc"}),
)
