"""Serawai ratings (step 11): CAN rates the host office; participants rate the speakers."""

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
    finish,
    goto,
    rating_choices,
    retry,
)
from bot.flows.serawai.common import SerawaiCanLookup, chosen_id, one_line
from bot.flows.serawai.rules import CAN_ROLES, NOTE_MAX
from bot.messages import Reply, Text

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
