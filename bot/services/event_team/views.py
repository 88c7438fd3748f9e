"""SOP-321 lists: `/permintaan` (the SM's requests, and what waits for the lead) and `/tugas`
(a member's assignments), each with the buttons that apply."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.flows.event_team.rules import (
    role_label,
)
from bot.messages import Choices, Option, Reply, Text
from bot.registry import Command, Outcome, Registry
from bot.services.context import ServiceCtx
from bot.services.event_team.buttons import (
    AssignButton,
    CancelButton,
    DeclineButton,
    DocumentationButton,
    EvaluationButton,
    RescheduleButton,
)
from bot.services.event_team.common import (
    EVALUATED,
    TEAM,
    actor_id,
    evaluation_of,
    event_when,
    lang_of,
    vacant_slots,
)
from storage.event_team import (
    OPEN_STATUSES,
    AssignmentStatus,
    EventRequest,
    RequestStatus,
    RoleAssignment,
)


def _status(ctx: ServiceCtx, req: EventRequest) -> str:
    return ctx.t(f"event_team.status_{req.status}")


def _my_requests(ctx: ServiceCtx, _args: str) -> Outcome:
    own = list(
        ctx.session.scalars(
            select(EventRequest)
            .where(EventRequest.requester_id == actor_id(ctx))
            .order_by(EventRequest.starts_at.desc())
            .limit(10)
        )
    )
    lang = lang_of(ctx)
    replies: list[Reply] = []
    options: list[Option] = []
    if own:
        lines = [f"#{r.id} {r.title}\n   {event_when(r, lang)}\n   {_status(ctx, r)}" for r in own]
        for r in own:
            if r.status in OPEN_STATUSES and r.starts_at > ctx.now:
                options.append(
                    Option(
                        ctx.t("event_team.button_reschedule", id=r.id),
                        RescheduleButton(r.id).pack(),
                    )
                )
                options.append(
                    Option(ctx.t("event_team.button_cancel", id=r.id), CancelButton(r.id).pack())
                )
            elif r.status in EVALUATED and evaluation_of(ctx.session, r.id) is None:
                options.append(
                    Option(
                        ctx.t("event_team.button_eval_id", id=r.id), EvaluationButton(r.id).pack()
                    )
                )
        text = ctx.t("event_team.my_requests", lines="\n".join(lines))
        replies.append(Choices(text, tuple(options[:10])) if options else Text(text))
    else:
        replies.append(Text(ctx.t("event_team.my_requests_none")))
    if ctx.actor is not None and ctx.actor.has("et_lead"):
        waiting = [
            r
            for r in ctx.session.scalars(
                select(EventRequest)
                .where(EventRequest.status.in_(OPEN_STATUSES), EventRequest.starts_at > ctx.now)
                .order_by(EventRequest.starts_at)
            )
            if vacant_slots(ctx.session, r)
        ]
        if waiting:
            lines = [f"#{r.id} {r.title} — {event_when(r, lang)}" for r in waiting]
            buttons = tuple(
                Option(ctx.t("event_team.button_assign_id", id=r.id), AssignButton(r.id).pack())
                for r in waiting[:10]
            )
            replies.append(
                Choices(ctx.t("event_team.waiting_assignment", lines="\n".join(lines)), buttons)
            )
    return Outcome(replies)


def my_assignments(
    ctx: ServiceCtx, upcoming_only: bool = False
) -> list[tuple[RoleAssignment, EventRequest]]:
    """The actor's active assignments (upcoming only, or the last 30 days on)."""
    query = (
        select(RoleAssignment, EventRequest)
        .join(EventRequest, EventRequest.id == RoleAssignment.request_id)
        .where(
            RoleAssignment.member_id == actor_id(ctx),
            RoleAssignment.status == AssignmentStatus.ACTIVE,
            EventRequest.status.in_([RequestStatus.ASSIGNED, *EVALUATED]),
        )
        .order_by(EventRequest.starts_at)
    )
    if upcoming_only:
        query = query.where(EventRequest.starts_at > ctx.now)
    else:
        query = query.where(EventRequest.ends_at >= ctx.now - timedelta(days=30))
    return [(a, r) for a, r in ctx.session.execute(query)]


def _my_tasks(ctx: ServiceCtx, _args: str) -> Outcome:
    rows = my_assignments(ctx)
    if not rows:
        return Outcome([Text(ctx.t("event_team.my_tasks_none"))])
    lang = lang_of(ctx)
    lines: list[str] = []
    options: list[Option] = []
    for assignment, req in rows:
        role = role_label(ctx.catalog.translator(lang), assignment.role)
        lines.append(f"#{req.id} {req.title}\n   {role} — {event_when(req, lang)}\n   {req.place}")
        if req.status == RequestStatus.ASSIGNED and req.starts_at > ctx.now:
            options.append(
                Option(
                    ctx.t("event_team.button_decline_id", id=req.id),
                    DeclineButton(assignment.id).pack(),
                )
            )
        elif req.status in EVALUATED:
            options.append(
                Option(
                    ctx.t("event_team.button_doc_id", id=req.id),
                    DocumentationButton(req.id).pack(),
                )
            )
    text = ctx.t("event_team.my_tasks", lines="\n".join(lines))
    return Outcome([Choices(text, tuple(options[:10])) if options else Text(text)])


def register(reg: Registry) -> None:
    """`/permintaan` and `/tugas`."""
    reg.command(Command("permintaan", "event_team.cmd_permintaan", handler=_my_requests, order=11))
    reg.command(Command("tugas", "event_team.cmd_tugas", roles=TEAM, handler=_my_tasks, order=12))
