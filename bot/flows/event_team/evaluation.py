"""SOP-321, the SM's side: the evaluation form (steps 5-6, from the button on the form)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.flows.base import Ctx, Flow, FlowData, State, Step, UserInput, finish, goto, retry
from bot.flows.event_team.questions import SKIP, rating_question, read_rating, skip_or_text
from bot.flows.event_team.rules import role_label
from bot.flows.typed import block
from bot.messages import Reply, Text


class EvaluationState(StrEnum):
    """Questions of the evaluation form."""

    RATE = "rate"
    SUGGESTIONS = "suggestions"


class EvaluationData(FlowData):
    """The aspects to rate, in order, and the ratings given so far."""

    request_id: int = 0
    title: str = ""
    aspects: list[str] = []  # readiness, punctuality, role:<role>..., communication, overall
    ratings: list[int] = []


@dataclass(frozen=True)
class SubmitEvaluation:
    """Domain command: keep the SM's evaluation form."""

    request_id: int
    ratings: tuple[tuple[str, int], ...]
    suggestions: str


def evaluation_aspects(roles: list[str]) -> list[str]:
    """The form's questions: readiness and punctuality, each role that served, then the rest."""
    return ["readiness", "punctuality", *(f"role:{r}" for r in roles), "communication", "overall"]


def _aspect_label(ctx: Ctx, aspect: str) -> str:
    if aspect.startswith("role:"):
        return ctx.t("event_team.aspect_role", role=role_label(ctx.t, aspect[5:]))
    return ctx.t(f"event_team.aspect_{aspect}")


def _rate_prompt(ctx: Ctx, d: EvaluationData) -> list[Reply]:
    index = len(d.ratings)
    intro = [Text(ctx.t("event_team.eval_intro", title=d.title))] if index == 0 else []
    label = _aspect_label(ctx, d.aspects[index])
    return [*intro, rating_question(ctx, EvaluationState.RATE, index, len(d.aspects), label)]


def _rate(ctx: Ctx, d: EvaluationData, given: UserInput) -> Step:
    rating = read_rating(given, len(d.ratings))
    if rating is None:
        return retry(ctx.t("event_team.rate_bad"))
    data = d.model_copy(update={"ratings": [*d.ratings, rating]})
    if len(data.ratings) < len(d.aspects):
        return goto(EvaluationState.RATE, data)
    return goto(EvaluationState.SUGGESTIONS, data)


def _suggestions_prompt(ctx: Ctx, _d: EvaluationData) -> list[Reply]:
    return skip_or_text(ctx, ctx.t("event_team.suggestions_prompt"), EvaluationState.SUGGESTIONS)


def _suggestions(ctx: Ctx, d: EvaluationData, given: UserInput) -> Step:
    typed = block(ctx.t, "" if given.choice == SKIP else given.text, 2000)
    if typed.problem:
        return retry(typed.problem)
    text = typed.value
    if given.choice is None and not text:
        return retry(ctx.t("event_team.suggestions_prompt"))
    ratings = tuple(zip(d.aspects, d.ratings, strict=True))
    return finish(commands=(SubmitEvaluation(d.request_id, ratings, text),))


EVALUATION_FLOW = Flow(
    name="et_evaluasi",
    data_model=EvaluationData,
    states={
        EvaluationState.RATE: State(_rate_prompt, _rate),
        EvaluationState.SUGGESTIONS: State(_suggestions_prompt, _suggestions),
    },
    start=EvaluationState.RATE,
)
