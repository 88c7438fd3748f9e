"""SOP-321 Event Team support: requests, assignment, reminders, evaluations, changes.

Every button re-reads the request and checks who pressed it; every state change that two
people (or two presses) could race on is a conditional UPDATE on the request's status, and
the assignment table's partial unique indexes keep one member per slot.

Reminder keys all start with `et:<request id>:`, so a cancellation withdraws them in one go;
those tied to the event's time also carry the request's revision (`r<n>`), so a reschedule
withdraws the old ones and schedules new ones without clashing with keys already used.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.calendar import format_date, format_time, to_wib
from bot.flows import event_team as sm_flows
from bot.flows import event_team_lead as lead_flows
from bot.flows import event_team_member as member_flows
from bot.flows.event_team import role_label
from bot.messages import Choices, Document, Option, Reply, Text
from bot.payload import Payload, encode
from bot.registry import Command, Outcome, Registry
from bot.services import event_team_availability
from bot.services.context import ServiceCtx, UserError
from bot.services.event_team_ics import CalendarEntry, write_ics
from bot.services.event_team_rotation import MemberHistory, Slot, propose, ranked, slots_for
from bot.services.event_team_rules import (
    ADVISED_LEAD_DAYS,
    MAX_HEADCOUNT,
    MIN_LEAD_DAYS,
    PROGRAM,
    after_working_days,
    day_before_reminder,
    lead_time,
)
from storage.event_team import (
    OPEN_STATUSES,
    AssignmentStatus,
    EventDocumentation,
    EventEvaluation,
    EventRequest,
    MemberUnavailability,
    RequestStatus,
    RoleAssignment,
)
from storage.models import Employee, Reminder

PREFIX = "et"  # button payloads: et:<verb>:<id>
KIND_CHASE = "et.chase"  # a step not done in time: remind, then tell the CC
KIND_MEMBER = "et.member_remind"  # the working day before, and two hours before
KIND_END = "et.event_end"  # the event ended: documentation, evaluation form
DOC_WINDOW = timedelta(days=14)  # how long after an event its photos are still taken
EVALUATED = (RequestStatus.HELD, RequestStatus.CLOSED)


# -- small helpers ------------------------------------------------------------------------


def _ref(request_id: int) -> str:
    return f"event:{request_id}"


def _key(req: EventRequest, *parts: object) -> str:
    return ":".join([PREFIX, str(req.id), *(str(p) for p in parts)])


def _timed_key(req: EventRequest, *parts: object) -> str:
    return _key(req, f"r{req.revision}", *parts)


def _t(ctx: ServiceCtx, person: Employee, key: str, /, **values: Any) -> str:
    return ctx.t_for(person, f"event_team.{key}", **values)


def _role(ctx: ServiceCtx, person: Employee, role: str) -> str:
    return role_label(ctx.catalog.translator(person.language), role)


def _when(req: EventRequest, lang: str) -> str:
    day = format_date(to_wib(req.starts_at).date(), lang)
    return f"{day}, {format_time(req.starts_at)}–{format_time(req.ends_at)} WIB"


def _about(ctx: ServiceCtx, person: Employee, req: EventRequest) -> dict[str, Any]:
    """The placeholders most texts share: the event's title, time and place."""
    return {
        "id": req.id,
        "title": req.title,
        "when": _when(req, person.language),
        "place": req.place,
    }


def _button(ctx: ServiceCtx, person: Employee, key: str, verb: str, ref: int) -> Option:
    return Option(_t(ctx, person, key), encode(PREFIX, verb, ref))


def _roles(req: EventRequest) -> list[tuple[str, int]]:
    return [(str(role), int(count)) for role, count in req.roles]


def _slots(req: EventRequest) -> list[Slot]:
    return slots_for(_roles(req))


def _active(session: Session, request_id: int) -> list[RoleAssignment]:
    return list(
        session.scalars(
            select(RoleAssignment)
            .where(
                RoleAssignment.request_id == request_id,
                RoleAssignment.status == AssignmentStatus.ACTIVE,
            )
            .order_by(RoleAssignment.id)
        )
    )


def _request(ctx: ServiceCtx, request_id: int | None) -> EventRequest:
    req = ctx.session.get(EventRequest, request_id) if request_id is not None else None
    if req is None:
        raise UserError(ctx.t("core.stale_button"))
    return req


def _refuse_closed(ctx: ServiceCtx, req: EventRequest) -> None:
    """Refuse a press on a request that is no longer open, or whose event has begun."""
    if req.status not in OPEN_STATUSES or req.starts_at <= ctx.now:
        raise UserError(ctx.t("event_team.request_closed", id=req.id))


def _require(ctx: ServiceCtx, allowed: bool) -> None:
    if not allowed:
        raise UserError(ctx.t("core.not_allowed"))


def _lang(ctx: ServiceCtx) -> str:
    return ctx.actor.language if ctx.actor else "id"


def _actor_id(ctx: ServiceCtx) -> int:
    assert ctx.actor is not None
    return ctx.actor.id


def _leads(ctx: ServiceCtx) -> list[Employee]:
    return ctx.holders("et_lead")


def _ccs(ctx: ServiceCtx) -> list[Employee]:
    return ctx.holders("cc")


# -- opening a request (steps 1-2) --------------------------------------------------------


