"""Serawai (SOP-098) conversations of CAN: open a round, break a tie, set the schedule, rate hosts.

Also the pieces the other Serawai flows share: confirmation buttons, the round's windows, and
choosing one item from a short list the lookup gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from bot.calendar import WorkCalendar, format_datetime, to_wib, wib_to_utc
from bot.dateparse import parse_when
from bot.flows.base import (
    Ctx,
    Flow,
    FlowData,
    State,
    Step,
    UserInput,
    ask,
    finish,
    goto,
    rating_choices,
    retry,
)
from bot.messages import Choices, Reply, Text

CAN_ROLES = frozenset({"can"})
PROVINCE_CODE = "1700"
CLOSING_TIME = time(16, 0)  # windows close at the end of office hours, WIB
SESSION_HOURS = 2
TITLE_MAX = 100
NOTE_MAX = 1000
PERIOD_YEAR = 0  # the "whole year" choice of the best-of period question


# -- shared pieces --------------------------------------------------------------------------


def round_windows(
    calendar: WorkCalendar, opened_at: datetime, proposal_days: int, voting_days: int
) -> tuple[datetime, datetime]:
    """When proposals close and when voting closes: 16.00 WIB after so many working days."""
    proposals_close = calendar.add_working_days(to_wib(opened_at).date(), proposal_days)
    voting_close = calendar.add_working_days(proposals_close, voting_days)
    return wib_to_utc(proposals_close, CLOSING_TIME), wib_to_utc(voting_close, CLOSING_TIME)


def confirm_question(ctx: Ctx, text: str, state: str) -> Choices:
    """A summary with Send / Cancel buttons."""
    return ask(text, state, [("yes", ctx.t("core.confirm")), ("no", ctx.t("core.cancel_button"))])


def confirm_answer(ctx: Ctx, given: UserInput, command: object | None) -> Step:
    """The answer to a Send/Cancel question: finish with `command` (None: not ready), or say
    it was cancelled, or ask again."""
    if given.choice == "no":
        return finish(Text(ctx.t("core.cancelled")))
    if given.choice != "yes" or command is None:
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(command,))


def one_line(text: str | None, limit: int) -> str | None:
    """The typed text with spaces collapsed, or None when empty or longer than `limit`."""
    cleaned = " ".join((text or "").split())
    return cleaned if cleaned and len(cleaned) <= limit else None


def chosen_id(given: UserInput, ids: list[int]) -> int | None:
    """The pressed option's id when it is one of `ids`."""
    return next((i for i in ids if str(i) == given.choice), None)


@dataclass(frozen=True)
class Item:
    """Something to choose from a list: a session, a round, an office."""

    id: int
    label: str


# -- views and lookup -----------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeItem:
    """An office to host a session."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class SessionItem:
    """A selected theme as CAN sees it when scheduling or rating."""

    id: int
    title: str
    proposing_office_id: int
    proposing_office_name: str
    starts_at: datetime | None


@dataclass(frozen=True)
class TieItem:
    """A theme in a tie only CAN can break."""

    proposal_id: int
    title: str
    office_name: str
    votes: int


@dataclass(frozen=True)
class TieView:
    """The round waiting for CAN's decision: the tied themes and how many of them go through."""

    round_id: int
    round_name: str
    candidates: list[TieItem]
    slots: int


@dataclass(frozen=True)
class BestLine:
    """One ranked speaker or office in the best-of answer."""

    name: str
    score: float
    ratings: int


@dataclass(frozen=True)
class BestView:
    """Best speakers and host offices of a period, already ranked (eligible ones only)."""

    speakers: list[BestLine]
    hosts: list[BestLine]
    min_speaker_ratings: int
    min_host_ratings: int


