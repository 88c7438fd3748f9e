"""SOP-321, the SM's side: request Event Team support, reschedule or cancel it, evaluate it.

`/dukungan` collects steps 1-2 (title, date and time, place, roles with headcounts, notes,
Portal Pintar reference) and checks the lead time in working days before anything is sent.
The lead's and members' conversations are in `event_team_lead` and `event_team_member`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from bot.calendar import format_date, to_wib, wib_to_utc
from bot.dateparse import parse_times, parse_when
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
from bot.i18n import Translator
from bot.messages import Choices, Reply, Text
from bot.services.event_team_rules import MAX_HEADCOUNT, ROLE_CODES, is_role_code, lead_time

SKIP = "skip"


def role_label(t: Translator, role: str) -> str:
    """A role's name for people: the catalog's for SOP roles, the SM's own for others."""
    return t(f"event_team.role_{role}") if is_role_code(role) else role


def roles_text(t: Translator, roles: list[tuple[str, int]]) -> str:
    """'MC ×1, Notulis ×2'."""
    return ", ".join(f"{role_label(t, r)} ×{n}" for r, n in roles)


def when_text(ctx: Ctx, day: date, start: time, end: time) -> str:
    """'Senin, 7 April 2025, 09.00–11.00 WIB'."""
    return f"{format_date(day, ctx.lang)}, {start:%H.%M}–{end:%H.%M} WIB"


def fixed_time(day: date | None, start: time | None, end: time | None) -> tuple[date, time, time]:
    """The date and times, once the questions that ask them are answered."""
    if day is None or start is None or end is None:
        raise ValueError("the date and times are asked before this question")
    return day, start, end


def _skip_or_text(ctx: Ctx, question: str, state: str) -> list[Reply]:
    return [ask(question, state, [(SKIP, ctx.t("core.skip"))])]


# -- reading a date and time --------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """A date with its start (and maybe end) time, or why it cannot be used."""

    day: date | None = None
    start: time | None = None
    end: time | None = None
    problem: str = ""
    note: str = ""


def read_when(ctx: Ctx, text: str) -> When:
    """Read `7/4/2025 09.00-11.00` and judge its lead time; `problem` says what is wrong."""
    today = to_wib(ctx.now).date()
    parsed = parse_when(text, today)
    if parsed is None or parsed.start is None:
        return When(problem=ctx.t("event_team.when_bad"))
    if wib_to_utc(parsed.day, parsed.start) <= ctx.now:
        return When(problem=ctx.t("event_team.when_past"))
    verdict = lead_time(ctx.calendar, today, parsed.day, ctx.settings.event_late_policy)
    earliest = format_date(verdict.earliest, ctx.lang)
    if verdict.refused:
        return When(problem=ctx.t("event_team.too_late", days=verdict.days, earliest=earliest))
    note = ""
    if verdict.late:
        note = ctx.t("event_team.late_flagged", days=verdict.days, earliest=earliest)
    elif verdict.short:
        note = ctx.t("event_team.lead_short", days=verdict.days)
    return When(parsed.day, parsed.start, parsed.end, note=note)


def read_end(ctx: Ctx, text: str, start: time) -> time | str:
    """The end time typed (`11.00`, `jam 11`, `11`), or the problem with it."""
    times = parse_times(text)
    if not times and text.strip().isdigit() and int(text.strip()) <= 23:
        times = [time(int(text.strip()))]
    if not times:
        return ctx.t("event_team.end_bad")
    if times[0] <= start:
        return ctx.t("event_team.end_before_start", start=f"{start:%H.%M}")
    return times[0]


# -- /dukungan ----------------------------------------------------------------------------


class RequestState(StrEnum):
    """Questions of the request flow."""

    TITLE = "title"
    WHEN = "when"
    END = "end"
    PLACE = "place"
    ROLES = "roles"
    OTHER = "other"
    COUNT = "count"
    NOTES = "notes"
    PORTAL = "portal"
    SUMMARY = "summary"
    EDIT = "edit"


