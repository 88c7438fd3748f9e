"""CAN's Serawai menu: the status with delivery counts, turnout, and commands that start a
flow only when there is something to do."""

from __future__ import annotations

from collections.abc import Callable

from bot.buttons import CommandButton
from bot.calendar import format_datetime
from bot.messages import Choices, Option, Text
from bot.registry import CommandHandler, Outcome
from bot.services.context import ServiceCtx
from bot.services.serawai.common import delivery, require_can
from bot.services.serawai.lookup import SerawaiLookup
from bot.services.serawai.rounds import (
    active_proposals,
    latest_round,
    offices_by_id,
    round_sessions,
)
from bot.services.serawai.schedule import schedule_lines
from bot.services.serawai.voting import turnout, voters
from storage.serawai import (
    RoundStatus,
)

# -- CAN's menu: status and turnout ---------------------------------------------------------


def menu_command(ctx: ServiceCtx, _args: str) -> Outcome:
    require_can(ctx)
    entries = (
        ("serawai_buka", "serawai.menu_open"),
        ("serawai_status", "serawai.menu_status"),
        ("serawai_partisipasi", "serawai.menu_turnout"),
        ("serawai_seri", "serawai.menu_tie"),
        ("serawai_jadwal", "serawai.menu_schedule"),
        ("serawai_nilaikantor", "serawai.menu_host_rating"),
        ("serawai_terbaik", "serawai.menu_best"),
    )
    options = tuple(Option(ctx.t(label), CommandButton(name).pack()) for name, label in entries)
    return Outcome([Choices(ctx.t("serawai.menu_title"), options)])


def _delivery_line(ctx: ServiceCtx, label_key: str, key: str) -> str:
    counts = delivery(ctx, key)
    if not counts.total:
        return ""
    return ctx.t(
        "serawai.delivery_line",
        what=ctx.t(label_key),
        total=counts.total,
        queued=counts.queued,
        sent=counts.sent,
        delivered=counts.delivered,
        failed=counts.failed,
    )


def status_command(ctx: ServiceCtx, _args: str) -> Outcome:
    actor = require_can(ctx)
    rnd = latest_round(ctx.session)
    if rnd is None:
        return Outcome([Text(ctx.t("serawai.no_round"))])
    proposals = active_proposals(ctx.session, rnd.id)
    offices = offices_by_id(ctx.session)
    listed = "\n".join(f"• {p.title} ({offices[p.office_id].name})" for p in proposals) or "-"
    regency = sum(1 for o in offices.values() if not o.is_province)
    lines = [
        ctx.t(
            "serawai.status",
            name=rnd.name,
            status=ctx.t(f"serawai.round_status_{rnd.status}"),
            proposals_close=format_datetime(rnd.proposal_closes_at, actor.language),
            voting_close=format_datetime(rnd.voting_closes_at, actor.language),
            count=len(proposals),
            offices=len({p.office_id for p in proposals}),
            regency=regency,
            proposals=listed,
        )
    ]
    if rnd.status == RoundStatus.VOTING:
        lines.append(ctx.t("serawai.status_ballots", count=len(voters(ctx.session, rnd.id))))
    for label_key, key in (
        ("serawai.delivery_announcement", f"serawai:{rnd.id}:announce"),
        ("serawai.delivery_ballot", f"serawai:{rnd.id}:ballot"),
        ("serawai.delivery_results", f"serawai:{rnd.id}:results"),
        ("serawai.delivery_schedule", f"serawai:{rnd.id}:schedule"),
    ):
        line = _delivery_line(ctx, label_key, key)
        if line:
            lines.append(line)
    sessions = round_sessions(ctx.session, rnd.id)
    if sessions:
        schedule = schedule_lines(ctx, actor.language, sessions)
        lines.append(ctx.t("serawai.status_sessions", lines=schedule))
    return Outcome([Text("\n\n".join(lines))])


def turnout_command(ctx: ServiceCtx, _args: str) -> Outcome:
    require_can(ctx)
    rnd = latest_round(ctx.session)
    if rnd is None or rnd.status == RoundStatus.PROPOSALS:
        return Outcome([Text(ctx.t("serawai.turnout_none"))])
    rows = turnout(ctx.session, rnd.id)
    lines = "\n".join(
        ctx.t(
            "serawai.turnout_line",
            code=r.code,
            name=r.name,
            voted=r.voted,
            employees=r.employees,
            percent=round(100 * r.voted / r.employees) if r.employees else 0,
        )
        for r in rows
    )
    voted = sum(r.voted for r in rows)
    everyone = sum(r.employees for r in rows)
    text = ctx.t(
        "serawai.turnout",
        name=rnd.name,
        lines=lines,
        voted=voted,
        employees=everyone,
        percent=round(100 * voted / everyone) if everyone else 0,
    )
    return Outcome([Text(text)])


def start_when(
    flow: str, empty_key: str, ready: Callable[[SerawaiLookup, int], object]
) -> CommandHandler:
    """A CAN command that starts `flow` only when there is something to do."""

    def handler(ctx: ServiceCtx, _args: str) -> Outcome:
        actor = require_can(ctx)
        if not ready(SerawaiLookup(ctx.session), actor.id):
            return Outcome([Text(ctx.t(empty_key))])
        return Outcome(start_flow=flow)

    return handler