def open_request(
    ctx: ServiceCtx,
    *,
    requester_id: int,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    roles: dict[str, int],
    notes: str = "",
    portal_ref: str = "",
    linked_ref: str | None = None,
    enforce_lead_time: bool = True,
) -> int:
    """Enter a request, notify the lead(s) and CC(s), schedule its follow-ups; its id."""
    return _create(
        ctx,
        requester_id=requester_id,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        roles=list(roles.items()),
        notes=notes,
        portal_ref=portal_ref,
        linked_ref=linked_ref,
        enforce_lead_time=enforce_lead_time,
        started_at=ctx.now,
        summary_at=ctx.now,
    ).id


def _create(
    ctx: ServiceCtx,
    *,
    requester_id: int,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    roles: list[tuple[str, int]],
    notes: str,
    portal_ref: str,
    linked_ref: str | None,
    enforce_lead_time: bool,
    started_at: datetime,
    summary_at: datetime,
) -> EventRequest:
    if not title.strip() or not place.strip() or ends_at <= starts_at or starts_at <= ctx.now:
        raise UserError(ctx.t("event_team.request_invalid"))
    if not roles or any(not 1 <= n <= MAX_HEADCOUNT for _, n in roles):
        raise UserError(ctx.t("event_team.request_invalid"))
    today = to_wib(ctx.now).date()
    verdict = lead_time(
        ctx.calendar, today, to_wib(starts_at).date(), ctx.settings.event_late_policy
    )
    if enforce_lead_time and verdict.refused:
        earliest = format_date(verdict.earliest, _lang(ctx))
        raise UserError(ctx.t("event_team.too_late", days=verdict.days, earliest=earliest))
    req = EventRequest(
        requester_id=requester_id,
        title=title.strip()[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip()[:500],
        roles=[[role, count] for role, count in roles],
        notes=notes,
        portal_ref=portal_ref,
        linked_ref=linked_ref,
        status=RequestStatus.REQUESTED,
        late=verdict.late,
        lead_days=verdict.days,
        revision=1,
        created_at=ctx.now,
    )
    ctx.session.add(req)
    ctx.session.flush()
    ref = _ref(req.id)
    ctx.step_started(PROGRAM, 1, ref, "30m", at=started_at)
    ctx.step_done(PROGRAM, 1, ref, at=summary_at)
    ctx.step_started(PROGRAM, 2, ref, "10m", at=summary_at)
    ctx.step_done(PROGRAM, 2, ref)
    ctx.step_started(PROGRAM, 3, ref, "1wd")
    ctx.audit("event_request", ref, late=req.late, lead_days=req.lead_days, linked=linked_ref)
    requester = ctx.employee(requester_id)
    for lead in _leads(ctx):
        ctx.notify(
            lead, [_new_request_notice(ctx, lead, req, requester)], key=_key(req, "new", lead.id)
        )
    for cc in _ccs(ctx):
        text = _t(ctx, cc, "cc_new", name=requester.name, **_about(ctx, cc, req))
        ctx.notify(cc, [Text(text + _late_suffix(ctx, cc, req))], key=_key(req, "new", cc.id))
    _schedule_chase(ctx, req, "assign", 0)
    _schedule_timed(ctx, req)
    return req


def _late_suffix(ctx: ServiceCtx, person: Employee, req: EventRequest) -> str:
    return "\n" + _t(ctx, person, "flag_late", days=req.lead_days) if req.late else ""


def _new_request_notice(
    ctx: ServiceCtx, lead: Employee, req: EventRequest, requester: Employee
) -> Choices:
    roles = ", ".join(f"{_role(ctx, lead, r)} ×{n}" for r, n in _roles(req))
    text = _t(
        ctx,
        lead,
        "lead_new",
        name=requester.name,
        roles=roles,
        notes=req.notes or "–",
        portal=req.portal_ref or "–",
        **_about(ctx, lead, req),
    )
    button = _button(ctx, lead, "button_assign", "assign", req.id)
    return Choices(text + _late_suffix(ctx, lead, req), (button,))


def _submit_request(ctx: ServiceCtx, cmd: sm_flows.SubmitRequest) -> list[Reply]:
    req = _create(
        ctx,
        requester_id=_actor_id(ctx),
        title=cmd.title,
        starts_at=cmd.starts_at,
        ends_at=cmd.ends_at,
        place=cmd.place,
        roles=list(cmd.roles),
        notes=cmd.notes,
        portal_ref=cmd.portal_ref,
        linked_ref=None,
        enforce_lead_time=True,
        started_at=cmd.started_at,
        summary_at=cmd.summary_at,
    )
    replies: list[Reply] = [Text(ctx.t("event_team.submitted", id=req.id))]
    if req.late:
        replies.append(Text(ctx.t("event_team.flag_late", days=req.lead_days)))
    elif MIN_LEAD_DAYS <= req.lead_days < ADVISED_LEAD_DAYS:
        replies.append(Text(ctx.t("event_team.lead_short", days=req.lead_days)))
    return replies


# -- due work -----------------------------------------------------------------------------


def _schedule_chase(ctx: ServiceCtx, req: EventRequest, what: str, ref: int) -> None:
    """Remind after 1 working day, tell the CC after 2, unless the step is done by then."""
    name = f"{what}{ref}" if ref else what
    for stage, days in (("remind", 1), ("cc", 2)):
        ctx.schedule(
            _key(req, name, stage),
            KIND_CHASE,
            after_working_days(ctx.calendar, ctx.now, days),
            args={"request": req.id, "what": what, "stage": stage, "ref": ref},
        )


def _schedule_timed(ctx: ServiceCtx, req: EventRequest) -> None:
    ctx.schedule(_timed_key(req, "end"), KIND_END, req.ends_at, args={"request": req.id})


def _schedule_member(ctx: ServiceCtx, req: EventRequest, assignment: RoleAssignment) -> None:
    moments = (
        ("day", day_before_reminder(ctx.calendar, req.starts_at)),
        ("2h", req.starts_at - timedelta(hours=2)),
    )
    for which, due in moments:
        if due <= ctx.now:
            continue  # assigned later than this reminder's moment: the assignment said it all
        ctx.schedule(
            _timed_key(req, f"a{assignment.id}", which),
            KIND_MEMBER,
            due,
            args={"request": req.id, "assignment": assignment.id, "which": which},
            employee_id=assignment.member_id,
            group_key=_timed_key(req, f"a{assignment.id}"),
            not_after=req.starts_at,
        )


def _chase(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    req = ctx.session.get(EventRequest, row.args["request"])
    if req is None:
        return False
    what, stage, ref = str(row.args["what"]), str(row.args["stage"]), int(row.args["ref"])
    if not _still_pending(ctx, req, what, ref):
        return False
    if stage == "cc":
        for cc in _ccs(ctx):
            text = _t(ctx, cc, f"cc_late_{what}", **_about(ctx, cc, req))
            ctx.notify(cc, [Text(text)], kind="reminder", key=f"{row.key}:{cc.id}")
        return True
    if what == "eval":
        people, verb, button = [ctx.employee(req.requester_id)], "eval", "button_eval"
    else:
        people = _leads(ctx)
        verb, button = (
            ("internal", "button_internal") if what == "internal" else ("assign", "button_assign")
        )
    for person in people:
        text = _t(ctx, person, f"remind_{what}", **_about(ctx, person, req))
        choice = Choices(text, (_button(ctx, person, button, verb, req.id),))
        ctx.notify(person, [choice], kind="reminder", key=f"{row.key}:{person.id}")
    return True


def _still_pending(ctx: ServiceCtx, req: EventRequest, what: str, ref: int) -> bool:
    if what == "assign":
        return req.status == RequestStatus.REQUESTED and req.starts_at > ctx.now
    if what == "refill":
        return (
            req.status == RequestStatus.ASSIGNED
            and req.starts_at > ctx.now
            and bool(_vacant(ctx.session, req))
        )
    if what == "eval":
        return req.status in EVALUATED and _evaluation(ctx.session, req.id) is None
    return req.status in EVALUATED and req.internal_done_at is None


def _member_reminder(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    req = ctx.session.get(EventRequest, row.args["request"])
    assignment = ctx.session.get(RoleAssignment, row.args["assignment"])
    if req is None or assignment is None or req.status != RequestStatus.ASSIGNED:
        return False
    if assignment.status != AssignmentStatus.ACTIVE:
        return False
    member = ctx.employee(assignment.member_id)
    # Said with the true time left: a collapsed catch-up may come later than planned.
    left = req.starts_at - ctx.now
    key = "remind_2h" if left <= timedelta(hours=3) else "remind_day"
    text = _t(
        ctx, member, key, role=_role(ctx, member, assignment.role), **_about(ctx, member, req)
    )
    ctx.notify(member, [Text(text)], kind="reminder", key=f"{row.key}:sent")
    return True


def _event_end(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    req = ctx.session.get(EventRequest, row.args["request"])
    if req is None:
        return False
    if req.status == RequestStatus.REQUESTED:
        # Nobody was assigned before the event passed: nothing to evaluate.
        ctx.session.execute(
            update(EventRequest)
            .where(EventRequest.id == req.id, EventRequest.status == RequestStatus.REQUESTED)
            .values(status=RequestStatus.EXPIRED)
        )
        ctx.audit("event_expired", _ref(req.id))
        return False
    held = ctx.session.execute(
        update(EventRequest)
        .where(EventRequest.id == req.id, EventRequest.status == RequestStatus.ASSIGNED)
        .values(status=RequestStatus.HELD, held_at=ctx.now)
    )
    if not held.rowcount:  # type: ignore[attr-defined]
        return False
    ctx.session.refresh(req)
    ref = _ref(req.id)
    ctx.step_started(PROGRAM, 4, ref, "1wd", at=req.starts_at)
    ctx.step_started(PROGRAM, 5, ref, "1wd")
    ctx.step_done(PROGRAM, 5, ref)
    ctx.step_started(PROGRAM, 7, ref, "1wd")
    for assignment in _active(ctx.session, req.id):
        member = ctx.employee(assignment.member_id)
        text = _t(ctx, member, "after_event", **_about(ctx, member, req))
        button = _button(ctx, member, "button_doc", "doc", req.id)
        ctx.notify(member, [Choices(text, (button,))], key=_key(req, "after", member.id))
    requester = ctx.employee(req.requester_id)
    form = _t(ctx, requester, "eval_form", **_about(ctx, requester, req))
    button = _button(ctx, requester, "button_eval", "eval", req.id)
    ctx.notify(requester, [Choices(form, (button,))], key=_key(req, "evalform"))
    for cc in _ccs(ctx):
        text = _t(ctx, cc, "cc_eval_sent", name=requester.name, **_about(ctx, cc, req))
        ctx.notify(cc, [Text(text)], key=_key(req, "evalsent", cc.id))
    for lead in _leads(ctx):
        text = _t(ctx, lead, "internal_ask", **_about(ctx, lead, req))
        button = _button(ctx, lead, "button_internal", "internal", req.id)
        ctx.notify(lead, [Choices(text, (button,))], key=_key(req, "internalask", lead.id))
    _schedule_chase(ctx, req, "eval", 0)
    _schedule_chase(ctx, req, "internal", 0)
    return True


# -- assignment (step 3) ------------------------------------------------------------------


def _vacant(session: Session, req: EventRequest) -> list[tuple[int, Slot]]:
    """The slots (with their index) that have no active member."""
    taken = {(a.role, a.slot) for a in _active(session, req.id)}
    return [(i, s) for i, s in enumerate(_slots(req)) if (s.role, s.number) not in taken]


def _members(ctx: ServiceCtx) -> dict[int, Employee]:
    return {e.id: e for e in ctx.holders("et_member")}


def _excluded(ctx: ServiceCtx, req: EventRequest, member_ids: list[int]) -> set[int]:
    """Members who cannot take a slot: the requester, the booked, the unavailable."""
    excluded = {req.requester_id} | _booked_or_away(ctx, req, member_ids)
    # Already serving this request, or declined it.
    mine = select(RoleAssignment.member_id).where(RoleAssignment.request_id == req.id)
    return excluded | set(ctx.session.scalars(mine))


def _booked_or_away(ctx: ServiceCtx, req: EventRequest, member_ids: list[int]) -> set[int]:
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


def _start_assign(ctx: ServiceCtx, req: EventRequest) -> Outcome:
    _require(ctx, ctx.actor is not None and ctx.actor.has("et_lead"))
    _refuse_closed(ctx, req)
    vacant = _vacant(ctx.session, req)
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
    _require(ctx, ctx.actor is not None and ctx.actor.has("et_lead"))
    req = _request(ctx, cmd.request_id)
    _refuse_closed(ctx, req)
    vacant = {(s.role, s.number): index for index, s in _vacant(ctx.session, req)}
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
                status=RequestStatus.ASSIGNED, assigned_at=ctx.now, assigned_by_id=_actor_id(ctx)
            )
        )
        if not won.rowcount:  # type: ignore[attr-defined]
            raise UserError(ctx.t("event_team.already_assigned", id=req.id))
        ctx.session.refresh(req)
        ctx.step_done(PROGRAM, 3, _ref(req.id))
    new = [
        RoleAssignment(
            request_id=req.id,
            role=role,
            slot=number,
            member_id=member,
            status=AssignmentStatus.ACTIVE,
            assigned_at=ctx.now,
            assigned_by_id=_actor_id(ctx),
        )
        for role, number, member in cmd.picks
    ]
    ctx.session.add_all(new)
    ctx.session.flush()
    ctx.audit("event_assign", _ref(req.id), picks=[[r, n, m] for r, n, m in cmd.picks])
    for assignment in new:
        _tell_member(ctx, req, assignment, "assigned")
        _schedule_member(ctx, req, assignment)
    _tell_requester_team(ctx, req, new[-1].id)
    return [Text(ctx.t("event_team.assign_done", id=req.id))]


def _tell_member(
    ctx: ServiceCtx, req: EventRequest, assignment: RoleAssignment, what: str
) -> None:
    """The member's role, time and place, with a calendar file and a way to decline."""
    member = ctx.employee(assignment.member_id)
    role = _role(ctx, member, assignment.role)
    text = _t(ctx, member, what, role=role, **_about(ctx, member, req))
    entry = CalendarEntry(
        uid=f"canbot-event-{req.id}-{assignment.id}@bps-bengkulu",
        summary=f"{role}: {req.title}",
        starts_at=req.starts_at,
        ends_at=req.ends_at,
        location=req.place,
        description=_t(ctx, member, "ics_description", role=role, title=req.title),
        sequence=req.revision - 1,
        stamp=ctx.now,
    )
    name = f"event-{req.id}-a{assignment.id}-r{req.revision}"
    path = write_ics(ctx.settings.media_dir / "event_team", name, entry)
    decline = _button(ctx, member, "button_decline", "decline", assignment.id)
    document = Document(str(path), f"kegiatan-{req.id}.ics", _t(ctx, member, "ics_caption"))
    ctx.notify(
        member,
        [Choices(text, (decline,)), document],
        key=_timed_key(req, f"a{assignment.id}", what),
    )


def _tell_requester_team(ctx: ServiceCtx, req: EventRequest, marker: int) -> None:
    requester = ctx.employee(req.requester_id)
    text = _t(
        ctx,
        requester,
        "sm_team",
        team=_team_lines(ctx, requester, req),
        **_about(ctx, requester, req),
    )
    ctx.notify(requester, [Text(text)], key=_key(req, "team", marker))


def _team_lines(ctx: ServiceCtx, viewer: Employee, req: EventRequest) -> str:
    by_slot = {(a.role, a.slot): a.member_id for a in _active(ctx.session, req.id)}
    lines: list[str] = []
    for role, count in _roles(req):
        names = [
            ctx.employee(by_slot[(role, n)]).name if (role, n) in by_slot else "–"
            for n in range(1, count + 1)
        ]
        lines.append(f"• {_role(ctx, viewer, role)}: {', '.join(names)}")
    return "\n".join(lines)


def _start_decline(ctx: ServiceCtx, assignment_id: int | None) -> Outcome:
    assignment = ctx.session.get(RoleAssignment, assignment_id) if assignment_id else None
    if assignment is None:
        raise UserError(ctx.t("core.stale_button"))
    _require(ctx, assignment.member_id == _actor_id(ctx))
    req = _request(ctx, assignment.request_id)
    _refuse_closed(ctx, req)
    if assignment.status != AssignmentStatus.ACTIVE:
        raise UserError(ctx.t("event_team.already_declined"))
    data = member_flows.DeclineData(assignment_id=assignment.id, title=req.title)
    return Outcome(start_flow=member_flows.DECLINE_FLOW.name, flow_data=data)


def _decline(ctx: ServiceCtx, cmd: member_flows.DeclineAssignment) -> list[Reply]:
    assignment = ctx.session.get(RoleAssignment, cmd.assignment_id)
    if assignment is None:
        raise UserError(ctx.t("core.stale_button"))
    _require(ctx, assignment.member_id == _actor_id(ctx))
    req = _request(ctx, assignment.request_id)
    _refuse_closed(ctx, req)
    done = ctx.session.execute(
        update(RoleAssignment)
        .where(
            RoleAssignment.id == assignment.id, RoleAssignment.status == AssignmentStatus.ACTIVE
        )
        .values(status=AssignmentStatus.DECLINED, declined_at=ctx.now, decline_reason=cmd.reason)
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        raise UserError(ctx.t("event_team.already_declined"))
    ctx.cancel_reminders(_timed_key(req, f"a{assignment.id}") + ":", "declined")
    ctx.audit("event_decline", _ref(req.id), assignment=assignment.id, reason=cmd.reason)
    member = ctx.employee(assignment.member_id)
    for lead in _leads(ctx):
        text = _t(
            ctx,
            lead,
            "lead_declined",
            name=member.name,
            role=_role(ctx, lead, assignment.role),
            reason=cmd.reason,
            **_about(ctx, lead, req),
        )
        button = _button(ctx, lead, "button_refill", "assign", req.id)
        ctx.notify(
            lead, [Choices(text, (button,))], key=_key(req, "declined", assignment.id, lead.id)
        )
    _schedule_chase(ctx, req, "refill", assignment.id)
    return [Text(ctx.t("event_team.declined"))]


# -- changes (reschedule, cancel) ----------------------------------------------------------


def _own_open_request(ctx: ServiceCtx, request_id: int | None) -> EventRequest:
    req = _request(ctx, request_id)
    _require(ctx, req.requester_id == _actor_id(ctx))
    _refuse_closed(ctx, req)
    return req


def _reschedule(ctx: ServiceCtx, cmd: sm_flows.Reschedule) -> list[Reply]:
    req = _own_open_request(ctx, cmd.request_id)
    if cmd.ends_at <= cmd.starts_at or cmd.starts_at <= ctx.now:
        raise UserError(ctx.t("event_team.request_invalid"))
    verdict = lead_time(
        ctx.calendar,
        to_wib(ctx.now).date(),
        to_wib(cmd.starts_at).date(),
        ctx.settings.event_late_policy,
    )
    if verdict.refused:
        earliest = format_date(verdict.earliest, _lang(ctx))
        raise UserError(ctx.t("event_team.too_late", days=verdict.days, earliest=earliest))
    # Withdraw every reminder tied to the old time, then plan the new ones.
    ctx.cancel_reminders(_timed_key(req, ""), "rescheduled")
    old_when = {p: _when(req, p) for p in ("id", "en")}
    req.starts_at, req.ends_at = cmd.starts_at, cmd.ends_at
    req.revision += 1
    req.late = req.late or verdict.late
    ctx.session.flush()
    _schedule_timed(ctx, req)
    ctx.audit("event_reschedule", _ref(req.id), starts_at=cmd.starts_at.isoformat())
    assignments = _active(ctx.session, req.id)
    busy = _booked_or_away(ctx, req, [a.member_id for a in assignments])
    for assignment in assignments:
        _tell_member(ctx, req, assignment, "rescheduled")
        _schedule_member(ctx, req, assignment)
    for lead in _leads(ctx):
        clash = [ctx.employee(a.member_id).name for a in assignments if a.member_id in busy]
        text = _t(
            ctx, lead, "lead_rescheduled", old=old_when[lead.language], **_about(ctx, lead, req)
        )
        if clash:
            text += "\n" + _t(ctx, lead, "lead_clash", names=", ".join(clash))
        ctx.notify(lead, [Text(text)], key=_timed_key(req, "moved", lead.id))
    return [Text(ctx.t("event_team.rescheduled_done", id=req.id, when=_when(req, _lang(ctx))))]


def cancel_request(ctx: ServiceCtx, request_id: int, reason: str) -> None:
    """Cancel a request: members and lead are told, every pending reminder is withdrawn."""
    req = _request(ctx, request_id)
    if req.status not in OPEN_STATUSES:
        raise UserError(ctx.t("event_team.request_closed", id=req.id))
    done = ctx.session.execute(
        update(EventRequest)
        .where(EventRequest.id == req.id, EventRequest.status.in_(OPEN_STATUSES))
        .values(status=RequestStatus.CANCELLED, cancelled_at=ctx.now, cancel_reason=reason)
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        raise UserError(ctx.t("event_team.request_closed", id=req.id))
    ctx.session.refresh(req)
    ctx.cancel_reminders(_key(req, ""), "request cancelled")
    ctx.audit("event_cancel", _ref(req.id), reason=reason)
    told = {a.member_id for a in _active(ctx.session, req.id)} | {e.id for e in _leads(ctx)}
    if ctx.actor is None or ctx.actor.id != req.requester_id:
        told.add(req.requester_id)
    for person_id in sorted(told):
        person = ctx.employee(person_id)
        text = _t(ctx, person, "cancelled_notice", reason=reason, **_about(ctx, person, req))
        ctx.notify(person, [Text(text)], key=_key(req, "cancelled", person.id))


def _cancel_own(ctx: ServiceCtx, cmd: sm_flows.CancelOwnRequest) -> list[Reply]:
    req = _own_open_request(ctx, cmd.request_id)
    cancel_request(ctx, req.id, cmd.reason)
    return [Text(ctx.t("event_team.cancel_done", id=req.id))]


# -- evaluations (steps 5-7) and documentation ---------------------------------------------


def _evaluation(session: Session, request_id: int) -> EventEvaluation | None:
    return session.scalar(select(EventEvaluation).where(EventEvaluation.request_id == request_id))


def _served_roles(session: Session, req: EventRequest) -> list[str]:
    serving = {a.role for a in _active(session, req.id)}
    return [role for role, _ in _roles(req) if role in serving]


def _start_evaluation(ctx: ServiceCtx, req: EventRequest) -> Outcome:
    _require(ctx, req.requester_id == _actor_id(ctx))
    if req.status not in EVALUATED:
        raise UserError(ctx.t("event_team.request_closed", id=req.id))
    if _evaluation(ctx.session, req.id) is not None:
        raise UserError(ctx.t("event_team.eval_already", id=req.id))
    ctx.step_started(PROGRAM, 6, _ref(req.id), "10m")
    aspects = sm_flows.evaluation_aspects(_served_roles(ctx.session, req))
    data = sm_flows.EvaluationData(request_id=req.id, title=req.title, aspects=aspects)
    return Outcome(start_flow=sm_flows.EVALUATION_FLOW.name, flow_data=data)


def _close_if_done(ctx: ServiceCtx, req: EventRequest) -> None:
    if req.internal_done_at is not None and _evaluation(ctx.session, req.id) is not None:
        ctx.session.execute(
            update(EventRequest)
            .where(EventRequest.id == req.id, EventRequest.status == RequestStatus.HELD)
            .values(status=RequestStatus.CLOSED)
        )


def _submit_evaluation(ctx: ServiceCtx, cmd: sm_flows.SubmitEvaluation) -> list[Reply]:
    req = _request(ctx, cmd.request_id)
    _require(ctx, req.requester_id == _actor_id(ctx))
    if req.status not in EVALUATED:
        raise UserError(ctx.t("event_team.request_closed", id=req.id))
    if _evaluation(ctx.session, req.id) is not None:
        raise UserError(ctx.t("event_team.eval_already", id=req.id))
    ratings = dict(cmd.ratings)
    fixed = ("readiness", "punctuality", "communication", "overall")
    if any(not 1 <= ratings.get(k, 0) <= 5 for k in fixed):
        raise UserError(ctx.t("core.stale_button"))
    ctx.session.add(
        EventEvaluation(
            request_id=req.id,
            evaluator_id=_actor_id(ctx),
            readiness=ratings["readiness"],
            punctuality=ratings["punctuality"],
            communication=ratings["communication"],
            overall=ratings["overall"],
            role_ratings={k[5:]: v for k, v in ratings.items() if k.startswith("role:")},
            suggestions=cmd.suggestions,
            submitted_at=ctx.now,
        )
    )
    ctx.session.flush()
    ctx.step_done(PROGRAM, 6, _ref(req.id))
    ctx.cancel_reminders(_key(req, "eval", ""), "filled")
    ctx.audit("event_evaluation", _ref(req.id), overall=ratings["overall"])
    _close_if_done(ctx, req)
    return [Text(ctx.t("event_team.eval_thanks"))]


def _start_internal(ctx: ServiceCtx, req: EventRequest) -> Outcome:
    _require(ctx, ctx.actor is not None and ctx.actor.has("et_lead"))
    if req.status not in EVALUATED:
        raise UserError(ctx.t("event_team.request_closed", id=req.id))
    if req.internal_done_at is not None:
        raise UserError(ctx.t("event_team.internal_already", id=req.id))
    served = [(a.id, ctx.employee(a.member_id).name, a.role) for a in _active(ctx.session, req.id)]
    if not served:
        # Every member declined and nobody was named again: there is no one to rate.
        _submit_internal(ctx, lead_flows.SubmitInternalEvaluation(req.id, ()))
        return Outcome([Text(ctx.t("event_team.internal_nobody"))])
    data = lead_flows.InternalData(request_id=req.id, title=req.title, served=served)
    return Outcome(start_flow=lead_flows.INTERNAL_FLOW.name, flow_data=data)


def _submit_internal(ctx: ServiceCtx, cmd: lead_flows.SubmitInternalEvaluation) -> list[Reply]:
    _require(ctx, ctx.actor is not None and ctx.actor.has("et_lead"))
    req = _request(ctx, cmd.request_id)
    if req.status not in EVALUATED:
        raise UserError(ctx.t("event_team.request_closed", id=req.id))
    active = {a.id: a for a in _active(ctx.session, req.id)}
    if {aid for aid, _, _ in cmd.ratings} != set(active) or any(
        not 1 <= rating <= 5 for _, rating, _ in cmd.ratings
    ):
        raise UserError(ctx.t("core.stale_button"))
    won = ctx.session.execute(
        update(EventRequest)
        .where(EventRequest.id == req.id, EventRequest.internal_done_at.is_(None))
        .values(internal_done_at=ctx.now, internal_by_id=_actor_id(ctx))
    )
    if not won.rowcount:  # type: ignore[attr-defined]
        raise UserError(ctx.t("event_team.internal_already", id=req.id))
    ctx.session.refresh(req)
    for aid, rating, note in cmd.ratings:
        active[aid].lead_rating = rating
        active[aid].lead_note = note
    ctx.step_done(PROGRAM, 7, _ref(req.id))
    ctx.cancel_reminders(_key(req, "internal", ""), "filled")
    ctx.audit("event_internal_evaluation", _ref(req.id))
    _close_if_done(ctx, req)
    return [Text(ctx.t("event_team.internal_thanks"))]


def _documentable(ctx: ServiceCtx) -> list[EventRequest]:
    """Events the actor served in that ended lately, newest first."""
    return list(
        ctx.session.scalars(
            select(EventRequest)
            .join(RoleAssignment, RoleAssignment.request_id == EventRequest.id)
            .where(
                RoleAssignment.member_id == _actor_id(ctx),
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
                member_id=_actor_id(ctx),
                path=media.path,
                content_type=media.content_type,
                received_at=ctx.now,
            )
        )
    ctx.step_done(PROGRAM, 4, _ref(cmd.request_id))
    ctx.session.flush()
    total = len(
        ctx.session.scalars(
            select(EventDocumentation.id).where(EventDocumentation.request_id == cmd.request_id)
        ).all()
    )
    return [Text(ctx.t("event_team.doc_saved", count=len(cmd.media), total=total))]


# -- availability -------------------------------------------------------------------------


def _mark_unavailable(ctx: ServiceCtx, cmd: member_flows.MarkUnavailable) -> list[Reply]:
    member_id = _actor_id(ctx)
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
        for req in _my_assignments(ctx, upcoming_only=True)
        if to_wib(req[1].starts_at).date() in cmd.days
    ]
    if clashes:
        titles = ", ".join(f"#{r.id} {r.title}" for _, r in clashes)
        replies.append(Text(ctx.t("event_team.unavailable_clash", events=titles)))
    return replies


# -- lists: /permintaan, /tugas -------------------------------------------------------------


def _status(ctx: ServiceCtx, req: EventRequest) -> str:
    return ctx.t(f"event_team.status_{req.status}")


def _my_requests(ctx: ServiceCtx, _args: str) -> Outcome:
    own = list(
        ctx.session.scalars(
            select(EventRequest)
            .where(EventRequest.requester_id == _actor_id(ctx))
            .order_by(EventRequest.starts_at.desc())
            .limit(10)
        )
    )
    lang = _lang(ctx)
    replies: list[Reply] = []
    options: list[Option] = []
    if own:
        lines = [f"#{r.id} {r.title}\n   {_when(r, lang)}\n   {_status(ctx, r)}" for r in own]
        for r in own:
            if r.status in OPEN_STATUSES and r.starts_at > ctx.now:
                options.append(
                    Option(
                        ctx.t("event_team.button_reschedule", id=r.id),
                        encode(PREFIX, "resched", r.id),
                    )
                )
                options.append(
                    Option(
                        ctx.t("event_team.button_cancel", id=r.id), encode(PREFIX, "cancel", r.id)
                    )
                )
            elif r.status in EVALUATED and _evaluation(ctx.session, r.id) is None:
                options.append(
                    Option(
                        ctx.t("event_team.button_eval_id", id=r.id), encode(PREFIX, "eval", r.id)
                    )
                )
        text = ctx.t("event_team.my_requests", lines="\n".join(lines))
        replies.append(Choices(text, tuple(options[:10])) if options else Text(text))
    else:
        replies.append(Text(ctx.t("event_team.my_requests_none")))
    if ctx.actor is not None and ctx.actor.has("et_lead"):
        waiting = [
            r
            for r in ctx.session.scalars(
                select(EventRequest)
                .where(EventRequest.status.in_(OPEN_STATUSES), EventRequest.starts_at > ctx.now)
                .order_by(EventRequest.starts_at)
            )
            if _vacant(ctx.session, r)
        ]
        if waiting:
            lines = [f"#{r.id} {r.title} — {_when(r, lang)}" for r in waiting]
            buttons = tuple(
                Option(
                    ctx.t("event_team.button_assign_id", id=r.id), encode(PREFIX, "assign", r.id)
                )
                for r in waiting[:10]
            )
            replies.append(
                Choices(ctx.t("event_team.waiting_assignment", lines="\n".join(lines)), buttons)
            )
    return Outcome(replies)


def _my_assignments(
    ctx: ServiceCtx, upcoming_only: bool = False
) -> list[tuple[RoleAssignment, EventRequest]]:
    query = (
        select(RoleAssignment, EventRequest)
        .join(EventRequest, EventRequest.id == RoleAssignment.request_id)
        .where(
            RoleAssignment.member_id == _actor_id(ctx),
            RoleAssignment.status == AssignmentStatus.ACTIVE,
            EventRequest.status.in_([RequestStatus.ASSIGNED, *EVALUATED]),
        )
        .order_by(EventRequest.starts_at)
    )
    if upcoming_only:
        query = query.where(EventRequest.starts_at > ctx.now)
    else:
        query = query.where(EventRequest.ends_at >= ctx.now - timedelta(days=30))
    return [(a, r) for a, r in ctx.session.execute(query)]


def _my_tasks(ctx: ServiceCtx, _args: str) -> Outcome:
    rows = _my_assignments(ctx)
    if not rows:
        return Outcome([Text(ctx.t("event_team.my_tasks_none"))])
    lang = _lang(ctx)
    lines: list[str] = []
    options: list[Option] = []
    for assignment, req in rows:
        role = role_label(ctx.catalog.translator(lang), assignment.role)
        lines.append(f"#{req.id} {req.title}\n   {role} — {_when(req, lang)}\n   {req.place}")
        if req.status == RequestStatus.ASSIGNED and req.starts_at > ctx.now:
            options.append(
                Option(
                    ctx.t("event_team.button_decline_id", id=req.id),
                    encode(PREFIX, "decline", assignment.id),
                )
            )
        elif req.status in EVALUATED:
            options.append(
                Option(ctx.t("event_team.button_doc_id", id=req.id), encode(PREFIX, "doc", req.id))
            )
    text = ctx.t("event_team.my_tasks", lines="\n".join(lines))
    return Outcome([Choices(text, tuple(options[:10])) if options else Text(text)])


# -- entry points -------------------------------------------------------------------------


def _start_request(ctx: ServiceCtx, _args: str) -> Outcome:
    data = sm_flows.RequestData(started_at=ctx.now)
    return Outcome(start_flow=sm_flows.REQUEST_FLOW.name, flow_data=data)


def _documentation_command(ctx: ServiceCtx, _args: str) -> Outcome:
    return _start_documentation(ctx, None)


def _action(ctx: ServiceCtx, payload: Payload) -> Outcome:
    """Every `et:<verb>:<id>` button; the id is re-checked against the presser."""
    verb, ref = payload.part(0), payload.int_part(1)
    if ref is None:
        raise UserError(ctx.t("core.unknown_button"))
    if verb == "decline":
        return _start_decline(ctx, ref)
    if verb == "doc":
        return _start_documentation(ctx, ref)
    req = _request(ctx, ref)
    if verb == "assign":
        return _start_assign(ctx, req)
    if verb == "eval":
        return _start_evaluation(ctx, req)
    if verb == "internal":
        return _start_internal(ctx, req)
    if verb in ("resched", "cancel"):
        req = _own_open_request(ctx, ref)
        data = sm_flows.ChangeData(request_id=req.id, title=req.title)
        flow = sm_flows.RESCHEDULE_FLOW if verb == "resched" else sm_flows.CANCEL_FLOW
        return Outcome(start_flow=flow.name, flow_data=data)
    raise UserError(ctx.t("core.unknown_button"))


def register(reg: Registry) -> None:
    """SOP-321: flows, commands, buttons and due work."""
    team = frozenset({"et_member", "et_lead"})
    for flow in (
        sm_flows.REQUEST_FLOW,
        sm_flows.RESCHEDULE_FLOW,
        sm_flows.CANCEL_FLOW,
        sm_flows.EVALUATION_FLOW,
        lead_flows.ASSIGN_FLOW,
        lead_flows.INTERNAL_FLOW,
        member_flows.DECLINE_FLOW,
        member_flows.UNAVAILABLE_FLOW,
        member_flows.DOCUMENTATION_FLOW,
    ):
        reg.flow(flow)
    reg.command(Command("dukungan", "event_team.cmd_dukungan", handler=_start_request, order=10))
    reg.command(Command("permintaan", "event_team.cmd_permintaan", handler=_my_requests, order=11))
    reg.command(Command("tugas", "event_team.cmd_tugas", roles=team, handler=_my_tasks, order=12))
    reg.command(
        Command(
            "tidaktersedia",
            "event_team.cmd_tidaktersedia",
            roles=team,
            flow="tidaktersedia",
            order=13,
        )
    )
    reg.command(
        Command(
            "dokumentasi",
            "event_team.cmd_dokumentasi",
            roles=team,
            handler=_documentation_command,
            order=14,
        )
    )
    reg.action(PREFIX, _action)
    reg.handles(sm_flows.SubmitRequest, _submit_request)
    reg.handles(sm_flows.Reschedule, _reschedule)
    reg.handles(sm_flows.CancelOwnRequest, _cancel_own)
    reg.handles(sm_flows.SubmitEvaluation, _submit_evaluation)
    reg.handles(lead_flows.AssignSlots, _assign)
    reg.handles(lead_flows.SubmitInternalEvaluation, _submit_internal)
    reg.handles(member_flows.DeclineAssignment, _decline)
    reg.handles(member_flows.MarkUnavailable, _mark_unavailable)
    event_team_availability.register(reg)
    reg.handles(member_flows.SaveDocumentation, _save_documentation)
    reg.reminder(KIND_CHASE, _chase)
    reg.reminder(KIND_MEMBER, _member_reminder)
    reg.reminder(KIND_END, _event_end)
