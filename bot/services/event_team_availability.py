"""SOP-321: a member takes back dates they marked unavailable (`/tersedia`).

Marking (`/tidaktersedia`) lives with the rest of the member's side in event_team.py; this is
its way back. The list offered is the member's own upcoming dates, and carrying out the
choice re-reads them: only the presser's own rows, only dates not yet past, each once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from bot.calendar import format_date, to_wib
from bot.flows import event_team_member as member_flows
from bot.flows.withdraw import MAX_SHOWN, WithdrawData
from bot.messages import Reply, Text
from bot.registry import Command, Outcome, Registry
from bot.services.context import ServiceCtx, UserError
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
    """The `/tersedia` command, its flow and what it does."""
    reg.flow(member_flows.AVAILABLE_FLOW)
    reg.command(
        Command(
            "tersedia",
            "event_team.cmd_tersedia",
            roles=frozenset({"et_member", "et_lead"}),
            handler=_available_command,
            order=13,
        )
    )
    reg.handles(member_flows.ClearUnavailable, _clear_unavailable)
