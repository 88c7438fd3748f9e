"""SOP-321, an Event Team member's side: declining an assignment, marking days unavailable
(`/tidaktersedia`, taken back with `/tersedia`), sending the event's documentation photos (`/dokumentasi`, step 4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.calendar import format_date, to_wib
from bot.dateparse import parse_date
from bot.flows.base import (
    Ctx,
    Flow,
    FlowData,
    State,
    Step,
    UserInput,
    ask,
    confirm_options,
    finish,
    goto,
    retry,
)
from bot.flows.event_team.questions import SKIP
from bot.flows.event_team.rules import MAX_DAYS
from bot.flows.typed import line
from bot.flows.withdraw import withdraw_flow
from bot.messages import Media, Reply, Text

DONE_WORDS = {"selesai", "sudah", "done"}

# -- declining an assignment --------------------------------------------------------------


class DeclineState(StrEnum):
    """The one question of the decline flow."""

    REASON = "reason"


class DeclineData(FlowData):
    """Which assignment is declined."""

    assignment_id: int = 0
    title: str = ""


@dataclass(frozen=True)
class DeclineAssignment:
    """Domain command: the member cannot serve; the lead is asked to fill the slot again."""

    assignment_id: int
    reason: str


def _decline_prompt(ctx: Ctx, d: DeclineData) -> list[Reply]:
    return [Text(ctx.t("event_team.decline_prompt", title=d.title))]


def _decline(ctx: Ctx, d: DeclineData, given: UserInput) -> Step:
    reason = line(ctx.t, given.text, 3, 500)
    if reason.problem:
        return retry(reason.problem)
    return finish(commands=(DeclineAssignment(d.assignment_id, reason.value),))


DECLINE_FLOW = Flow(
    name="et_tolak",
    data_model=DeclineData,
    states={DeclineState.REASON: State(_decline_prompt, _decline)},
    start=DeclineState.REASON,
    roles=frozenset({"et_member", "et_lead"}),
)


# -- /tidaktersedia -----------------------------------------------------------------------


class UnavailableState(StrEnum):
    """Questions of the unavailability flow."""

    DATES = "dates"
    REASON = "reason"
    CONFIRM = "confirm"


class UnavailableData(FlowData):
    """The dates, and why."""

    days: list[date] = []
    reason: str = ""


@dataclass(frozen=True)
class MarkUnavailable:
    """Domain command: the member cannot serve on these dates."""

    days: tuple[date, ...]
    reason: str


_RANGE = re.compile(r"\s+(?:sampai|s\.?d\.?|hingga|until|to|-|–)\s+")


def read_days(text: str, today: date) -> list[date] | None:
    """`7/4/2025`, `7/4/2025 sampai 9/4/2025`, `7/4, 10/4`: the dates, or None if unreadable."""
    days: set[date] = set()
    for part in re.split(r"[,;]|\bdan\b", text.casefold()):
        if not part.strip():
            continue
        ends = _RANGE.split(part.strip(), maxsplit=1)
        first = parse_date(ends[0], today)
        last = parse_date(ends[1], today) if len(ends) > 1 else first
        if first is None or last is None or last < first or (last - first).days >= MAX_DAYS:
            return None
        days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
    return sorted(days) if days else None


def _dates_prompt(ctx: Ctx, _d: UnavailableData) -> list[Reply]:
    return [Text(ctx.t("event_team.unavailable_prompt"))]


def _dates(ctx: Ctx, d: UnavailableData, given: UserInput) -> Step:
    today = to_wib(ctx.now).date()
    days = read_days(given.text or "", today)
    if days is None:
        return retry(ctx.t("event_team.unavailable_bad", max=MAX_DAYS))
    if days[0] < today:
        return retry(ctx.t("event_team.unavailable_past"))
    return goto(UnavailableState.REASON, d.model_copy(update={"days": days}))


def _unavailable_reason_prompt(ctx: Ctx, _d: UnavailableData) -> list[Reply]:
    text = ctx.t("event_team.unavailable_reason_prompt")
    return [ask(text, UnavailableState.REASON, [(SKIP, ctx.t("core.skip"))])]


def _unavailable_reason(ctx: Ctx, d: UnavailableData, given: UserInput) -> Step:
    reason = " ".join((given.text or "").split()) if given.choice != SKIP else ""
    if len(reason) > 200:
        return retry(ctx.t("core.text_long", limit=200, length=len(reason)))
    return goto(UnavailableState.CONFIRM, d.model_copy(update={"reason": reason}))


def days_text(days: list[date], lang: str) -> str:
    """The dates, one per line."""
    return "\n".join(f"• {format_date(day, lang)}" for day in days)


def _unavailable_confirm_prompt(ctx: Ctx, d: UnavailableData) -> list[Reply]:
    text = ctx.t("event_team.unavailable_confirm", days=days_text(d.days, ctx.lang))
    return [ask(text, UnavailableState.CONFIRM, confirm_options(ctx))]


def _unavailable_confirm(ctx: Ctx, d: UnavailableData, given: UserInput) -> Step:
    if given.choice == "no":
        return finish(Text(ctx.t("core.cancelled")))
    if given.choice != "yes" or not d.days:
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(MarkUnavailable(tuple(d.days), d.reason),))


UNAVAILABLE_FLOW = Flow(
    name="tidaktersedia",
    data_model=UnavailableData,
    states={
        UnavailableState.DATES: State(_dates_prompt, _dates),
        UnavailableState.REASON: State(_unavailable_reason_prompt, _unavailable_reason),
        UnavailableState.CONFIRM: State(_unavailable_confirm_prompt, _unavailable_confirm),
    },
    start=UnavailableState.DATES,
    roles=frozenset({"et_member", "et_lead"}),
)


# -- /dokumentasi -------------------------------------------------------------------------


class DocumentationState(StrEnum):
    """The one state of the documentation flow: pick the event (if several), send photos."""

    COLLECT = "collect"


class DocumentationData(FlowData):
    """The event the photos belong to, or the events to choose from."""

    request_id: int | None = None
    choices: list[tuple[int, str]] = []
    received: int = 0


@dataclass(frozen=True)
class SaveDocumentation:
    """Domain command: keep photos as the event's documentation."""

    request_id: int
    media: tuple[Media, ...]