class SerawaiCanLookup(Protocol):
    """What the CAN flows read."""

    def open_round_name(self) -> str | None: ...
    def offices(self) -> list[OfficeItem]: ...
    def sessions_to_schedule(self) -> list[SessionItem]: ...
    def tie(self) -> TieView | None: ...
    def sessions_to_rate(self, rater_id: int) -> list[SessionItem]: ...
    def best(self, start: date, end: date) -> BestView: ...


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
    name = one_line(given.text, TITLE_MAX)
    if name is None:
        return retry(ctx.t("serawai.open_name_bad", limit=TITLE_MAX))
    started = d.started_at or ctx.now
    return goto(
        OpenState.PROPOSAL_DAYS, d.model_copy(update={"name": name, "started_at": started})
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


# -- setting the schedule (step 5) ----------------------------------------------------------


class ScheduleState(StrEnum):
    """Questions of the schedule flow."""

    SESSION = "session"
    WHEN = "when"
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
    return goto(ScheduleState.HOST, d.model_copy(update={"starts_at": starts, "ends_at": ends}))


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
    place = one_line(given.text, 300)
    if place is None:
        return retry(ctx.t("serawai.schedule_place_prompt"))
    return goto(ScheduleState.CONFIRM, d.model_copy(update={"place": place}))


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
        ScheduleState.HOST: State(_host_prompt, _host),
        ScheduleState.PLACE: State(_place_prompt, _place),
        ScheduleState.CONFIRM: State(_schedule_confirm_prompt, _schedule_confirm),
    },
    start=ScheduleState.SESSION,
    roles=CAN_ROLES,
)


# -- CAN rates the host office (step 11) ----------------------------------------------------


class HostRatingState(StrEnum):
    """Questions of the host-rating flow."""

    SESSION = "session"
    SCORE = "score"
    COMMENT = "comment"


class HostRatingData(FlowData):
    """The session whose host is being rated."""

    session_id: int | None = None
    title: str = ""
    score: int = 0


@dataclass(frozen=True)
class RateHost:
    """Domain command: a CAN member's rating of a session's host office."""

    session_id: int
    score: int
    comment: str


def _rate_session_prompt(ctx: Ctx, d: HostRatingData) -> list[Reply]:
    lookup: SerawaiCanLookup = ctx.lookup
    sessions = lookup.sessions_to_rate(ctx.actor.id)
    if not sessions:
        return [Text(ctx.t("serawai.host_rating_none"))]
    options: list[tuple[object, str]] = [(s.id, s.title) for s in sessions]
    return [ask(ctx.t("serawai.host_rating_session_prompt"), HostRatingState.SESSION, options)]


def _rate_session(ctx: Ctx, d: HostRatingData, given: UserInput) -> Step:
    lookup: SerawaiCanLookup = ctx.lookup
    sessions = {s.id: s for s in lookup.sessions_to_rate(ctx.actor.id)}
    picked = chosen_id(given, list(sessions))
    if picked is None:
        if not sessions:
            return finish(Text(ctx.t("serawai.host_rating_none")))
        return retry(ctx.t("core.choose_from_buttons"))
    update = {"session_id": picked, "title": sessions[picked].title}
    return goto(HostRatingState.SCORE, d.model_copy(update=update))


def _score_prompt(ctx: Ctx, d: HostRatingData) -> list[Reply]:
    text = ctx.t("serawai.host_rating_score_prompt", title=d.title)
    return [rating_choices(text, HostRatingState.SCORE)]


def _score(ctx: Ctx, d: HostRatingData, given: UserInput) -> Step:
    if given.choice not in {"1", "2", "3", "4", "5"}:
        return retry(ctx.t("core.choose_from_buttons"))
    return goto(HostRatingState.COMMENT, d.model_copy(update={"score": int(given.choice)}))


def _comment_prompt(ctx: Ctx, _d: HostRatingData) -> list[Reply]:
    return [
        ask(
            ctx.t("serawai.comment_prompt"),
            HostRatingState.COMMENT,
            [("-", ctx.t("serawai.skip"))],
        )
    ]


def _comment(ctx: Ctx, d: HostRatingData, given: UserInput) -> Step:
    comment = "" if given.choice == "-" else (one_line(given.text, NOTE_MAX) or "")
    if d.session_id is None:
        return finish(Text(ctx.t("core.stale_button")))
    return finish(commands=(RateHost(d.session_id, d.score, comment),))


HOST_RATING_FLOW = Flow(
    name="serawai_nilaikantor",
    data_model=HostRatingData,
    states={
        HostRatingState.SESSION: State(_rate_session_prompt, _rate_session),
        HostRatingState.SCORE: State(_score_prompt, _score),
        HostRatingState.COMMENT: State(_comment_prompt, _comment),
    },
    start=HostRatingState.SESSION,
    roles=CAN_ROLES,
)


# -- best speaker and best host office of a period (step 11) --------------------------------


class BestState(StrEnum):
    """The one question of the best-of flow."""

    PERIOD = "period"


class BestData(FlowData):
    """Nothing to keep."""


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First day of a triwulan and first day after it (quarter 0: the whole year)."""
    if quarter == PERIOD_YEAR:
        return date(year, 1, 1), date(year + 1, 1, 1)
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


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
