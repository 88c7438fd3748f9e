"""SOP-321, the SM's side: `/dukungan`, requesting Event Team support (steps 1-2).

It collects the title, date and time, place, roles with headcounts, notes and Portal Pintar
reference, and checks the lead time in working days before anything is sent. Rescheduling and
cancelling are in `change`, the SM's evaluation form in `evaluation`, the lead's and members'
conversations in `lead` and `member`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from bot.calendar import wib_to_utc
from bot.flows.base import Ctx, Flow, FlowData, State, Step, UserInput, ask, finish, goto, retry
from bot.flows.event_team.questions import (
    SKIP,
    fixed_time,
    read_end,
    read_roles,
    read_when,
    roles_text,
    skip_or_text,
    when_text,
)
from bot.flows.event_team.rules import MAX_HEADCOUNT, ROLE_CODES, role_label
from bot.flows.typed import (
    block,
    count_problem,
    line,
    odd_hour_answer,
    odd_hour_question,
    odd_time,
    whole_number,
)
from bot.messages import Reply, Text

# -- /dukungan ----------------------------------------------------------------------------


class RequestState(StrEnum):
    """Questions of the request flow."""

    TITLE = "title"
    WHEN = "when"
    WHEN_CHECK = "when_check"
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
    title = line(ctx.t, given.text, 3, 200)
    if title.problem:
        return retry(title.problem)
    return _then(ctx, d.model_copy(update={"title": title.value}), RequestState.WHEN)


def _when_prompt(ctx: Ctx, _d: RequestData) -> list[Reply]:
    return [Text(ctx.t("event_team.when_prompt"))]


def _when(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    when = read_when(ctx, given.text or "")
    if when.problem:
        return retry(when.problem)
    data = d.model_copy(update={"day": when.day, "start": when.start, "end": when.end})
    replies = (Text(when.note),) if when.note else ()
    if when.odd is not None:
        return goto(RequestState.WHEN_CHECK, data, *replies)
    return _after_when(ctx, data, *replies)


def _after_when(ctx: Ctx, d: RequestData, *replies: Reply) -> Step:
    if d.end is None:
        return goto(RequestState.END, d, *replies)
    return _then(ctx, d, RequestState.PLACE, *replies)


def _when_check_prompt(ctx: Ctx, d: RequestData) -> list[Reply]:
    return [odd_hour_question(ctx.t, RequestState.WHEN_CHECK, d.start, d.end)]


def _when_check(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    again = goto(RequestState.WHEN, d.model_copy(update={"start": None, "end": None}))
    return odd_hour_answer(ctx.t, given, _after_when(ctx, d), again)


def _end_prompt(ctx: Ctx, d: RequestData) -> list[Reply]:
    assert d.start is not None
    return [Text(ctx.t("event_team.end_prompt", start=f"{d.start:%H.%M}"))]


def _end(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    assert d.start is not None
    end = read_end(ctx, given.text or "", d.start)
    if isinstance(end, str):
        return retry(end)
    data = d.model_copy(update={"end": end})
    if odd_time(end) is not None:
        return goto(RequestState.WHEN_CHECK, data)
    return _then(ctx, data, RequestState.PLACE)


def _place_prompt(ctx: Ctx, _d: RequestData) -> list[Reply]:
    return [Text(ctx.t("event_team.place_prompt"))]


def _place(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    place = line(ctx.t, given.text, 2, 500)
    if place.problem:
        return retry(place.problem)
    return _then(ctx, d.model_copy(update={"place": place.value}), RequestState.ROLES)


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
    typed = read_roles(ctx.t, given.text or "") if given.choice is None else []
    if isinstance(typed, str):
        return retry(typed)
    if not typed:
        return retry(ctx.t("event_team.roles_typed_bad"))
    roles = dict(d.roles)
    roles.update(typed)  # a role typed again takes its new count, in its old place
    data = d.model_copy(update={"roles": list(roles.items())})
    return _then(
        ctx,
        data,
        RequestState.NOTES,
        Text(ctx.t("event_team.roles_read", roles=roles_text(ctx.t, data.roles))),
    )


def _other_prompt(ctx: Ctx, _d: RequestData) -> list[Reply]:
    return [Text(ctx.t("event_team.other_prompt"))]


def _other(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    name = line(ctx.t, given.text, 2, 60)
    if name.problem:
        return retry(name.problem)
    return goto(RequestState.COUNT, d.model_copy(update={"pending_role": name.value}))


def _count_prompt(ctx: Ctx, d: RequestData) -> list[Reply]:
    options: list[tuple[object, str]] = [(n, str(n)) for n in range(1, MAX_HEADCOUNT + 1)]
    if d.pending_role in dict(d.roles):
        options.append((0, ctx.t("event_team.remove_role")))
    text = ctx.t("event_team.count_prompt", role=role_label(ctx.t, d.pending_role))
    return [ask(text, RequestState.COUNT, options)]


def _count(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    allowed = {str(n) for n in range(MAX_HEADCOUNT + 1)}
    typed = whole_number(given.text) if given.choice is None else None
    if typed is not None:  # a number typed that is no button: say what the range is
        return retry(
            count_problem(ctx.t, typed, MAX_HEADCOUNT) or ctx.t("core.choose_from_buttons")
        )
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
    return skip_or_text(ctx, ctx.t("event_team.notes_prompt"), RequestState.NOTES)


def _notes(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    notes = block(ctx.t, "" if given.choice == SKIP else given.text, 2000)
    if notes.problem:
        return retry(notes.problem)
    return _then(ctx, d.model_copy(update={"notes": notes.value}), RequestState.PORTAL)


def _portal_prompt(ctx: Ctx, _d: RequestData) -> list[Reply]:
    return skip_or_text(ctx, ctx.t("event_team.portal_prompt"), RequestState.PORTAL)


def _portal(ctx: Ctx, d: RequestData, given: UserInput) -> Step:
    ref = " ".join((given.text or "").split()) if given.choice != SKIP else ""
    if len(ref) > 200:
        return retry(ctx.t("core.text_long", limit=200, length=len(ref)))
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
        RequestState.WHEN_CHECK: State(_when_check_prompt, _when_check, back=False),
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
