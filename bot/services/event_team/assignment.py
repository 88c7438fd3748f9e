"""SOP-321 step 3: the lead assigns members to the request's slots (the rotation proposes),
members are told with a calendar file, and a member may decline."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.calendar import to_wib
from bot.flows.event_team import lead as lead_flows
from bot.flows.event_team import member as member_flows
from bot.flows.event_team.rules import (
    PROGRAM,
    MemberHistory,
    propose,
    ranked,
)
from bot.messages import Choices, Document, Reply, Text
from bot.registry import Outcome, Registry
from bot.services import notices
from bot.services.context import ServiceCtx, UserError
from bot.services.event_team.buttons import AssignButton, DeclineButton
from bot.services.event_team.common import (
    about,
    active_assignments,
    actor_id,
    event_ref,
    get_request,
    key_of,
    leads,
    option_for,
    phrase,
    refuse_closed,
    require,
    role_name,
    roles_of,
    timed_key_of,
    vacant_slots,
)
from bot.services.event_team.due import schedule_chase, schedule_member
from bot.services.event_team.ics import CalendarEntry, write_ics
from storage.event_team import (
    AssignmentStatus,
    EventRequest,
    MemberUnavailability,
    RequestStatus,
    RoleAssignment,
)
from storage.models import Employee


def _members(ctx: ServiceCtx) -> dict[int, Employee]:
    return {e.id: e for e in ctx.holders("et_member")}


def _excluded(ctx: ServiceCtx, req: EventRequest, member_ids: list[int]) -> set[int]:
    """Members who cannot take a slot: the requester, the booked, the unavailable."""
    excluded = {req.requester_id} | booked_or_away(ctx, req, member_ids)
    # Already serving this request, or declined it.
    mine = select(RoleAssignment.member_id).where(RoleAssignment.request_id == req.id)
    return excluded | set(ctx.session.scalars(mine))


def booked_or_away(ctx: ServiceCtx, req: EventRequest, member_ids: list[int]) -> set[int]:
    """Members serving at another event at an overlapping time, or unavailable that day."""
    overlapping = (
        select(RoleAssignment.member_id)
        .join(EventRequest, EventRequest.id == RoleAssignment.request_id)
        .where(
            RoleAssignment.status == AssignmentStatus.ACTIVE,
            EventRequest.id != req.id,
            EventRequest.status.in_(
                [RequestStatus.ASSIGNED, RequestStatus.HELD, RequestStatus.CLOSED]
            ),
            EventRequest.starts_at < req.ends_at,
            EventRequest.ends_at > req.starts_at,
        )
    )
    excluded = set(ctx.session.scalars(overlapping))
    days = {to_wib(req.starts_at).date(), to_wib(req.ends_at).date()}
    away = select(MemberUnavailability.member_id).where(
        MemberUnavailability.day.in_(days), MemberUnavailability.member_id.in_(member_ids)
    )
    excluded |= set(ctx.session.scalars(away))
    return excluded


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def member_histories(
    session: Session, member_ids: list[int], quarter_of: datetime
) -> list[MemberHistory]:
    """What the rotation needs to know of each member, from the assignments kept."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    last: dict[int, dict[str, datetime]] = defaultdict(dict)
    load: dict[int, int] = defaultdict(int)
    quarter = _quarter_start(to_wib(quarter_of).date())
    next_quarter = _quarter_start(quarter + timedelta(days=100))
    rows = session.execute(
        select(RoleAssignment.member_id, RoleAssignment.role, EventRequest.starts_at)
        .join(EventRequest, EventRequest.id == RoleAssignment.request_id)
        .where(
            RoleAssignment.status == AssignmentStatus.ACTIVE,
            RoleAssignment.member_id.in_(member_ids),
            EventRequest.status != RequestStatus.CANCELLED,
        )
    )
    for member_id, role, starts_at in rows:
        counts[member_id][role] = counts[member_id].get(role, 0) + 1
        if role not in last[member_id] or starts_at > last[member_id][role]:
            last[member_id][role] = starts_at
        if quarter <= to_wib(starts_at).date() < next_quarter:
            load[member_id] += 1
    return [
        MemberHistory(m, counts.get(m, {}), last.get(m, {}), load.get(m, 0)) for m in member_ids
    ]


