"""Serawai check-in (step 9): the code on screen and the code typed."""

from __future__ import annotations

from sqlalchemy import select

from bot.calendar import format_time
from bot.flows.serawai.codes import CHECKIN_FLOW, CheckIn
from bot.flows.serawai.rules import (
    CHECKIN_OPENS_BEFORE,
    checkin_code,
    code_matches,
    code_valid_until,
)
from bot.messages import Reply, Text
from bot.registry import Outcome
from bot.services.context import ServiceCtx
from bot.services.serawai.common import may_host, the_actor
from bot.services.serawai.sessions import has_job, sessions_of
from storage.serawai import (
    CommitteeRole,
    SerawaiAttendance,
    SerawaiSession,
    SessionStatus,
)

# -- step 9: the session: check-in, minutes and photos --------------------------------------


def _running(ctx: ServiceCtx) -> list[SerawaiSession]:
    """Sessions whose check-in is open now (from half an hour before until the end)."""
    return [
        s
        for s in sessions_of(ctx, SessionStatus.SCHEDULED)
        if s.starts_at is not None
        and s.ends_at is not None
        and s.starts_at - CHECKIN_OPENS_BEFORE <= ctx.now <= s.ends_at
    ]


def check_in(ctx: ServiceCtx, code: str) -> list[Reply]:
    """Record the actor at the running session whose current code they typed."""
    actor = the_actor(ctx)
    running = _running(ctx)
    if not running:
        return [Text(ctx.t("serawai.checkin_none"))]
    match = next((s for s in running if code_matches(s.checkin_secret, code, ctx.now)), None)
    if match is None:
        return [Text(ctx.t("serawai.checkin_wrong"))]
    earlier = ctx.session.scalar(
        select(SerawaiAttendance).where(
            SerawaiAttendance.session_id == match.id, SerawaiAttendance.employee_id == actor.id
        )
    )
    if earlier is not None:
        when = format_time(earlier.checked_in_at)
        return [Text(ctx.t("serawai.checkin_again", title=match.title, time=when))]
    ctx.session.add(
        SerawaiAttendance(session_id=match.id, employee_id=actor.id, checked_in_at=ctx.now)
    )
    ctx.session.flush()  # one row per person: a racing twin press fails here and re-runs
    return [Text(ctx.t("serawai.checkin_done", title=match.title, time=format_time(ctx.now)))]


def checkin_command(ctx: ServiceCtx, args: str) -> Outcome:
    if not args.strip():
        if not _running(ctx):
            return Outcome([Text(ctx.t("serawai.checkin_none"))])
        return Outcome(start_flow=CHECKIN_FLOW.name)
    return Outcome(check_in(ctx, args))


def code_command(ctx: ServiceCtx, _args: str) -> Outcome:
    actor = the_actor(ctx)
    mine = [
        s
        for s in _running(ctx)
        if may_host(actor, s) or has_job(ctx.session, s.id, actor.id, CommitteeRole.COORDINATOR)
    ]
    if not mine:
        return Outcome([Text(ctx.t("serawai.code_none"))])
    until = format_time(code_valid_until(ctx.now))
    lines = [
        Text(
            ctx.t(
                "serawai.code_now",
                title=s.title,
                code=checkin_code(s.checkin_secret, ctx.now),
                until=until,
            )
        )
        for s in mine
    ]
    return Outcome(list(lines))


def check_in_typed(ctx: ServiceCtx, cmd: CheckIn) -> list[Reply]:
    return check_in(ctx, cmd.code)