class RequestData(FlowData):
    """The request as told so far."""

    started_at: datetime | None = None
    summary_at: datetime | None = None
    title: str = ""
    day: date | None = None
    start: time | None = None
    end: time | None = None
    place: str = ""
    roles: list[tuple[str, int]] = []
    pending_role: str = ""
    notes: str = ""
    portal_ref: str = ""
    editing: bool = False


@dataclass(frozen=True)
class SubmitRequest:
    """Domain command: enter the request (SOP-321 step 2) and notify the lead and the CC."""

    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    roles: tuple[tuple[str, int], ...]
    notes: str
    portal_ref: str
    started_at: datetime
    summary_at: datetime


def _then(ctx: Ctx, d: RequestData, state: str, *replies: Reply) -> Step:
    """Go on to `state`, or back to the summary when a field was being edited."""
    if d.editing or state == RequestState.SUMMARY:
        summary_at = d.summary_at or ctx.now
        return goto(
            RequestState.SUMMARY,
            d.model_copy(update={"editing": False, "summary_at": summary_at}),
            *replies,
        )
    return goto(state, d, *replies)


def _title_prompt(ctx: Ctx, _d: RequestData) -> list[Reply]:
    return [Text(ctx.t("event_team.title_prompt"))]


def _title(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    title = " ".join((given.text or "").split())
    if not 3 <= len(title) <= 200:
        return retry(ctx.t("event_team.title_bad"))
    return _then(ctx, d.model_copy(update={"title": title}), RequestState.WHEN)


def _when_prompt(ctx: Ctx, _d: RequestData) -> list[Reply]:
    return [Text(ctx.t("event_team.when_prompt"))]


def _when(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    when = read_when(ctx, given.text or "")
    if when.problem:
        return retry(when.problem)
    data = d.model_copy(update={"day": when.day, "start": when.start, "end": when.end})
    replies = (Text(when.note),) if when.note else ()
    if when.end is None:
        return goto(RequestState.END, data, *replies)
    return _then(ctx, data, RequestState.PLACE, *replies)


def _end_prompt(ctx: Ctx, d: RequestData) -> list[Reply]:
    assert d.start is not None
    return [Text(ctx.t("event_team.end_prompt", start=f"{d.start:%H.%M}"))]


def _end(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    assert d.start is not None
    end = read_end(ctx, given.text or "", d.start)
    if isinstance(end, str):
        return retry(end)
    return _then(ctx, d.model_copy(update={"end": end}), RequestState.PLACE)


def _place_prompt(ctx: Ctx, _d: RequestData) -> list[Reply]:
    return [Text(ctx.t("event_team.place_prompt"))]


def _place(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    place = " ".join((given.text or "").split())
    if not 2 <= len(place) <= 500:
        return retry(ctx.t("event_team.place_prompt"))
    return _then(ctx, d.model_copy(update={"place": place}), RequestState.ROLES)


def _roles_prompt(ctx: Ctx, d: RequestData) -> list[Reply]:
    chosen = dict(d.roles)
    options: list[tuple[object, str]] = [
        (code, role_label(ctx.t, code) + (f" ({chosen[code]})" if code in chosen else ""))
        for code in ROLE_CODES
    ]
    options += [("other", ctx.t("event_team.role_other")), ("done", ctx.t("event_team.done"))]
    so_far = roles_text(ctx.t, d.roles) if d.roles else ctx.t("event_team.roles_none")
    return [ask(ctx.t("event_team.roles_prompt", roles=so_far), RequestState.ROLES, options)]


def _roles(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    if given.choice == "done":
        if not d.roles:
            return retry(ctx.t("event_team.roles_empty"))
        return _then(ctx, d, RequestState.NOTES)
    if given.choice == "other":
        return goto(RequestState.OTHER, d)
    if given.choice in ROLE_CODES:
        return goto(RequestState.COUNT, d.model_copy(update={"pending_role": given.choice}))
    return retry(ctx.t("core.choose_from_buttons"))


def _other_prompt(ctx: Ctx, _d: RequestData) -> list[Reply]:
    return [Text(ctx.t("event_team.other_prompt"))]


def _other(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    name = " ".join((given.text or "").split())
    if not 2 <= len(name) <= 60:
        return retry(ctx.t("event_team.other_prompt"))
    return goto(RequestState.COUNT, d.model_copy(update={"pending_role": name}))


def _count_prompt(ctx: Ctx, d: RequestData) -> list[Reply]:
    options: list[tuple[object, str]] = [(n, str(n)) for n in range(1, MAX_HEADCOUNT + 1)]
    if d.pending_role in dict(d.roles):
        options.append((0, ctx.t("event_team.remove_role")))
    text = ctx.t("event_team.count_prompt", role=role_label(ctx.t, d.pending_role))
    return [ask(text, RequestState.COUNT, options)]


def _count(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    allowed = {str(n) for n in range(MAX_HEADCOUNT + 1)}
    if given.choice not in allowed or not d.pending_role:
        return retry(ctx.t("core.choose_from_buttons"))
    count = int(given.choice)
    roles = [(r, n) for r, n in d.roles if r != d.pending_role]
    if count:
        at = (
            [r for r, _ in d.roles].index(d.pending_role)
            if d.pending_role in dict(d.roles)
            else len(roles)
        )
        roles.insert(at, (d.pending_role, count))
    # Back to the role list, even while editing: "selesai" there returns to the summary.
    return goto(RequestState.ROLES, d.model_copy(update={"roles": roles, "pending_role": ""}))


def _notes_prompt(ctx: Ctx, _d: RequestData) -> list[Reply]:
    return _skip_or_text(ctx, ctx.t("event_team.notes_prompt"), RequestState.NOTES)


def _notes(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    notes = "" if given.choice == SKIP else (given.text or "").strip()[:2000]
    return _then(ctx, d.model_copy(update={"notes": notes}), RequestState.PORTAL)


def _portal_prompt(ctx: Ctx, _d: RequestData) -> list[Reply]:
    return _skip_or_text(ctx, ctx.t("event_team.portal_prompt"), RequestState.PORTAL)


def _portal(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    ref = "" if given.choice == SKIP else " ".join((given.text or "").split())[:200]
    return _then(ctx, d.model_copy(update={"portal_ref": ref}), RequestState.SUMMARY)


def summary_text(ctx: Ctx, d: RequestData) -> str:
    """The request as the SM confirms it."""
    dash = "–"
    return ctx.t(
        "event_team.summary",
        title=d.title,
        when=when_text(ctx, *fixed_time(d.day, d.start, d.end)),
        place=d.place,
        roles=roles_text(ctx.t, d.roles),
        notes=d.notes or dash,
        portal=d.portal_ref or dash,
    )


def _summary_prompt(ctx: Ctx, d: RequestData) -> list[Reply]:
    return [
        ask(
            summary_text(ctx, d),
            RequestState.SUMMARY,
            [
                ("send", ctx.t("core.confirm")),
                ("edit", ctx.t("core.edit")),
                ("cancel", ctx.t("core.cancel_button")),
            ],
        )
    ]


def _summary(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    if given.choice == "cancel":
        return finish(Text(ctx.t("core.cancelled")))
    if given.choice == "edit":
        return goto(RequestState.EDIT, d)
    if given.choice != "send":
        return retry(ctx.t("core.choose_from_buttons"))
    day, start, end = fixed_time(d.day, d.start, d.end)
    command = SubmitRequest(
        title=d.title,
        starts_at=wib_to_utc(day, start),
        ends_at=wib_to_utc(day, end),
        place=d.place,
        roles=tuple(d.roles),
        notes=d.notes,
        portal_ref=d.portal_ref,
        started_at=d.started_at or ctx.now,
        summary_at=d.summary_at or ctx.now,
    )
    return finish(commands=(command,))


EDITABLE = (
    (RequestState.TITLE, "field_title"),
    (RequestState.WHEN, "field_when"),
    (RequestState.PLACE, "field_place"),
    (RequestState.ROLES, "field_roles"),
    (RequestState.NOTES, "field_notes"),
    (RequestState.PORTAL, "field_portal"),
)


def _edit_prompt(ctx: Ctx, _d: RequestData) -> list[Reply]:
    options: list[tuple[object, str]] = [
        (state.value, ctx.t(f"event_team.{key}")) for state, key in EDITABLE
    ]
    return [ask(ctx.t("event_team.edit_prompt"), RequestState.EDIT, options)]


def _edit(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    if given.choice not in {state.value for state, _ in EDITABLE}:
        return retry(ctx.t("core.choose_from_buttons"))
    return goto(given.choice, d.model_copy(update={"editing": True}))


REQUEST_FLOW = Flow(
    name="dukungan",
    data_model=RequestData,
    states={
        RequestState.TITLE: State(_title_prompt, _title),
        RequestState.WHEN: State(_when_prompt, _when),
        RequestState.END: State(_end_prompt, _end),
        RequestState.PLACE: State(_place_prompt, _place),
        RequestState.ROLES: State(_roles_prompt, _roles),
        RequestState.OTHER: State(_other_prompt, _other),
        RequestState.COUNT: State(_count_prompt, _count),
        RequestState.NOTES: State(_notes_prompt, _notes),
        RequestState.PORTAL: State(_portal_prompt, _portal),
        RequestState.SUMMARY: State(_summary_prompt, _summary),
        RequestState.EDIT: State(_edit_prompt, _edit),
    },
    start=RequestState.TITLE,
)


# -- rescheduling and cancelling (from /permintaan) ----------------------------------------


class ChangeState(StrEnum):
    """Questions of the reschedule and cancel flows."""

    WHEN = "when"
    END = "end"
    REASON = "reason"
    CONFIRM = "confirm"


class ChangeData(FlowData):
    """Which request, and the new time or the reason."""

    request_id: int = 0
    title: str = ""
    day: date | None = None
    start: time | None = None
    end: time | None = None
    reason: str = ""


@dataclass(frozen=True)
class Reschedule:
    """Domain command: move the event; members, lead and reminders follow."""

    request_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class CancelOwnRequest:
    """Domain command: the SM cancels their request."""

    request_id: int
    reason: str


def confirm_options(
    ctx: Ctx, yes: str = "core.confirm", no: str = "core.cancel_button"
) -> list[tuple[object, str]]:
    """The two buttons of a last check: send (yes) or cancel (no)."""
    return [("yes", ctx.t(yes)), ("no", ctx.t(no))]


def _new_when_prompt(ctx: Ctx, d: ChangeData) -> list[Reply]:
    return [Text(ctx.t("event_team.reschedule_prompt", title=d.title))]


def _new_when(ctx: Ctx, d: ChangeData, given: UserInput) -> Step:
    when = read_when(ctx, given.text or "")
    if when.problem:
        return retry(when.problem)
    data = d.model_copy(update={"day": when.day, "start": when.start, "end": when.end})
    replies = (Text(when.note),) if when.note else ()
    return goto(ChangeState.END if when.end is None else ChangeState.CONFIRM, data, *replies)


def _new_end_prompt(ctx: Ctx, d: ChangeData) -> list[Reply]:
    assert d.start is not None
    return [Text(ctx.t("event_team.end_prompt", start=f"{d.start:%H.%M}"))]


def _new_end(ctx: Ctx, d: ChangeData, given: UserInput) -> Step:
    assert d.start is not None
    end = read_end(ctx, given.text or "", d.start)
    if isinstance(end, str):
        return retry(end)
    return goto(ChangeState.CONFIRM, d.model_copy(update={"end": end}))


def _reschedule_confirm_prompt(ctx: Ctx, d: ChangeData) -> list[Reply]:
    text = ctx.t(
        "event_team.reschedule_confirm",
        title=d.title,
        when=when_text(ctx, *fixed_time(d.day, d.start, d.end)),
    )
    return [ask(text, ChangeState.CONFIRM, confirm_options(ctx))]


def _reschedule_confirm(ctx: Ctx, d: ChangeData, given: UserInput) -> Step:
    if given.choice == "no":
        return finish(Text(ctx.t("core.cancelled")))
    if given.choice != "yes":
        return retry(ctx.t("core.choose_from_buttons"))
    day, start, end = fixed_time(d.day, d.start, d.end)
    starts_at, ends_at = wib_to_utc(day, start), wib_to_utc(day, end)
    return finish(commands=(Reschedule(d.request_id, starts_at, ends_at),))


RESCHEDULE_FLOW = Flow(
    name="et_jadwal",
    data_model=ChangeData,
    states={
        ChangeState.WHEN: State(_new_when_prompt, _new_when),
        ChangeState.END: State(_new_end_prompt, _new_end),
        ChangeState.CONFIRM: State(_reschedule_confirm_prompt, _reschedule_confirm),
    },
    start=ChangeState.WHEN,
)


def _reason_prompt(ctx: Ctx, d: ChangeData) -> list[Reply]:
    return [Text(ctx.t("event_team.cancel_reason_prompt", title=d.title))]


def _reason(ctx: Ctx, d: ChangeData, given: UserInput) -> Step:
    reason = " ".join((given.text or "").split())[:500]
    if len(reason) < 3:
        return retry(ctx.t("event_team.cancel_reason_prompt", title=d.title))
    return goto(ChangeState.CONFIRM, d.model_copy(update={"reason": reason}))


def _cancel_confirm_prompt(ctx: Ctx, d: ChangeData) -> list[Reply]:
    text = ctx.t("event_team.cancel_confirm", title=d.title, reason=d.reason)
    options = confirm_options(ctx, "event_team.cancel_yes", "core.no")
    return [ask(text, ChangeState.CONFIRM, options)]


def _cancel_confirm(ctx: Ctx, d: ChangeData, given: UserInput) -> Step:
    if given.choice == "no":
        return finish(Text(ctx.t("event_team.cancel_kept")))
    if given.choice != "yes":
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(CancelOwnRequest(d.request_id, d.reason),))


CANCEL_FLOW = Flow(
    name="et_batal",
    data_model=ChangeData,
    states={
        ChangeState.REASON: State(_reason_prompt, _reason),
        ChangeState.CONFIRM: State(_cancel_confirm_prompt, _cancel_confirm),
    },
    start=ChangeState.REASON,
)


# -- the SM's evaluation form (steps 5-6) --------------------------------------------------


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


def rating_question(ctx: Ctx, state: str, index: int, total: int, label: str) -> Choices:
    """A 1-5 rating whose buttons name the question, so a stale press can't rate another."""
    text = ctx.t("event_team.rate_prompt", n=index + 1, total=total, aspect=label)
    plain = rating_choices(text, state)
    return ask(text, state, [(f"{index}.{n}", o.label) for n, o in enumerate(plain.options, 1)])


def read_rating(given: UserInput, index: int) -> int | None:
    """The rating pressed for question `index`, or None for another question's button."""
    at, _, value = (given.choice or "").partition(".")
    if at != str(index) or value not in {"1", "2", "3", "4", "5"}:
        return None
    return int(value)


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
    return _skip_or_text(ctx, ctx.t("event_team.suggestions_prompt"), EvaluationState.SUGGESTIONS)


def _suggestions(ctx: Ctx, d: EvaluationData, given: UserInput) -> Step:
    text = "" if given.choice == SKIP else (given.text or "").strip()[:2000]
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