def _start_assign(ctx: ServiceCtx, pressed: AssignButton) -> Outcome:
    """The lead pressed "Bagi peran": the rotation's proposal for the slots still vacant."""
    req = get_request(ctx, pressed.request_id)
    require(ctx, ctx.actor is not None and ctx.actor.has("et_lead"))
    refuse_closed(ctx, req)
    vacant = vacant_slots(ctx.session, req)
    if not vacant:
        raise UserError(ctx.t("event_team.already_assigned", id=req.id))
    members = _members(ctx)
    excluded = _excluded(ctx, req, list(members))
    histories = [
        h
        for h in member_histories(ctx.session, list(members), req.starts_at)
        if h.member_id not in excluded
    ]
    slots = [slot for _, slot in vacant]
    picks = propose(slots, histories)
    data = lead_flows.AssignData(
        request_id=req.id,
        title=req.title,
        starts_at=req.starts_at,
        ends_at=req.ends_at,
        slots=[(s.role, s.number) for s in slots],
        picks=picks,
        members={h.member_id: members[h.member_id].name for h in histories},
        ranked={s.role: ranked(s.role, histories) for s in slots},
    )
    return Outcome(start_flow=lead_flows.ASSIGN_FLOW.name, flow_data=data)


def _assign(ctx: ServiceCtx, cmd: lead_flows.AssignSlots) -> list[Reply]:
    require(ctx, ctx.actor is not None and ctx.actor.has("et_lead"))
    req = get_request(ctx, cmd.request_id)
    refuse_closed(ctx, req)
    vacant = {(s.role, s.number): index for index, s in vacant_slots(ctx.session, req)}
    if not cmd.picks or any((role, number) not in vacant for role, number, _ in cmd.picks):
        raise UserError(ctx.t("event_team.already_assigned", id=req.id))
    members = _members(ctx)
    chosen = [member for _, _, member in cmd.picks]
    excluded = _excluded(ctx, req, list(members))
    if len(set(chosen)) != len(chosen) or any(m not in members or m in excluded for m in chosen):
        raise UserError(ctx.t("event_team.member_unavailable"))
    first = req.status == RequestStatus.REQUESTED
    if first:
        won = ctx.session.execute(
            update(EventRequest)
            .where(EventRequest.id == req.id, EventRequest.status == RequestStatus.REQUESTED)
            .values(
                status=RequestStatus.ASSIGNED, assigned_at=ctx.now, assigned_by_id=actor_id(ctx)
            )
        )
        if not won.rowcount:  # type: ignore[attr-defined]
            raise UserError(ctx.t("event_team.already_assigned", id=req.id))
        ctx.session.refresh(req)
        ctx.step_done(PROGRAM, 3, event_ref(req.id))
    new = [
        RoleAssignment(
            request_id=req.id,
            role=role,
            slot=number,
            member_id=member,
            status=AssignmentStatus.ACTIVE,
            assigned_at=ctx.now,
            assigned_by_id=actor_id(ctx),
        )
        for role, number, member in cmd.picks
    ]
    ctx.session.add_all(new)
    ctx.session.flush()
    ctx.audit("event_assign", event_ref(req.id), picks=[[r, n, m] for r, n, m in cmd.picks])
    with notices.watch(ctx) as told:  # "the SM and every member were told" once they were
        for assignment in new:
            tell_member(ctx, req, assignment, "assigned")
            schedule_member(ctx, req, assignment)
        _tell_requester_team(ctx, req, new[-1].id)
        told.says(
            actor_id(ctx),
            ctx.t("event_team.assign_about", id=req.id),
            ctx.t("event_team.assign_told", id=req.id),
        )
    done = Text(ctx.t("event_team.assign_done", id=req.id))
    still = [s for _, s in vacant_slots(ctx.session, req)]
    if not still:
        return [done]
    lead = ctx.employee(actor_id(ctx))
    open_roles = ", ".join(role_name(ctx, lead, s.role) for s in still)
    later = option_for(ctx, lead, "button_refill", AssignButton(req.id))
    return [done, Choices(ctx.t("event_team.assign_open", roles=open_roles), (later,))]