def _collect_prompt(ctx: Ctx, d: DocumentationData) -> list[Reply]:
    if d.request_id is None:
        return [ask(ctx.t("event_team.doc_pick"), DocumentationState.COLLECT, list(d.choices))]
    title = dict(d.choices).get(d.request_id, "")
    text = ctx.t("event_team.doc_prompt", title=title)
    return [ask(text, DocumentationState.COLLECT, [("done", ctx.t("event_team.done"))])]


def _collect(ctx: Ctx, d: DocumentationData, given: UserInput) -> Step:
    if d.request_id is None:
        chosen = [rid for rid, _ in d.choices if str(rid) == given.choice]
        if not chosen:
            return retry(ctx.t("core.choose_from_buttons"))
        return goto(DocumentationState.COLLECT, d.model_copy(update={"request_id": chosen[0]}))
    if given.choice == "done" or (given.text or "").strip().casefold() in DONE_WORDS:
        return finish(Text(ctx.t("event_team.doc_done", count=d.received)))
    if not given.media:
        return retry(ctx.t("event_team.doc_need_photo"))
    data = d.model_copy(update={"received": d.received + len(given.media)})
    command = SaveDocumentation(d.request_id, given.media)
    return Step("", data, (), (command,), prompt=False)


DOCUMENTATION_FLOW = Flow(
    name="dokumentasi",
    data_model=DocumentationData,
    states={DocumentationState.COLLECT: State(_collect_prompt, _collect)},
    start=DocumentationState.COLLECT,
    roles=frozenset({"et_member", "et_lead"}),
)


# -- /tersedia: taking unavailable dates back ------------------------------------------


@dataclass(frozen=True)
class ClearUnavailable:
    """Domain command: the member can serve again on these dates."""

    days: tuple[date, ...]


AVAILABLE_FLOW = withdraw_flow(
    "et_tersedia",
    question="event_team.available_pick",
    confirm="event_team.available_confirm",
    command=lambda values: ClearUnavailable(tuple(date.fromisoformat(v) for v in values)),
    roles=frozenset({"et_member", "et_lead"}),
)
