"""The Serawai schedule (step 5): each session's date, host and place, and the broadcasts."""

from __future__ import annotations

from bot.calendar import format_datetime
from bot.flows.serawai.schedule import SetSchedule
from bot.messages import Reply, Text
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.committee import ask_committee
from bot.services.serawai.common import (
    PROGRAM,
    broadcast,
    decision,
    office_name,
    require_can,
    round_ref,
)
from bot.services.serawai.rounds import round_sessions
from bot.services.serawai.sessions import plan_session, withdraw_event_team
from storage.models import Office
from storage.serawai import (
    RoundStatus,
    SerawaiRound,
    SerawaiSession,
    SessionStatus,
)

# -- step 5: the schedule -------------------------------------------------------------------


def set_schedule(ctx: ServiceCtx, cmd: SetSchedule) -> list[Reply]:
    actor = require_can(ctx)
    sesi = ctx.session.get(SerawaiSession, cmd.session_id)
    if sesi is None or sesi.status == SessionStatus.HELD:
        raise UserError(ctx.t("core.stale_button"))
    rnd = ctx.session.get(SerawaiRound, sesi.round_id)
    if rnd is None or rnd.status not in (RoundStatus.DECIDED, RoundStatus.SCHEDULED):
        raise UserError(ctx.t("core.stale_button"))
    if cmd.starts_at <= ctx.now or ctx.session.get(Office, cmd.host_office_id) is None:
        raise UserError(ctx.t("serawai.schedule_past"))
    moved = sesi.starts_at is not None
    sesi.starts_at, sesi.ends_at = cmd.starts_at, cmd.ends_at
    sesi.host_office_id, sesi.place = cmd.host_office_id, cmd.place
    sesi.status = SessionStatus.SCHEDULED
    stamp = decision(ctx, "serawai_schedule", f"session:{sesi.id}", at=cmd.starts_at.isoformat())
    replies: list[Reply] = [
        Text(
            ctx.t(
                "serawai.schedule_saved",
                title=sesi.title,
                when=format_datetime(cmd.starts_at, actor.language),
                host=office_name(ctx, sesi.host_office_id),
            )
        )
    ]
    if rnd.status == RoundStatus.SCHEDULED:
        withdraw_event_team(ctx, sesi)
        plan_session(ctx, sesi, stamp)
        if moved:
            _announce_move(ctx, sesi, stamp)
        return replies
    sessions = round_sessions(ctx.session, rnd.id)
    if all(s.starts_at is not None for s in sessions):
        rnd.status = RoundStatus.SCHEDULED
        _announce_schedule(ctx, rnd, sessions)
        ctx.step_done(PROGRAM, 5, round_ref(rnd.id))
        for each in sessions:
            plan_session(ctx, each, stamp)
            ask_committee(ctx, each)
        replies.append(Text(ctx.t("serawai.schedule_announced", count=len(sessions))))
    else:
        left = sum(1 for s in sessions if s.starts_at is None)
        replies.append(Text(ctx.t("serawai.schedule_left", left=left)))
    return replies


def schedule_lines(ctx: ServiceCtx, lang: str, sessions: list[SerawaiSession]) -> str:
    return "\n".join(
        ctx.catalog.t(
            "serawai.schedule_line",
            lang,
            n=s.rank,
            title=s.title,
            when=format_datetime(s.starts_at, lang) if s.starts_at else "-",
            host=office_name(ctx, s.host_office_id),
            place=s.place,
        )
        for s in sessions
    )


def _announce_schedule(ctx: ServiceCtx, rnd: SerawaiRound, sessions: list[SerawaiSession]) -> None:
    broadcast(
        ctx,
        f"serawai:{rnd.id}:schedule",
        lambda lang: [
            Text(
                ctx.catalog.t(
                    "serawai.schedule_announcement",
                    lang,
                    name=rnd.name,
                    lines=schedule_lines(ctx, lang, sessions),
                )
            )
        ],
    )


def _announce_move(ctx: ServiceCtx, sesi: SerawaiSession, stamp: int) -> None:
    broadcast(
        ctx,
        f"serawai:s{sesi.id}:moved:{stamp}",
        lambda lang: [
            Text(
                ctx.catalog.t(
                    "serawai.schedule_moved", lang, lines=schedule_lines(ctx, lang, [sesi])
                )
            )
        ],
    )