def tell_member(ctx: ServiceCtx, req: EventRequest, assignment: RoleAssignment, what: str) -> None:
    """The member's role, time and place, with a calendar file and a way to decline."""
    member = ctx.employee(assignment.member_id)
    role = role_name(ctx, member, assignment.role)
    text = phrase(ctx, member, what, role=role, **about(ctx, member, req))
    entry = CalendarEntry(
        uid=f"canbot-event-{req.id}-{assignment.id}@bps-bengkulu",
        summary=f"{role}: {req.title}",
        starts_at=req.starts_at,
        ends_at=req.ends_at,
        location=req.place,
        description=phrase(ctx, member, "ics_description", role=role, title=req.title),
        sequence=req.revision - 1,
        stamp=ctx.now,
    )
    name = f"event-{req.id}-a{assignment.id}-r{req.revision}"
    path = write_ics(ctx.settings.media_dir / "event_team", name, entry)
    decline = option_for(ctx, member, "button_decline", DeclineButton(assignment.id))
    document = Document(str(path), f"kegiatan-{req.id}.ics", phrase(ctx, member, "ics_caption"))
    ctx.notify(
        member,
        [Choices(text, (decline,)), document],
        key=timed_key_of(req, f"a{assignment.id}", what),
    )


def _tell_requester_team(ctx: ServiceCtx, req: EventRequest, marker: int) -> None:
    requester = ctx.employee(req.requester_id)
    text = phrase(
        ctx,
        requester,
        "sm_team",
        team=_team_lines(ctx, requester, req),
        **about(ctx, requester, req),
    )
    ctx.notify(requester, [Text(text)], key=key_of(req, "team", marker))


def _team_lines(ctx: ServiceCtx, viewer: Employee, req: EventRequest) -> str:
    by_slot = {(a.role, a.slot): a.member_id for a in active_assignments(ctx.session, req.id)}
    lines: list[str] = []
    for role, count in roles_of(req):
        names = [
            ctx.employee(by_slot[(role, n)]).name if (role, n) in by_slot else "–"
            for n in range(1, count + 1)
        ]
        lines.append(f"• {role_name(ctx, viewer, role)}: {', '.join(names)}")
    return "\n".join(lines)


def _start_decline(ctx: ServiceCtx, pressed: DeclineButton) -> Outcome:
    assignment_id = pressed.assignment_id
    assignment = ctx.session.get(RoleAssignment, assignment_id) if assignment_id else None
    if assignment is None:
        raise UserError(ctx.t("core.stale_button"))
    require(ctx, assignment.member_id == actor_id(ctx))
    req = get_request(ctx, assignment.request_id)
    refuse_closed(ctx, req)
    if assignment.status != AssignmentStatus.ACTIVE:
        raise UserError(ctx.t("event_team.already_declined"))
    data = member_flows.DeclineData(assignment_id=assignment.id, title=req.title)
    return Outcome(start_flow=member_flows.DECLINE_FLOW.name, flow_data=data)


def _decline(ctx: ServiceCtx, cmd: member_flows.DeclineAssignment) -> list[Reply]:
    assignment = ctx.session.get(RoleAssignment, cmd.assignment_id)
    if assignment is None:
        raise UserError(ctx.t("core.stale_button"))
    require(ctx, assignment.member_id == actor_id(ctx))
    req = get_request(ctx, assignment.request_id)
    refuse_closed(ctx, req)
    done = ctx.session.execute(
        update(RoleAssignment)
        .where(
            RoleAssignment.id == assignment.id, RoleAssignment.status == AssignmentStatus.ACTIVE
        )
        .values(status=AssignmentStatus.DECLINED, declined_at=ctx.now, decline_reason=cmd.reason)
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        raise UserError(ctx.t("event_team.already_declined"))
    ctx.cancel_reminders(timed_key_of(req, f"a{assignment.id}") + ":", "declined")
    ctx.audit("event_decline", event_ref(req.id), assignment=assignment.id, reason=cmd.reason)
    member = ctx.employee(assignment.member_id)
    for lead in leads(ctx):
        text = phrase(
            ctx,
            lead,
            "lead_declined",
            name=member.name,
            role=role_name(ctx, lead, assignment.role),
            reason=cmd.reason,
            **about(ctx, lead, req),
        )
        button = option_for(ctx, lead, "button_refill", AssignButton(req.id))
        ctx.notify(
            lead, [Choices(text, (button,))], key=key_of(req, "declined", assignment.id, lead.id)
        )
    schedule_chase(ctx, req, "refill", assignment.id)
    return [Text(ctx.t("event_team.declined"))]


def register(reg: Registry) -> None:
    """The assignment and decline flows and what they do."""
    reg.flow(lead_flows.ASSIGN_FLOW)
    reg.flow(member_flows.DECLINE_FLOW)
    reg.button(AssignButton, _start_assign)
    reg.handles(lead_flows.AssignSlots, _assign)
    reg.button(DeclineButton, _start_decline)
    reg.handles(member_flows.DeclineAssignment, _decline)
