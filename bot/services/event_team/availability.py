"""SOP-321: a member marks days unavailable (`/tidaktersedia`) and takes them back (`/tersedia`).

The list `/tersedia` offers is the member's own upcoming dates, and carrying out the choice
re-reads them: only the presser's own rows, only dates not yet past, each once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from bot.calendar import format_date, to_wib
from bot.flows.event_team import member as member_flows
from bot.flows.withdraw import MAX_SHOWN, WithdrawData
from bot.messages import Reply, Text
from bot.registry import Command, Outcome, Registry
from bot.services.context import ServiceCtx, UserError
from bot.services.event_team.common import TEAM, actor_id
from bot.services.event_team.views import my_assignments
from storage.event_team import MemberUnavailability


def _today(ctx: ServiceCtx) -> date:
    return to_wib(ctx.now).date()


def _available_command(ctx: ServiceCtx, _args: str) -> Outcome:
    """/tersedia: the member's upcoming unavailable dates, to pick from."""
    assert ctx.actor is not None
    days = ctx.session.scalars(
        select(MemberUnavailability.day)
        .where(
            MemberUnavailability.member_id == ctx.actor.id,
            MemberUnavailability.day >= _today(ctx),
        )
        .order_by(MemberUnavailability.day)
        .limit(MAX_SHOWN)
    ).all()
    if not days:
        return Outcome([Text(ctx.t("event_team.available_none"))])
    items = [(day.isoformat(), format_date(day, ctx.actor.language)) for day in days]
    return Outcome(
        start_flow=member_flows.AVAILABLE_FLOW.name, flow_data=WithdrawData(items=items)
    )


def _mark_unavailable(ctx: ServiceCtx, cmd: member_flows.MarkUnavailable) -> list[Reply]:
    member_id = actor_id(ctx)
    known = set(
        ctx.session.scalars(
            select(MemberUnavailability.day).where(
                MemberUnavailability.member_id == member_id,
                MemberUnavailability.day.in_(cmd.days),
            )
        )
    )
    for day in cmd.days:
        if day not in known:
            ctx.session.add(
                MemberUnavailability(
                    member_id=member_id, day=day, reason=cmd.reason, created_at=ctx.now
                )
            )
    ctx.audit("event_unavailable", str(member_id), days=[d.isoformat() for d in cmd.days])
    replies: list[Reply] = [Text(ctx.t("event_team.unavailable_saved", count=len(cmd.days)))]
    clashes = [
        req
        for req in my_assignments(ctx, upcoming_only=True)
        if to_wib(req[1].starts_at).date() in cmd.days
    ]
    if clashes:
        titles = ", ".join(f"#{r.id} {r.title}" for _, r in clashes)
        replies.append(Text(ctx.t("event_team.unavailable_clash", events=titles)))
    return replies


def _clear_unavailable(ctx: ServiceCtx, cmd: member_flows.ClearUnavailable) -> list[Reply]:
    assert ctx.actor is not None
    wanted = [day for day in cmd.days if day >= _today(ctx)]
    removed = ctx.session.execute(
        delete(MemberUnavailability)
        .where(
            MemberUnavailability.member_id == ctx.actor.id,
            MemberUnavailability.day.in_(wanted),
        )
        .returning(MemberUnavailability.day)
    ).all()
    if not removed:
        raise UserError(ctx.t("event_team.available_gone"))
    days = sorted(row.day for row in removed)
    ctx.audit("event_available", str(ctx.actor.id), days=[d.isoformat() for d in days])
    return [Text(ctx.t("event_team.available_saved", count=len(days)))]


def register(reg: Registry) -> None:
    """`/tidaktersedia` and `/tersedia`, their flows and what they do."""
    reg.flow(member_flows.UNAVAILABLE_FLOW)
    reg.command(
        Command(
            "tidaktersedia",
            "event_team.cmd_tidaktersedia",
            roles=TEAM,
            flow="tidaktersedia",
            order=13,
        )
    )
    reg.handles(member_flows.MarkUnavailable, _mark_unavailable)
    reg.flow(member_flows.AVAILABLE_FLOW)
    reg.command(
        Command(
            "tersedia",
            "event_team.cmd_tersedia",
            roles=TEAM,
            handler=_available_command,
            order=13,
        )
    )
    reg.handles(member_flows.ClearUnavailable, _clear_unavailable)
