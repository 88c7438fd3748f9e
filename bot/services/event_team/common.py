"""SOP-321 services: what every concern shares (reminder kinds and keys, texts, guards).

Every button re-reads the request and checks who pressed it; every state change that two
people (or two presses) could race on is a conditional UPDATE on the request's status, and
the assignment table's partial unique indexes keep one member per slot.

Reminder keys all start with `et:<request id>:`, so a cancellation withdraws them in one go;
those tied to the event's time also carry the request's revision (`r<n>`), so a reschedule
withdraws the old ones and schedules new ones without clashing with keys already used.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.buttons import Button
from bot.calendar import format_date, format_time, to_wib
from bot.flows.event_team.rules import (
    Slot,
    role_label,
    slots_for,
)
from bot.messages import Option
from bot.services.context import ServiceCtx, UserError
from storage.event_team import (
    OPEN_STATUSES,
    AssignmentStatus,
    EventEvaluation,
    EventRequest,
    RequestStatus,
    RoleAssignment,
)
from storage.models import Employee

KEY_PREFIX = "et"  # reminder and notice keys: et:<request id>:...
KIND_CHASE = "et.chase"  # a step not done in time: remind, then tell the CC
KIND_MEMBER = "et.member_remind"  # the working day before, and two hours before
KIND_END = "et.event_end"  # the event ended: documentation, evaluation form
EVALUATED = (RequestStatus.HELD, RequestStatus.CLOSED)
TEAM = frozenset({"et_member", "et_lead"})  # who may use the members' commands

# -- small helpers ------------------------------------------------------------------------


def event_ref(request_id: int) -> str:
    """The request's reference in step records and the audit log."""
    return f"event:{request_id}"


def key_of(req: EventRequest, *parts: object) -> str:
    """A reminder or notice key of the request: `et:<id>:<parts>`."""
    return ":".join([KEY_PREFIX, str(req.id), *(str(p) for p in parts)])


def timed_key_of(req: EventRequest, *parts: object) -> str:
    """A key tied to the event's time: it carries the request's revision."""
    return key_of(req, f"r{req.revision}", *parts)


def phrase(ctx: ServiceCtx, person: Employee, key: str, /, **values: Any) -> str:
    """The catalog text `event_team.<key>` in `person`'s language."""
    return ctx.t_for(person, f"event_team.{key}", **values)


def role_name(ctx: ServiceCtx, person: Employee, role: str) -> str:
    """A role's name in `person`'s language."""
    return role_label(ctx.catalog.translator(person.language), role)


def event_when(req: EventRequest, lang: str) -> str:
    """'Senin, 6 April 2026, 09.00–11.00 WIB'."""
    day = format_date(to_wib(req.starts_at).date(), lang)
    return f"{day}, {format_time(req.starts_at)}–{format_time(req.ends_at)} WIB"


def about(ctx: ServiceCtx, person: Employee, req: EventRequest) -> dict[str, Any]:
    """The placeholders most texts share: the event's title, time and place."""
    return {
        "id": req.id,
        "title": req.title,
        "when": event_when(req, person.language),
        "place": req.place,
    }


def option_for(ctx: ServiceCtx, person: Employee, key: str, button: Button) -> Option:
    """A button with its label (catalog key `event_team.<key>`) in `person`'s language."""
    return Option(phrase(ctx, person, key), button.pack())


def roles_of(req: EventRequest) -> list[tuple[str, int]]:
    """The request's roles with their headcounts, in the order asked."""
    return [(str(role), int(count)) for role, count in req.roles]


def slots_of(req: EventRequest) -> list[Slot]:
    """The request's slots, one per person asked for."""
    return slots_for(roles_of(req))


def active_assignments(session: Session, request_id: int) -> list[RoleAssignment]:
    """The members serving at the request now, in assignment order."""
    return list(
        session.scalars(
            select(RoleAssignment)
            .where(
                RoleAssignment.request_id == request_id,
                RoleAssignment.status == AssignmentStatus.ACTIVE,
            )
            .order_by(RoleAssignment.id)
        )
    )


def get_request(ctx: ServiceCtx, request_id: int | None) -> EventRequest:
    """The request a button or command names, or a stale-button error."""
    req = ctx.session.get(EventRequest, request_id) if request_id is not None else None
    if req is None:
        raise UserError(ctx.t("core.stale_button"))
    return req


def refuse_closed(ctx: ServiceCtx, req: EventRequest) -> None:
    """Refuse a press on a request that is no longer open, or whose event has begun."""
    if req.status not in OPEN_STATUSES or req.starts_at <= ctx.now:
        raise UserError(ctx.t("event_team.request_closed", id=req.id))


def require(ctx: ServiceCtx, allowed: bool) -> None:
    """Refuse the step unless `allowed`."""
    if not allowed:
        raise UserError(ctx.t("core.not_allowed"))


def lang_of(ctx: ServiceCtx) -> str:
    """The actor's language (Indonesian when nobody acts)."""
    return ctx.actor.language if ctx.actor else "id"


def actor_id(ctx: ServiceCtx) -> int:
    """The employee id of whoever acts."""
    assert ctx.actor is not None
    return ctx.actor.id


def leads(ctx: ServiceCtx) -> list[Employee]:
    """Every Event Team lead."""
    return ctx.holders("et_lead")


def ccs(ctx: ServiceCtx) -> list[Employee]:
    """Every CC (they are told of new requests and late steps)."""
    return ctx.holders("cc")


def vacant_slots(session: Session, req: EventRequest) -> list[tuple[int, Slot]]:
    """The slots (with their index) that have no active member."""
    taken = {(a.role, a.slot) for a in active_assignments(session, req.id)}
    return [(i, s) for i, s in enumerate(slots_of(req)) if (s.role, s.number) not in taken]


def evaluation_of(session: Session, request_id: int) -> EventEvaluation | None:
    """The SM's evaluation of the request, if it was filled."""
    return session.scalar(select(EventEvaluation).where(EventEvaluation.request_id == request_id))
