"""Pegasus (SOP-330): weekly motivational posters, from the duty roster to the proof of posting.

This module registers the feature and answers the two commands everyone has: `/pegasus`
(my turn and its status) and `/jadwal` (the roster). The steps live in `pegasus_roster`
(step 1: pool, roster, absences, swaps) and `pegasus_poster` (steps 2-5: templates,
reminders, the poster, approval, posting, proof).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.calendar import format_date
from bot.flows import pegasus_poster as poster_flows
from bot.flows import pegasus_roster as roster_flows
from bot.messages import Choices, Image, Option, Reply, Text
from bot.payload import encode
from bot.registry import Command, Outcome, Registry
from bot.services import pegasus_poster as poster
from bot.services import pegasus_roster as roster
from bot.services.context import ServiceCtx
from bot.services.pegasus_common import status_text, today, when_text
from storage.pegasus import OPEN_STATUSES, Duty, DutyStatus, RosterPeriod

PJ = frozenset({"pj_pegasus"})
HUMAS = frozenset({"humas"})
SHOWN_DUTIES = 3


def my_duty(ctx: ServiceCtx, _args: str) -> Outcome:
    """/pegasus: the actor's coming turns with their status and what to do next."""
    assert ctx.actor is not None
    me = ctx.employee(ctx.actor.id)
    lang = ctx.actor.language
    duties = list(
        ctx.session.scalars(
            select(Duty)
            .where(Duty.employee_id == me.id)
            .where(
                (Duty.posting_date >= today(ctx) - timedelta(days=7))
                & Duty.status.not_in((DutyStatus.PROVEN, DutyStatus.MISSED))
                | (Duty.posting_date >= today(ctx))
            )
            .order_by(Duty.posting_date)
            .limit(SHOWN_DUTIES)
        )
    )
    replies: list[Reply] = []
    if not duties:
        replies.append(Text(ctx.t("pegasus.no_duty")))
    for duty in duties:
        text = ctx.t(
            "pegasus.my_duty",
            date=when_text(duty.posting_date, lang),
            status=status_text(ctx, duty.status),
        )
        if duty.quote:
            text += "\n" + ctx.t("pegasus.my_quote", quote=duty.quote)
        if duty.status == DutyStatus.CHANGES and duty.review_note:
            text += "\n" + ctx.t("pegasus.remind_note", note=duty.review_note)
        if duty.status in OPEN_STATUSES and duty.posting_date >= today(ctx):
            replies.append(poster.duty_buttons(ctx, duty, me, text))
        else:
            replies.append(Text(text))
    if ctx.actor.has("pj_pegasus", "humas"):
        replies.extend(_waiting_for_review(ctx))
    return Outcome(replies)


def _waiting_for_review(ctx: ServiceCtx) -> list[Reply]:
    assert ctx.actor is not None
    waiting = list(
        ctx.session.scalars(
            select(Duty).where(Duty.status == DutyStatus.SUBMITTED).order_by(Duty.posting_date)
        )
    )
    if not waiting:
        return []
    me = ctx.employee(ctx.actor.id)
    options = []
    for duty in waiting[:8]:
        label = f"{duty.employee.name} · {format_date(duty.posting_date, me.language)}"
        options.append(Option(label, encode(poster.REVIEW_PREFIX, duty.id, "show")))
    return [Choices(ctx.t("pegasus.waiting_review", n=len(waiting)), tuple(options))]


def show_roster(ctx: ServiceCtx, _args: str) -> Outcome:
    """/jadwal: the current (or next) roster as an image, the actor's own week highlighted."""
    assert ctx.actor is not None
    now_day = today(ctx)
    period = ctx.session.scalar(
        select(RosterPeriod)
        .where(RosterPeriod.end_date >= now_day)
        .order_by(RosterPeriod.start_date)
        .limit(1)
    ) or ctx.session.scalar(select(RosterPeriod).order_by(RosterPeriod.end_date.desc()).limit(1))
    if period is None:
        return Outcome([Text(ctx.t("pegasus.no_roster"))])
    mine = list(
        ctx.session.scalars(
            select(Duty)
            .where(Duty.period_id == period.id, Duty.employee_id == ctx.actor.id)
            .order_by(Duty.posting_date)
        )
    )
    lang = ctx.actor.language
    upcoming = [d for d in mine if d.posting_date >= now_day]
    highlight = upcoming[0].week if upcoming else None
    pages = roster.render_period(ctx, period, highlight)
    if upcoming:
        dates = ", ".join(format_date(d.posting_date, lang) for d in upcoming)
        yours = ctx.t("pegasus.roster_you", dates=dates)
    else:
        yours = ctx.t("pegasus.roster_not_you")
    head = ctx.t(
        "pegasus.roster_head",
        start=format_date(period.start_date, lang),
        end=format_date(period.end_date, lang),
    )
    return Outcome([Text(f"{head}\n{yours}"), *(Image(str(p)) for p in pages)])


