"""Serawai sessions (steps 6-11): committee, preparation, Event Team, the session itself,
certificates, ratings, the report and the best speaker and host of a period.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.calendar import format_time, to_wib, wib_to_utc
from bot.flows import serawai as can_flows
from bot.flows import serawai_sesi as sesi_flows
from bot.messages import Choices, Document, Option, Reply, Text
from bot.payload import Payload, encode
from bot.registry import Command, Outcome, Registry
from bot.services import event_team
from bot.services import serawai_sertifikat as certificates
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai_common import (
    ACTION,
    PROGRAM,
    ask_to_act,
    decision,
    may_host,
    move,
    office_name,
    province_office_id,
    require_can,
    session_ref,
    the_actor,
    when_text,
)
from bot.services.serawai_rules import (
    MIN_HOST_RATINGS,
    MIN_SPEAKER_RATINGS,
    HostRating,
    SpeakerRating,
    best_hosts,
    best_speakers,
    checkin_code,
    code_matches,
    code_valid_until,
)
from storage.models import Employee, Office, Reminder
from storage.serawai import (
    CommitteeRole,
    ReportStatus,
    SerawaiAttendance,
    SerawaiCommitteeMember,
    SerawaiDocument,
    SerawaiHostRating,
    SerawaiSession,
    SerawaiSpeakerRating,
    SessionStatus,
)

log = logging.getLogger(__name__)

PREP_ITEMS = ("invitation", "speech", "venue", "materials")
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
EVENT_TEAM_DAYS = 10
PREP_REMINDER_DAYS = 5
# What a Serawai asks of the Event Team (SOP-321 role names): documentation and an operator for
# the room or meeting link; the committee covers the moderator and the minute taker.
EVENT_TEAM_ROLES = {"dokumentasi": 1, "operator": 1}


# -- reading sessions -----------------------------------------------------------------------


def _session(ctx: ServiceCtx, session_id: int | None) -> SerawaiSession:
    sesi = ctx.session.get(SerawaiSession, session_id or 0)
    if sesi is None:
        raise UserError(ctx.t("core.stale_button"))
    return sesi


def _hosted(ctx: ServiceCtx, session_id: int | None) -> SerawaiSession:
    """A session the actor may act for as host (host office's CA, or CAN)."""
    sesi = _session(ctx, session_id)
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


def _has_job(session: Session, session_id: int, employee_id: int, *roles: str) -> bool:
    found = session.scalar(
        select(SerawaiCommitteeMember.id).where(
            SerawaiCommitteeMember.session_id == session_id,
            SerawaiCommitteeMember.employee_id == employee_id,
            SerawaiCommitteeMember.role.in_(roles),
        )
    )
    return found is not None


def _sessions_of(ctx: ServiceCtx, *statuses: SessionStatus) -> list[SerawaiSession]:
    return list(
        ctx.session.scalars(
            select(SerawaiSession)
            .where(SerawaiSession.status.in_(statuses))
            .order_by(SerawaiSession.starts_at, SerawaiSession.id)
        )
    )


def _pick_or_start(
    ctx: ServiceCtx, sessions: list[SerawaiSession], verb: str, none_key: str
) -> Outcome:
    """One session: act on it now; several: buttons to choose; none: say so."""
    if not sessions:
        return Outcome([Text(ctx.t(none_key))])
    if len(sessions) == 1:
        return action(ctx, Payload(ACTION, (verb, str(sessions[0].id))))
    options = tuple(Option(s.title, encode(ACTION, verb, s.id)) for s in sessions)
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


# -- step 6: committee ----------------------------------------------------------------------


def ask_committee(ctx: ServiceCtx, sesi: SerawaiSession) -> None:
    """Ask the host office's CAs for the committee."""
    ctx.step_started(PROGRAM, 6, session_ref(sesi.id), "1wd")
    for ca in ctx.holders("ca", sesi.host_office_id):
        text = ctx.t_for(
            ca, "serawai.committee_ask", title=sesi.title, when=when_text(ctx, ca, sesi.starts_at)
        )
        key = f"serawai:s{sesi.id}:committee-ask:{ca.id}"
        ask_to_act(ctx, ca, text, "serawai.committee_button", encode(ACTION, "k", sesi.id), key)


def _start_committee(ctx: ServiceCtx, session_id: int | None) -> Outcome:
    sesi = _hosted(ctx, session_id)
    if sesi.status != SessionStatus.SCHEDULED:
        raise UserError(ctx.t("serawai.session_not_open"))
    data = sesi_flows.CommitteeData(session_id=sesi.id, title=sesi.title)
    return Outcome(start_flow=sesi_flows.COMMITTEE_FLOW.name, flow_data=data)


def _submit_committee(ctx: ServiceCtx, cmd: sesi_flows.SubmitCommittee) -> list[Reply]:
    sesi = _hosted(ctx, cmd.session_id)
    if sesi.status != SessionStatus.SCHEDULED:
        raise UserError(ctx.t("serawai.session_not_open"))
    jobs: dict[str, list[int]] = {}
    for role, employee_id in cmd.members:
        jobs.setdefault(role, []).append(employee_id)
    single = (CommitteeRole.COORDINATOR, CommitteeRole.MODERATOR, CommitteeRole.MINUTE_TAKER)
    if any(len(jobs.get(r, [])) != 1 for r in single) or not jobs.get(CommitteeRole.SPEAKER):
        raise UserError(ctx.t("serawai.committee_incomplete"))
    people = {e: ctx.session.get(Employee, e) for ids in jobs.values() for e in ids}
    if any(p is None or not p.active for p in people.values()):
        raise UserError(ctx.t("core.stale_button"))
    ctx.session.execute(
        delete(SerawaiCommitteeMember).where(SerawaiCommitteeMember.session_id == sesi.id)
    )
    for role, ids in jobs.items():
        for employee_id in ids:
            ctx.session.add(
                SerawaiCommitteeMember(session_id=sesi.id, role=role, employee_id=employee_id)
            )
    first = sesi.committee_at is None
    sesi.committee_at = ctx.now
    ref = session_ref(sesi.id)
    ctx.step_done(PROGRAM, 6, ref)
    stamp = decision(ctx, "serawai_committee", ref, members=[list(m) for m in cmd.members])
    for role, ids in jobs.items():
        for employee_id in ids:
            person = people[employee_id]
            assert person is not None
            text = ctx.t_for(
                person,
                f"serawai.you_are_{role}",
                title=sesi.title,
                when=when_text(ctx, person, sesi.starts_at),
                place=sesi.place,
            )
            ctx.notify(
                person, [Text(text)], key=f"serawai:s{sesi.id}:job:{role}:{person.id}:{stamp}"
            )
    if first:
        ctx.step_started(PROGRAM, 7, ref, "1wd")
        for ca in ctx.holders("ca", sesi.host_office_id):
            ctx.notify(ca, [_checklist(ctx, ca, sesi)], key=f"serawai:s{sesi.id}:prep-ask:{ca.id}")
    _tell_province(ctx, sesi, "serawai.province_committee", stamp)
    return [Text(ctx.t("serawai.committee_saved", title=sesi.title))]


# -- step 7: preparation checklist, reported to the province CA -----------------------------


def _done_items(sesi: SerawaiSession) -> dict[str, bool]:
    return {item: bool(getattr(sesi, f"prep_{item}")) for item in PREP_ITEMS}


def _checklist(ctx: ServiceCtx, employee: Employee, sesi: SerawaiSession) -> Choices:
    done = _done_items(sesi)
    options = tuple(
        Option(
            ("✅ " if done[item] else "⬜ ") + ctx.t_for(employee, f"serawai.prep_{item}"),
            encode(ACTION, "p", sesi.id, item),
        )
        for item in PREP_ITEMS
    )
    text = ctx.t_for(
        employee,
        "serawai.prep_prompt",
        title=sesi.title,
        when=when_text(ctx, employee, sesi.starts_at),
        done=sum(done.values()),
        total=len(PREP_ITEMS),
    )
    return Choices(text, options)


def _progress(ctx: ServiceCtx, employee: Employee, sesi: SerawaiSession) -> str:
    done = _done_items(sesi)
    return ", ".join(
        ("✅ " if done[item] else "⬜ ") + ctx.t_for(employee, f"serawai.prep_{item}")
        for item in PREP_ITEMS
    )


def _tell_province(ctx: ServiceCtx, sesi: SerawaiSession, key: str, tag: object) -> None:
    """Report to the province CA (CA of office 1700) on the session's preparation."""
    for ca in ctx.holders("ca", province_office_id(ctx)):
        text = ctx.t_for(
            ca,
            key,
            title=sesi.title,
            host=office_name(ctx, sesi.host_office_id),
            when=when_text(ctx, ca, sesi.starts_at),
            progress=_progress(ctx, ca, sesi),
            done=sum(_done_items(sesi).values()),
            total=len(PREP_ITEMS),
        )
        ctx.notify(ca, [Text(text)], key=f"serawai:s{sesi.id}:province:{tag}:{ca.id}")


def _toggle_prep(ctx: ServiceCtx, payload: Payload) -> Outcome:
    sesi = _hosted(ctx, payload.int_part(1))
    item = payload.part(2)
    if item not in PREP_ITEMS:
        raise UserError(ctx.t("core.unknown_button"))
    if sesi.status != SessionStatus.SCHEDULED:
        raise UserError(ctx.t("serawai.session_not_open"))
    value = not getattr(sesi, f"prep_{item}")
    setattr(sesi, f"prep_{item}", value)
    employee = ctx.employee(the_actor(ctx).id)
    done = sum(_done_items(sesi).values())
    stamp = decision(ctx, "serawai_prep", session_ref(sesi.id), item=item, done=value)
    if done == len(PREP_ITEMS):
        ctx.step_done(PROGRAM, 7, session_ref(sesi.id))
        _tell_province(ctx, sesi, "serawai.province_ready", stamp)
    else:
        _tell_province(ctx, sesi, "serawai.province_progress", stamp)
    return Outcome([_checklist(ctx, employee, sesi)])


def _prep_command(ctx: ServiceCtx, _args: str) -> Outcome:
    actor = the_actor(ctx)
    mine = [s for s in _sessions_of(ctx, SessionStatus.SCHEDULED) if may_host(actor, s)]
    if not mine:
        return Outcome([Text(ctx.t("serawai.no_hosted_session"))])
    employee = ctx.employee(actor.id)
    return Outcome([_checklist(ctx, employee, s) for s in mine])


def _prep_reminder(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    sesi = ctx.session.get(SerawaiSession, row.args.get("session_id"))
    if sesi is None or sesi.status != SessionStatus.SCHEDULED or all(_done_items(sesi).values()):
        return False
    for ca in ctx.holders("ca", sesi.host_office_id):
        ctx.notify(
            ca,
            [_checklist(ctx, ca, sesi)],
            kind="reminder",
            key=f"serawai:s{sesi.id}:prep-reminder:{ca.id}",
        )
    return True


# -- step 8: the Event Team request ---------------------------------------------------------


def _event_team(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
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


# -- step 9: the session: check-in, minutes and photos --------------------------------------


def _running(ctx: ServiceCtx) -> list[SerawaiSession]:
    """Sessions whose check-in is open now (from half an hour before until the end)."""
    return [
        s
        for s in _sessions_of(ctx, SessionStatus.SCHEDULED)
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


def _checkin_command(ctx: ServiceCtx, args: str) -> Outcome:
    if not args.strip():
        if not _running(ctx):
            return Outcome([Text(ctx.t("serawai.checkin_none"))])
        return Outcome(start_flow=sesi_flows.CHECKIN_FLOW.name)
    return Outcome(check_in(ctx, args))


def _code_command(ctx: ServiceCtx, _args: str) -> Outcome:
    actor = the_actor(ctx)
    mine = [
        s
        for s in _running(ctx)
        if may_host(actor, s) or _has_job(ctx.session, s.id, actor.id, CommitteeRole.COORDINATOR)
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


def _session_start(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    sesi = ctx.session.get(SerawaiSession, row.args.get("session_id"))
    if sesi is None or sesi.status != SessionStatus.SCHEDULED or sesi.starts_at is None:
        return False
    ctx.step_started(
        PROGRAM, 9, session_ref(sesi.id), f"{can_flows.SESSION_HOURS * 60}m", at=sesi.starts_at
    )
    people = committee(ctx.session, sesi.id).get(CommitteeRole.COORDINATOR, [])
    for person in {p.id: p for p in [*people, *ctx.holders("ca", sesi.host_office_id)]}.values():
        text = ctx.t_for(
            person, "serawai.session_soon", title=sesi.title, time=format_time(sesi.starts_at)
        )
        ctx.notify(person, [Text(text)], key=f"serawai:s{sesi.id}:start:{person.id}")
    return True


def _may_upload(ctx: ServiceCtx, sesi: SerawaiSession) -> bool:
    actor = the_actor(ctx)
    jobs = (CommitteeRole.MINUTE_TAKER, CommitteeRole.COORDINATOR)
    return may_host(actor, sesi) or _has_job(ctx.session, sesi.id, actor.id, *jobs)


def _start_minutes(ctx: ServiceCtx, session_id: int | None) -> Outcome:
    sesi = _session(ctx, session_id)
    if not _may_upload(ctx, sesi) or sesi.status == SessionStatus.UNSCHEDULED:
        raise UserError(ctx.t("core.not_allowed"))
    data = sesi_flows.SessionData(session_id=sesi.id, title=sesi.title)
    return Outcome(start_flow=sesi_flows.MINUTES_FLOW.name, flow_data=data)


def _minutes_command(ctx: ServiceCtx, _args: str) -> Outcome:
    mine = [
        s
        for s in _sessions_of(ctx, SessionStatus.SCHEDULED, SessionStatus.HELD)
        if s.report_status != ReportStatus.APPROVED
        and s.starts_at is not None
        and s.starts_at - CHECKIN_OPENS_BEFORE <= ctx.now
        and _may_upload(ctx, s)
    ]
    return _pick_or_start(ctx, mine, "m", "serawai.no_minutes_session")


def _store_documents(ctx: ServiceCtx, cmd: sesi_flows.StoreDocuments) -> list[Reply]:
    sesi = _session(ctx, cmd.session_id)
    if cmd.kind == "report" and not may_host(the_actor(ctx), sesi):
        raise UserError(ctx.t("core.not_allowed"))
    if cmd.kind != "report" and not _may_upload(ctx, sesi):
        raise UserError(ctx.t("core.not_allowed"))
    kinds = []
    for media in cmd.media:
        kind = cmd.kind or ("photo" if media.kind == "photo" else "minutes")
        ctx.session.add(
            SerawaiDocument(
                session_id=sesi.id,
                kind=kind,
                path=media.path,
                filename=media.filename,
                content_type=media.content_type,
                uploaded_by_id=the_actor(ctx).id,
                uploaded_at=ctx.now,
            )
        )
        kinds.append(kind)
    ctx.session.flush()
    ctx.audit("serawai_documents", session_ref(sesi.id), kinds=kinds)
    if cmd.kind == "report":
        return [Text(ctx.t("serawai.report_document_saved"))]
    minutes = len(_documents(ctx.session, sesi.id, "minutes"))
    photos = len(_documents(ctx.session, sesi.id, "photo"))
    return [Text(ctx.t("serawai.files_saved", minutes=minutes, photos=photos))]


# -- the end of the session: certificates for speakers, ratings asked -----------------------


def _session_end(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
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
    for attendance in _attendance(ctx.session, sesi.id):
        if attendance.employee_id in speaker_ids:
            continue
        participant = ctx.employee(attendance.employee_id)
        if not speakers:
            certificates.send(ctx, sesi, participant, "participant")
            continue
        text = ctx.t_for(participant, "serawai.rate_ask", title=sesi.title)
        key = f"serawai:s{sesi.id}:rate-ask:{participant.id}"
        rate = encode(ACTION, "n", sesi.id)
        ask_to_act(ctx, participant, text, "serawai.rate_button", rate, key)
    for member in ctx.holders("can"):
        text = ctx.t_for(
            member,
            "serawai.host_rating_ask",
            title=sesi.title,
            host=office_name(ctx, sesi.host_office_id),
        )
        key = f"serawai:s{sesi.id}:host-ask:{member.id}"
        rate_host = encode("cmd", "serawai_nilaikantor")
        ask_to_act(ctx, member, text, "serawai.host_rating_button", rate_host, key)
    for taker in members.get(CommitteeRole.MINUTE_TAKER, []):
        text = ctx.t_for(taker, "serawai.minutes_ask", title=sesi.title)
        key = f"serawai:s{sesi.id}:minutes-ask:{taker.id}"
        minutes = encode(ACTION, "m", sesi.id)
        ask_to_act(ctx, taker, text, "serawai.minutes_button", minutes, key)
    for ca in ctx.holders("ca", sesi.host_office_id):
        text = ctx.t_for(ca, "serawai.report_ask", title=sesi.title)
        ctx.notify(ca, [Text(text)], key=f"serawai:s{sesi.id}:report-ask:{ca.id}")
    return True


def _attendance(session: Session, session_id: int) -> list[SerawaiAttendance]:
    return list(
        session.scalars(
            select(SerawaiAttendance)
            .where(SerawaiAttendance.session_id == session_id)
            .order_by(SerawaiAttendance.id)
        )
    )


# -- step 11: ratings; the participant's certificate follows the rating ---------------------


def _rated(session: Session, session_id: int, rater_id: int) -> bool:
    found = session.scalar(
        select(SerawaiSpeakerRating.id).where(
            SerawaiSpeakerRating.session_id == session_id,
            SerawaiSpeakerRating.rater_id == rater_id,
        )
    )
    return found is not None


def _participant(ctx: ServiceCtx, session_id: int | None) -> SerawaiSession:
    """A held session the actor checked in to."""
    sesi = _session(ctx, session_id)
    checked_in = ctx.session.scalar(
        select(SerawaiAttendance.id).where(
            SerawaiAttendance.session_id == sesi.id,
            SerawaiAttendance.employee_id == the_actor(ctx).id,
        )
    )
    if checked_in is None or sesi.status != SessionStatus.HELD:
        raise UserError(ctx.t("serawai.rate_not_participant"))
    return sesi


def _speakers_to_rate(ctx: ServiceCtx, sesi: SerawaiSession) -> list[Employee]:
    actor_id = the_actor(ctx).id
    return [
        s
        for s in committee(ctx.session, sesi.id).get(CommitteeRole.SPEAKER, [])
        if s.id != actor_id
    ]


def _start_rating(ctx: ServiceCtx, session_id: int | None) -> Outcome:
    sesi = _participant(ctx, session_id)
    if _rated(ctx.session, sesi.id, the_actor(ctx).id):
        return Outcome([Text(ctx.t("serawai.rate_already"))])
    speakers = [(s.id, s.name) for s in _speakers_to_rate(ctx, sesi)]
    data = sesi_flows.RatingData(session_id=sesi.id, title=sesi.title, speakers=speakers)
    return Outcome(start_flow=sesi_flows.RATING_FLOW.name, flow_data=data)


def _submit_ratings(ctx: ServiceCtx, cmd: sesi_flows.SubmitRatings) -> list[Reply]:
    sesi = _participant(ctx, cmd.session_id)
    actor = the_actor(ctx)
    if _rated(ctx.session, sesi.id, actor.id):
        raise UserError(ctx.t("serawai.rate_already"))
    expected = {s.id for s in _speakers_to_rate(ctx, sesi)}
    if {r[0] for r in cmd.ratings} != expected or len(cmd.ratings) != len(expected):
        raise UserError(ctx.t("core.stale_button"))
    for speaker_id, mastery, delivery, relevance, comment in cmd.ratings:
        if not all(1 <= v <= 5 for v in (mastery, delivery, relevance)):
            raise UserError(ctx.t("core.choose_from_buttons"))
        ctx.session.add(
            SerawaiSpeakerRating(
                session_id=sesi.id,
                rater_id=actor.id,
                speaker_id=speaker_id,
                mastery=mastery,
                delivery=delivery,
                relevance=relevance,
                comment=comment,
                rated_at=ctx.now,
            )
        )
    ctx.session.flush()
    employee = ctx.employee(actor.id)
    certificate = certificates.issue(ctx, sesi, employee, "participant")
    return [
        Text(ctx.t("serawai.rate_thanks")),
        *certificates.replies(ctx, employee, certificate),
    ]


def sessions_to_rate(session: Session, rater_id: int) -> list[SerawaiSession]:
    """Held sessions whose host this CAN member has not rated yet."""
    rated = select(SerawaiHostRating.session_id).where(SerawaiHostRating.rater_id == rater_id)
    return list(
        session.scalars(
            select(SerawaiSession)
            .where(SerawaiSession.status == SessionStatus.HELD, SerawaiSession.id.not_in(rated))
            .order_by(SerawaiSession.starts_at)
        )
    )


def _rate_host(ctx: ServiceCtx, cmd: can_flows.RateHost) -> list[Reply]:
    actor = require_can(ctx)
    sesi = _session(ctx, cmd.session_id)
    if sesi.status != SessionStatus.HELD or not 1 <= cmd.score <= 5:
        raise UserError(ctx.t("core.stale_button"))
    if sesi.id not in {s.id for s in sessions_to_rate(ctx.session, actor.id)}:
        raise UserError(ctx.t("serawai.rate_already"))
    ctx.session.add(
        SerawaiHostRating(
            session_id=sesi.id,
            rater_id=actor.id,
            office_id=sesi.host_office_id,
            score=cmd.score,
            comment=cmd.comment,
            rated_at=ctx.now,
        )
    )
    ctx.session.flush()
    ctx.step_done(PROGRAM, 11, session_ref(sesi.id))
    return [Text(ctx.t("serawai.host_rated", host=office_name(ctx, sesi.host_office_id)))]


def best_of(session: Session, start: date, end: date) -> can_flows.BestView:
    """Best speakers and host offices of sessions held from `start` up to `end` (WIB dates)."""
    starts = wib_to_utc(start, time(0))
    ends = wib_to_utc(end, time(0))
    held = select(SerawaiSession.id).where(
        SerawaiSession.status == SessionStatus.HELD,
        SerawaiSession.starts_at >= starts,
        SerawaiSession.starts_at < ends,
    )
    speaker_rows = list(
        session.execute(
            select(
                SerawaiSpeakerRating.speaker_id,
                SerawaiSpeakerRating.mastery,
                SerawaiSpeakerRating.delivery,
                SerawaiSpeakerRating.relevance,
                SerawaiSession.host_office_id,
            )
            .join(SerawaiSession, SerawaiSession.id == SerawaiSpeakerRating.session_id)
            .where(SerawaiSpeakerRating.session_id.in_(held))
        )
    )
    ratings = [SpeakerRating(s, m, d, r) for s, m, d, r, _ in speaker_rows]
    names = dict(
        session.execute(
            select(Employee.id, Employee.name).where(
                Employee.id.in_({r.speaker_id for r in ratings})
            )
        ).all()
    )
    by_office: dict[int, list[float]] = {}
    for rating, row in zip(ratings, speaker_rows, strict=True):
        by_office.setdefault(row[4], []).append(rating.score)
    host_rows = session.execute(
        select(SerawaiHostRating.office_id, SerawaiHostRating.score).where(
            SerawaiHostRating.session_id.in_(held)
        )
    )
    offices = {o.id: (o.code, o.name) for o in session.scalars(select(Office))}
    speakers = best_speakers(ratings, names)
    hosts = best_hosts(
        [HostRating(o, s) for o, s in host_rows],
        offices,
        {office: sum(v) / len(v) for office, v in by_office.items()},
    )
    return can_flows.BestView(
        speakers=[can_flows.BestLine(s.name, s.score, s.ratings) for s in speakers],
        hosts=[can_flows.BestLine(h.name, h.score, h.ratings) for h in hosts],
        min_speaker_ratings=MIN_SPEAKER_RATINGS,
        min_host_ratings=MIN_HOST_RATINGS,
    )


# -- step 10: the session report, approved by the CC ----------------------------------------


def _documents(session: Session, session_id: int, kind: str) -> list[SerawaiDocument]:
    return list(
        session.scalars(
            select(SerawaiDocument)
            .where(SerawaiDocument.session_id == session_id, SerawaiDocument.kind == kind)
            .order_by(SerawaiDocument.id)
        )
    )


def report_view(session: Session, session_id: int) -> sesi_flows.ReportView:
    """The completeness checklist: invitation, speech draft, attendance, documentation,
    minutes, feedback."""
    sesi = session.get(SerawaiSession, session_id)
    assert sesi is not None
    rated = session.scalar(
        select(func.count()).where(SerawaiSpeakerRating.session_id == session_id)
    )
    items = [
        sesi_flows.ReportItem("invitation", sesi.prep_invitation),
        sesi_flows.ReportItem("speech", sesi.prep_speech),
        sesi_flows.ReportItem("attendance", bool(_attendance(session, session_id))),
        sesi_flows.ReportItem("documentation", bool(_documents(session, session_id, "photo"))),
        sesi_flows.ReportItem("minutes", bool(_documents(session, session_id, "minutes"))),
        sesi_flows.ReportItem("feedback", bool(rated)),
    ]
    return sesi_flows.ReportView(
        items=items,
        status=sesi.report_status,
        note=sesi.report_note or "",
        has_document=bool(_documents(session, session_id, "report")),
    )


def _start_report(ctx: ServiceCtx, session_id: int | None) -> Outcome:
    sesi = _hosted(ctx, session_id)
    if sesi.status != SessionStatus.HELD or sesi.report_status in (
        ReportStatus.SUBMITTED,
        ReportStatus.APPROVED,
    ):
        raise UserError(ctx.t("serawai.report_not_open"))
    data = sesi_flows.SessionData(session_id=sesi.id, title=sesi.title)
    return Outcome(start_flow=sesi_flows.REPORT_FLOW.name, flow_data=data)


def _report_command(ctx: ServiceCtx, _args: str) -> Outcome:
    actor = the_actor(ctx)
    mine = [
        s
        for s in _sessions_of(ctx, SessionStatus.HELD)
        if may_host(actor, s) and s.report_status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    ]
    return _pick_or_start(ctx, mine, "l", "serawai.no_report_session")


def _submit_report(ctx: ServiceCtx, cmd: sesi_flows.SubmitReport) -> list[Reply]:
    sesi = _hosted(ctx, cmd.session_id)
    open_report = (SerawaiSession.status == SessionStatus.HELD) & SerawaiSession.report_status.in_(
        (ReportStatus.DRAFT, ReportStatus.RETURNED)
    )
    if not move(ctx, sesi, open_report, report_status=ReportStatus.SUBMITTED):
        raise UserError(ctx.t("serawai.report_not_open"))
    view = report_view(ctx.session, sesi.id)
    report_docs = _documents(ctx.session, sesi.id, "report")
    stamp = decision(ctx, "serawai_report_submitted", session_ref(sesi.id))
    for cc in ctx.holders("cc"):
        text = ctx.t_for(
            cc,
            "serawai.report_for_cc",
            title=sesi.title,
            host=office_name(ctx, sesi.host_office_id),
            when=when_text(ctx, cc, sesi.starts_at),
            checklist=sesi_flows.report_checklist(ctx.catalog.translator(cc.language), view),
        )
        buttons = (
            Option(ctx.t_for(cc, "serawai.report_approve"), encode(ACTION, "r", sesi.id, "ok")),
            Option(ctx.t_for(cc, "serawai.report_return"), encode(ACTION, "r", sesi.id, "back")),
        )
        attachments: list[Reply] = [
            Document(d.path, d.filename or "laporan", "") for d in report_docs[-1:]
        ]
        ctx.notify(
            cc,
            [*attachments, Choices(text, buttons)],
            key=f"serawai:s{sesi.id}:report:{stamp}:{cc.id}",
        )
    return [Text(ctx.t("serawai.report_submitted", title=sesi.title))]


def _report_decision(ctx: ServiceCtx, payload: Payload) -> Outcome:
    actor = the_actor(ctx)
    if not actor.has("cc"):
        raise UserError(ctx.t("core.not_allowed"))
    sesi = _session(ctx, payload.int_part(1))
    if sesi.report_status != ReportStatus.SUBMITTED:
        raise UserError(ctx.t("serawai.report_decided_already"))
    if payload.part(2) == "back":
        data = sesi_flows.SessionData(session_id=sesi.id, title=sesi.title)
        return Outcome(start_flow=sesi_flows.RETURN_FLOW.name, flow_data=data)
    if payload.part(2) != "ok":
        raise UserError(ctx.t("core.unknown_button"))
    _decide_report(ctx, sesi, ReportStatus.APPROVED, None)
    return Outcome([Text(ctx.t("serawai.report_approved", title=sesi.title))])


def _decide_report(
    ctx: ServiceCtx, sesi: SerawaiSession, status: ReportStatus, note: str | None
) -> None:
    submitted = SerawaiSession.report_status == ReportStatus.SUBMITTED
    values = {"report_decided_by_id": the_actor(ctx).id, "report_decided_at": ctx.now}
    if not move(ctx, sesi, submitted, report_status=status, report_note=note, **values):
        raise UserError(ctx.t("serawai.report_decided_already"))
    ref = session_ref(sesi.id)
    if status == ReportStatus.APPROVED:
        ctx.step_done(PROGRAM, 10, ref)
    stamp = decision(ctx, f"serawai_report_{status}", ref, note=note or "")
    for ca in ctx.holders("ca", sesi.host_office_id):
        text = ctx.t_for(ca, f"serawai.report_{status}_host", title=sesi.title, note=note or "")
        ctx.notify(ca, [Text(text)], key=f"serawai:s{sesi.id}:report-{status}:{stamp}:{ca.id}")


def _return_report(ctx: ServiceCtx, cmd: sesi_flows.ReturnReport) -> list[Reply]:
    if not the_actor(ctx).has("cc"):
        raise UserError(ctx.t("core.not_allowed"))
    sesi = _session(ctx, cmd.session_id)
    _decide_report(ctx, sesi, ReportStatus.RETURNED, cmd.note)
    return [Text(ctx.t("serawai.report_returned", title=sesi.title))]


# -- buttons and registration ---------------------------------------------------------------


def _verify(ctx: ServiceCtx, cmd: sesi_flows.Verify) -> list[Reply]:
    return [Text(certificates.answer(ctx, cmd.code))]


def _check_in_cmd(ctx: ServiceCtx, cmd: sesi_flows.CheckIn) -> list[Reply]:
    return check_in(ctx, cmd.code)


def _committee_command(ctx: ServiceCtx, _args: str) -> Outcome:
    actor = the_actor(ctx)
    mine = [s for s in _sessions_of(ctx, SessionStatus.SCHEDULED) if may_host(actor, s)]
    return _pick_or_start(ctx, mine, "k", "serawai.no_hosted_session")


_SESSION_VERBS: dict[str, Callable[[ServiceCtx, int | None], Outcome]] = {
    "k": _start_committee,
    "n": _start_rating,
    "m": _start_minutes,
    "l": _start_report,
}


def action(ctx: ServiceCtx, payload: Payload) -> Outcome:
    """Session buttons: srw:k (committee), p (checklist), n (rate), m (minutes), l/r (report)."""
    verb = payload.part(0) or ""
    if verb in _SESSION_VERBS:
        return _SESSION_VERBS[verb](ctx, payload.int_part(1))
    if verb == "p":
        return _toggle_prep(ctx, payload)
    if verb == "r":
        return _report_decision(ctx, payload)
    raise UserError(ctx.t("core.unknown_button"))


def register(reg: Registry) -> None:
    """Session commands (menu order 22-27), domain handlers and due work."""
    ca = frozenset({"ca"})
    commands: list[tuple[Command, tuple[str, ...]]] = [
        (
            Command(
                "panitia", "serawai.cmd_panitia", roles=ca, handler=_committee_command, order=22
            ),
            (),
        ),
        (
            Command(
                "persiapan", "serawai.cmd_persiapan", roles=ca, handler=_prep_command, order=23
            ),
            (),
        ),
        (Command("hadir", "serawai.cmd_hadir", handler=_checkin_command, order=24), ()),
        (
            Command(
                "kodehadir",
                "serawai.cmd_kodehadir",
                handler=_code_command,
                in_menu=False,
                order=24,
            ),
            (),
        ),
        (
            Command(
                "notula", "serawai.cmd_notula", handler=_minutes_command, in_menu=False, order=25
            ),
            (),
        ),
        (
            Command(
                "laporanserawai",
                "serawai.cmd_laporan",
                roles=ca,
                handler=_report_command,
                order=26,
            ),
            (),
        ),
        (
            Command(
                "verifikasi",
                "serawai.cmd_verifikasi",
                handler=certificates.verify_command,
                order=27,
            ),
            ("verify",),
        ),
        (
            Command(
                "cabutsertifikat",
                "serawai.cmd_cabut",
                roles=frozenset({"can"}),
                handler=certificates.revoke_command,
                in_menu=False,
                order=28,
            ),
            (),
        ),
    ]
    for command, aliases in commands:
        reg.command(command, *aliases)
    handlers: dict[type, Callable[[ServiceCtx, Any], list[Reply]]] = {
        sesi_flows.SubmitCommittee: _submit_committee,
        sesi_flows.CheckIn: _check_in_cmd,
        sesi_flows.Verify: _verify,
        sesi_flows.StoreDocuments: _store_documents,
        sesi_flows.SubmitRatings: _submit_ratings,
        sesi_flows.SubmitReport: _submit_report,
        sesi_flows.ReturnReport: _return_report,
        can_flows.RateHost: _rate_host,
    }
    for command_type, handler in handlers.items():
        reg.handles(command_type, handler)
    reg.reminder("serawai.prep_reminder", _prep_reminder)
    reg.reminder("serawai.event_team", _event_team)
    reg.reminder("serawai.session_start", _session_start)
    reg.reminder("serawai.session_end", _session_end)
