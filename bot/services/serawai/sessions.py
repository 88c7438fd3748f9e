"""Serawai sessions: reading them, planning their due work, the Event Team request (step 8),
the start and the end (certificates for speakers, ratings and minutes asked).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import bot.services.serawai.certificates as certificates
from bot.buttons import CommandButton
from bot.calendar import format_time, to_wib, wib_to_utc
from bot.flows.serawai.rules import (
    EVENT_TEAM_DAYS,
    EVENT_TEAM_ROLES,
    PREP_REMINDER_DAYS,
    SESSION_HOURS,
)
from bot.messages import Choices, Option, Text
from bot.registry import Outcome
from bot.services import event_team
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.buttons import MinutesButton, RateButton, SessionButton
from bot.services.serawai.common import (
    PROGRAM,
    ask_to_act,
    may_host,
    move,
    office_name,
    session_ref,
    the_actor,
)
from storage.models import Employee, Reminder
from storage.serawai import (
    CommitteeRole,
    SerawaiAttendance,
    SerawaiCommitteeMember,
    SerawaiDocument,
    SerawaiSession,
    SessionStatus,
)

log = logging.getLogger(__name__)


# -- reading sessions -----------------------------------------------------------------------


def get_session(ctx: ServiceCtx, session_id: int | None) -> SerawaiSession:
    sesi = ctx.session.get(SerawaiSession, session_id or 0)
    if sesi is None:
        raise UserError(ctx.t("core.stale_button"))
    return sesi


def hosted_session(ctx: ServiceCtx, session_id: int | None) -> SerawaiSession:
    """A session the actor may act for as host (host office's CA, or CAN)."""
    sesi = get_session(ctx, session_id)
    if not may_host(the_actor(ctx), sesi):
        raise UserError(ctx.t("core.not_allowed"))
    return sesi


def committee(session: Session, session_id: int) -> dict[str, list[Employee]]:
    """The committee by job."""
    rows = session.execute(
        select(SerawaiCommitteeMember.role, Employee)
        .join(Employee, Employee.id == SerawaiCommitteeMember.employee_id)
        .where(SerawaiCommitteeMember.session_id == session_id)
        .order_by(SerawaiCommitteeMember.id)
    )
    members: dict[str, list[Employee]] = {}
    for role, employee in rows:
        members.setdefault(role, []).append(employee)
    return members


def has_job(session: Session, session_id: int, employee_id: int, *roles: str) -> bool:
    found = session.scalar(
        select(SerawaiCommitteeMember.id).where(
            SerawaiCommitteeMember.session_id == session_id,
            SerawaiCommitteeMember.employee_id == employee_id,
            SerawaiCommitteeMember.role.in_(roles),
        )
    )
    return found is not None


def sessions_of(ctx: ServiceCtx, *statuses: SessionStatus) -> list[SerawaiSession]:
    return list(
        ctx.session.scalars(
            select(SerawaiSession)
            .where(SerawaiSession.status.in_(statuses))
            .order_by(SerawaiSession.starts_at, SerawaiSession.id)
        )
    )


def pick_or_start(
    ctx: ServiceCtx,
    sessions: list[SerawaiSession],
    button: Callable[[int], SessionButton],
    start: Callable[[ServiceCtx, int | None], Outcome],
    none_key: str,
) -> Outcome:
    """One session: `start` it now; several: a `button` for each to choose; none: say so."""
    if not sessions:
        return Outcome([Text(ctx.t(none_key))])
    if len(sessions) == 1:
        return start(ctx, sessions[0].id)
    options = tuple(Option(s.title, button(s.id).pack()) for s in sessions)
    return Outcome([Choices(ctx.t("serawai.pick_session"), options)])


# -- scheduling a session's due work --------------------------------------------------------


def plan_session(ctx: ServiceCtx, sesi: SerawaiSession, plan_id: int) -> None:
    """Schedule the session's reminders (preparation, Event Team, start, end) for its date.

    A new date replaces the pending ones; `plan_id` (the scheduling decision) keeps the keys
    of each plan apart, so a reminder already sent for the old date is sent again for the new.
    """
    assert sesi.starts_at is not None
    assert sesi.ends_at is not None
    ctx.cancel_reminders(f"serawai:s{sesi.id}:plan:", "the session was rescheduled")
    day = to_wib(sesi.starts_at).date()
    at_nine = time(9, 0)
    plan: dict[str, datetime] = {
        "prep_reminder": wib_to_utc(
            ctx.calendar.add_working_days(day, -PREP_REMINDER_DAYS), at_nine
        ),
        "event_team": max(
            ctx.now, wib_to_utc(ctx.calendar.add_working_days(day, -EVENT_TEAM_DAYS), at_nine)
        ),
        "session_start": sesi.starts_at - timedelta(minutes=15),
        "session_end": sesi.ends_at,
    }
    for kind, due in plan.items():
        if kind == "prep_reminder" and due <= ctx.now:
            continue
        key = f"serawai:s{sesi.id}:plan:{plan_id}:{kind}"
        ctx.schedule(key, f"serawai.{kind}", due, args={"session_id": sesi.id})


def withdraw_event_team(ctx: ServiceCtx, sesi: SerawaiSession) -> None:
    """A moved session's Event Team request is cancelled; the new plan asks again."""
    if sesi.event_request_id is None:
        return
    reason = ctx.catalog.t("serawai.event_team_moved", "id", title=sesi.title)
    with contextlib.suppress(UserError):  # already closed: nothing left to withdraw
        event_team.cancel_request(ctx, sesi.event_request_id, reason)
    sesi.event_request_id = None


# -- step 8: the Event Team request ---------------------------------------------------------


def event_team_reminder(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    sesi = ctx.session.get(SerawaiSession, row.args.get("session_id"))
    if sesi is None or sesi.status != SessionStatus.SCHEDULED or sesi.event_request_id:
        return False
    assert sesi.starts_at is not None
    assert sesi.ends_at is not None
    members = committee(ctx.session, sesi.id)
    hosts = ctx.holders("ca", sesi.host_office_id)
    candidates = members.get(CommitteeRole.COORDINATOR) or hosts
    if not candidates:
        log.warning("Serawai session %s has no coordinator or host CA for Event Team", sesi.id)
        return False
    requester = candidates[0]
    notes = ctx.catalog.t(
        "serawai.event_team_notes",
        "id",
        host=office_name(ctx, sesi.host_office_id),
        committee=", ".join(
            f"{ctx.catalog.t(f'serawai.job_{role}', 'id')}: {', '.join(p.name for p in people)}"
            for role, people in members.items()
        )
        or "-",
    )
    try:
        request_id = event_team.open_request(
            ctx,
            requester_id=requester.id,
            title=ctx.catalog.t("serawai.cert_session", "id", title=sesi.title),
            starts_at=sesi.starts_at,
            ends_at=sesi.ends_at,
            place=sesi.place,
            roles=dict(EVENT_TEAM_ROLES),
            notes=notes,
            linked_ref=f"serawai:{sesi.id}",
            enforce_lead_time=False,
        )
    except UserError as refused:  # e.g. the session is already under way: nothing to ask for
        log.warning("no Event Team request for Serawai session %s: %s", sesi.id, refused)
        return False
    sesi.event_request_id = request_id
    ref = session_ref(sesi.id)
    ctx.step_started(PROGRAM, 8, ref, f"{EVENT_TEAM_DAYS}wd", at=row.due_at)
    ctx.step_done(PROGRAM, 8, ref)
    ctx.audit("serawai_event_team", ref, request_id=request_id)
    for ca in hosts:
        text = ctx.t_for(ca, "serawai.event_team_opened", title=sesi.title, request=request_id)
        ctx.notify(ca, [Text(text)], key=f"serawai:s{sesi.id}:event-team:{ca.id}")
    return True


def session_start(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    sesi = ctx.session.get(SerawaiSession, row.args.get("session_id"))
    if sesi is None or sesi.status != SessionStatus.SCHEDULED or sesi.starts_at is None:
        return False
    ctx.step_started(PROGRAM, 9, session_ref(sesi.id), f"{SESSION_HOURS * 60}m", at=sesi.starts_at)
    people = committee(ctx.session, sesi.id).get(CommitteeRole.COORDINATOR, [])
    for person in {p.id: p for p in [*people, *ctx.holders("ca", sesi.host_office_id)]}.values():
        text = ctx.t_for(
            person, "serawai.session_soon", title=sesi.title, time=format_time(sesi.starts_at)
        )
        ctx.notify(person, [Text(text)], key=f"serawai:s{sesi.id}:start:{person.id}")
    return True


# -- the end of the session: certificates for speakers, ratings asked -----------------------


def session_end(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    sesi = ctx.session.get(SerawaiSession, row.args.get("session_id"))
    scheduled = SerawaiSession.status == SessionStatus.SCHEDULED
    if sesi is None or not move(ctx, sesi, scheduled, status=SessionStatus.HELD):
        return False
    ref = session_ref(sesi.id)
    ctx.step_done(PROGRAM, 9, ref, at=sesi.ends_at)
    ctx.step_started(PROGRAM, 11, ref, "1wd")
    ctx.step_started(PROGRAM, 10, ref, "65wd")  # a triwulan: about 65 working days
    members = committee(ctx.session, sesi.id)
    speakers = members.get(CommitteeRole.SPEAKER, [])
    for speaker in speakers:
        certificates.send(ctx, sesi, speaker, "speaker")
    speaker_ids = {s.id for s in speakers}
    for attendance in attendance_of(ctx.session, sesi.id):
        if attendance.employee_id in speaker_ids:
            continue
        participant = ctx.employee(attendance.employee_id)
        if not speakers:
            certificates.send(ctx, sesi, participant, "participant")
            continue
        text = ctx.t_for(participant, "serawai.rate_ask", title=sesi.title)
        key = f"serawai:s{sesi.id}:rate-ask:{participant.id}"
        rate = RateButton(sesi.id).pack()
        ask_to_act(ctx, participant, text, "serawai.rate_button", rate, key)
    for member in ctx.holders("can"):
        text = ctx.t_for(
            member,
            "serawai.host_rating_ask",
            title=sesi.title,
            host=office_name(ctx, sesi.host_office_id),
        )
        key = f"serawai:s{sesi.id}:host-ask:{member.id}"
        rate_host = CommandButton("serawai_nilaikantor").pack()
        ask_to_act(ctx, member, text, "serawai.host_rating_button", rate_host, key)
    for taker in members.get(CommitteeRole.MINUTE_TAKER, []):
        text = ctx.t_for(taker, "serawai.minutes_ask", title=sesi.title)
        key = f"serawai:s{sesi.id}:minutes-ask:{taker.id}"
        minutes = MinutesButton(sesi.id).pack()
        ask_to_act(ctx, taker, text, "serawai.minutes_button", minutes, key)
    for ca in ctx.holders("ca", sesi.host_office_id):
        text = ctx.t_for(ca, "serawai.report_ask", title=sesi.title)
        ctx.notify(ca, [Text(text)], key=f"serawai:s{sesi.id}:report-ask:{ca.id}")
    return True


def attendance_of(session: Session, session_id: int) -> list[SerawaiAttendance]:
    return list(
        session.scalars(
            select(SerawaiAttendance)
            .where(SerawaiAttendance.session_id == session_id)
            .order_by(SerawaiAttendance.id)
        )
    )


def documents_of(session: Session, session_id: int, kind: str) -> list[SerawaiDocument]:
    return list(
        session.scalars(
            select(SerawaiDocument)
            .where(SerawaiDocument.session_id == session_id, SerawaiDocument.kind == kind)
            .order_by(SerawaiDocument.id)
        )
    )