def absence_command(ctx: ServiceCtx, _args: str) -> Outcome:
    """/cuti: record dates one is away (the PJ may record anyone's)."""
    assert ctx.actor is not None
    if ctx.actor.has("pj_pegasus"):
        return Outcome(start_flow=roster_flows.ABSENCE_PJ_FLOW.name)
    data = roster_flows.AbsenceData(employee_id=ctx.actor.id, employee_name=ctx.actor.name)
    return Outcome(start_flow=roster_flows.ABSENCE_FLOW.name, flow_data=data)


def register(reg: Registry) -> None:
    """Pegasus flows, commands, buttons and scheduled jobs."""
    for flow in (
        roster_flows.POOL_FLOW,
        roster_flows.ROSTER_FLOW,
        roster_flows.ABSENCE_FLOW,
        roster_flows.ABSENCE_PJ_FLOW,
        roster_flows.SWAP_FLOW,
        roster_flows.CANCEL_ABSENCE_FLOW,
    ):
        flow.lookup = roster.RosterLookup
        reg.flow(flow)
    reg.flow(poster_flows.CONTENT_FLOW)
    reg.flow(poster_flows.NOTE_FLOW)
    reg.flow(poster_flows.PROOF_FLOW)
    reg.flow(poster_flows.TEMPLATE_FLOW)

    reg.command(Command("pegasus", "pegasus.cmd_pegasus", handler=my_duty, order=30))
    reg.command(Command("jadwal", "pegasus.cmd_jadwal", handler=show_roster, order=31))
    reg.command(Command("cuti", "pegasus.cmd_cuti", handler=absence_command, order=32))
    reg.command(
        Command(
            "batalcuti", "pegasus.cmd_batalcuti", handler=roster.absence_cancel_command, order=32
        )
    )
    reg.command(
        Command("tukar", "pegasus.cmd_tukar", handler=roster.swap_command, order=33, in_menu=False)
    )
    reg.command(
        Command("bukti", "pegasus.cmd_bukti", roles=HUMAS, handler=poster.proof_command, order=34)
    )
    reg.command(
        Command(
            "susunjadwal",
            "pegasus.cmd_susunjadwal",
            roles=PJ,
            flow=roster_flows.ROSTER_FLOW.name,
            order=35,
        )
    )
    reg.command(
        Command(
            "petugas", "pegasus.cmd_petugas", roles=PJ, flow=roster_flows.POOL_FLOW.name, order=36
        )
    )
    reg.command(
        Command(
            "desain", "pegasus.cmd_desain", roles=PJ, handler=poster.template_command, order=37
        )
    )

    reg.handles(roster_flows.AddCommunity, roster.add_community)
    reg.handles(roster_flows.AddToPool, roster.add_to_pool)
    reg.handles(roster_flows.RemoveFromPool, roster.remove_from_pool)
    reg.handles(roster_flows.PreviewRoster, roster.preview_roster)
    reg.handles(roster_flows.PublishRoster, roster.publish_roster)
    reg.handles(roster_flows.RecordAbsence, roster.record_absence)
    reg.handles(roster_flows.CancelAbsences, roster.cancel_absences)
    reg.handles(roster_flows.RequestSwap, roster.request_swap)
    reg.handles(poster_flows.RenderPreview, poster.render_preview)
    reg.handles(poster_flows.SubmitPoster, poster.submit_poster)
    reg.handles(poster_flows.RequestChanges, poster.request_changes)
    reg.handles(poster_flows.RecordProof, poster.record_proof)
    reg.handles(poster_flows.SetTemplate, poster.set_template)
    reg.handles(poster_flows.MakeVariant, poster.make_template_variant)

    reg.action(roster.SWAP_PREFIX, roster.swap_action)
    reg.action(roster.SWAP_START_PREFIX, roster.swap_start_action)
    reg.action(poster.CONTENT_PREFIX, poster.content_action)
    reg.action(poster.REVIEW_PREFIX, poster.review_action)
    reg.action(poster.PROOF_PREFIX, poster.proof_action)

    reg.reminder("pegasus.remind", poster.remind)
    reg.reminder("pegasus.post", poster.post)
    reg.reminder("pegasus.followup", poster.followup)
