"""SOP-321 step 4: members send the event's photos (`/dokumentasi`)."""

from __future__ import annotations

from sqlalchemy import select

from bot.flows.event_team import member as member_flows
from bot.flows.event_team.rules import (
    DOC_WINDOW,
    PROGRAM,
)
from bot.messages import Reply, Text
from bot.registry import Command, Outcome, Registry
from bot.services.context import ServiceCtx, UserError
from bot.services.event_team.buttons import DocumentationButton
from bot.services.event_team.common import (
    EVALUATED,
    TEAM,
    actor_id,
    event_ref,
)
from storage.event_team import (
    AssignmentStatus,
    EventDocumentation,
    EventRequest,
    RoleAssignment,
)


def _documentable(ctx: ServiceCtx) -> list[EventRequest]:
    """Events the actor served in that ended lately, newest first."""
    return list(
        ctx.session.scalars(
            select(EventRequest)
            .join(RoleAssignment, RoleAssignment.request_id == EventRequest.id)
            .where(
                RoleAssignment.member_id == actor_id(ctx),
                RoleAssignment.status == AssignmentStatus.ACTIVE,
                EventRequest.status.in_(EVALUATED),
                EventRequest.ends_at >= ctx.now - DOC_WINDOW,
            )
            .order_by(EventRequest.ends_at.desc())
        )
    )


def _start_documentation(ctx: ServiceCtx, request_id: int | None) -> Outcome:
    events = _documentable(ctx)
    if request_id is not None:
        events = [e for e in events if e.id == request_id]
        if not events:
            raise UserError(ctx.t("event_team.doc_not_yours"))
    if not events:
        return Outcome([Text(ctx.t("event_team.doc_none"))])
    choices = [(e.id, f"#{e.id} {e.title}"[:60]) for e in events]
    data = member_flows.DocumentationData(
        request_id=events[0].id if len(events) == 1 else None, choices=choices
    )
    return Outcome(start_flow=member_flows.DOCUMENTATION_FLOW.name, flow_data=data)


def _save_documentation(ctx: ServiceCtx, cmd: member_flows.SaveDocumentation) -> list[Reply]:
    if cmd.request_id not in {e.id for e in _documentable(ctx)}:
        raise UserError(ctx.t("event_team.doc_not_yours"))
    for media in cmd.media:
        ctx.session.add(
            EventDocumentation(
                request_id=cmd.request_id,
                member_id=actor_id(ctx),
                path=media.path,
                content_type=media.content_type,
                received_at=ctx.now,
            )
        )
    ctx.step_done(PROGRAM, 4, event_ref(cmd.request_id))
    ctx.session.flush()
    total = len(
        ctx.session.scalars(
            select(EventDocumentation.id).where(EventDocumentation.request_id == cmd.request_id)
        ).all()
    )
    return [Text(ctx.t("event_team.doc_saved", count=len(cmd.media), total=total))]


def _documentation_command(ctx: ServiceCtx, _args: str) -> Outcome:
    return _start_documentation(ctx, None)


def _documentation_pressed(ctx: ServiceCtx, pressed: DocumentationButton) -> Outcome:
    return _start_documentation(ctx, pressed.request_id)


def register(reg: Registry) -> None:
    """`/dokumentasi`, its flow and what it does."""
    reg.flow(member_flows.DOCUMENTATION_FLOW)
    reg.command(
        Command(
            "dokumentasi",
            "event_team.cmd_dokumentasi",
            roles=TEAM,
            handler=_documentation_command,
            order=14,
        )
    )
    reg.button(DocumentationButton, _documentation_pressed)
    reg.handles(member_flows.SaveDocumentation, _save_documentation)
