"""SOP-321 steps 1-2: opening a request (from chat or from another feature), and the SM
rescheduling or cancelling it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from bot.calendar import format_date, to_wib
from bot.flows.base import Flow
from bot.flows.event_team import change as change_flows
from bot.flows.event_team import request as request_flows
from bot.flows.event_team.rules import (
    ADVISED_LEAD_DAYS,
    MAX_HEADCOUNT,
    MIN_LEAD_DAYS,
    PROGRAM,
    lead_time,
)
from bot.messages import Choices, Reply, Text
from bot.registry import Command, Outcome, Registry
from bot.services import notices
from bot.services.context import ServiceCtx, UserError
from bot.services.event_team.assignment import booked_or_away, tell_member
from bot.services.event_team.buttons import AssignButton, CancelButton, RescheduleButton
from bot.services.event_team.common import (
    about,
    active_assignments,
    actor_id,
    ccs,
    event_ref,
    event_when,
    get_request,
    key_of,
    lang_of,
    leads,
    option_for,
    phrase,
    refuse_closed,
    require,
    role_name,
    roles_of,
    timed_key_of,
)
from bot.services.event_team.due import schedule_chase, schedule_member, schedule_timed
from storage.event_team import (
    OPEN_STATUSES,
    EventRequest,
    RequestStatus,
)
from storage.models import Employee


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
        earliest = format_date(verdict.earliest, lang_of(ctx))
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
    ref = event_ref(req.id)
    ctx.step_started(PROGRAM, 1, ref, "30m", at=started_at)
    ctx.step_done(PROGRAM, 1, ref, at=summary_at)
    ctx.step_started(PROGRAM, 2, ref, "10m", at=summary_at)
    ctx.step_done(PROGRAM, 2, ref)
    ctx.step_started(PROGRAM, 3, ref, "1wd")
    ctx.audit("event_request", ref, late=req.late, lead_days=req.lead_days, linked=linked_ref)
    requester = ctx.employee(requester_id)
    for lead in leads(ctx):
        ctx.notify(
            lead, [_new_request_notice(ctx, lead, req, requester)], key=key_of(req, "new", lead.id)
        )
    for cc in ccs(ctx):
        text = phrase(ctx, cc, "cc_new", name=requester.name, **about(ctx, cc, req))
        ctx.notify(cc, [Text(text + _late_suffix(ctx, cc, req))], key=key_of(req, "new", cc.id))
    schedule_chase(ctx, req, "assign", 0)
    schedule_timed(ctx, req)
    return req


def _late_suffix(ctx: ServiceCtx, person: Employee, req: EventRequest) -> str:
    return "\n" + phrase(ctx, person, "flag_late", days=req.lead_days) if req.late else ""


def _new_request_notice(
    ctx: ServiceCtx, lead: Employee, req: EventRequest, requester: Employee
) -> Choices:
    roles = ", ".join(f"{role_name(ctx, lead, r)} ×{n}" for r, n in roles_of(req))
    text = phrase(
        ctx,
        lead,
        "lead_new",
        name=requester.name,
        roles=roles,
        notes=req.notes or "–",
        portal=req.portal_ref or "–",
        **about(ctx, lead, req),
    )
    button = option_for(ctx, lead, "button_assign", AssignButton(req.id))
    return Choices(text + _late_suffix(ctx, lead, req), (button,))


def _submit_request(ctx: ServiceCtx, cmd: request_flows.SubmitRequest) -> list[Reply]:
    with notices.watch(ctx) as told:  # "the lead and the CC were told" once they were
        req = _create(
            ctx,
            requester_id=actor_id(ctx),
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
        told.says(
            actor_id(ctx),
            ctx.t("event_team.request_about", id=req.id),
            ctx.t("event_team.submitted_told", id=req.id),
        )
    replies: list[Reply] = [Text(ctx.t("event_team.submitted", id=req.id))]
    if req.late:
        replies.append(Text(ctx.t("event_team.flag_late", days=req.lead_days)))
    elif MIN_LEAD_DAYS <= req.lead_days < ADVISED_LEAD_DAYS:
        replies.append(Text(ctx.t("event_team.lead_short", days=req.lead_days)))
    return replies


# -- changes (reschedule, cancel) ----------------------------------------------------------


def _own_open_request(ctx: ServiceCtx, request_id: int | None) -> EventRequest:
    req = get_request(ctx, request_id)
    require(ctx, req.requester_id == actor_id(ctx))
    refuse_closed(ctx, req)
    return req


def _reschedule(ctx: ServiceCtx, cmd: change_flows.Reschedule) -> list[Reply]:
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
        earliest = format_date(verdict.earliest, lang_of(ctx))
        raise UserError(ctx.t("event_team.too_late", days=verdict.days, earliest=earliest))
    # Withdraw every reminder tied to the old time, then plan the new ones.
    ctx.cancel_reminders(timed_key_of(req, ""), "rescheduled")
    old_when = {p: event_when(req, p) for p in ("id", "en")}
    req.starts_at, req.ends_at = cmd.starts_at, cmd.ends_at
    req.revision += 1
    req.late = req.late or verdict.late
    ctx.session.flush()
    schedule_timed(ctx, req)
    ctx.audit("event_reschedule", event_ref(req.id), starts_at=cmd.starts_at.isoformat())
    assignments = active_assignments(ctx.session, req.id)
    busy = booked_or_away(ctx, req, [a.member_id for a in assignments])
    for assignment in assignments:
        tell_member(ctx, req, assignment, "rescheduled")
        schedule_member(ctx, req, assignment)
    for lead in leads(ctx):
        clash = [ctx.employee(a.member_id).name for a in assignments if a.member_id in busy]
        text = phrase(
            ctx, lead, "lead_rescheduled", old=old_when[lead.language], **about(ctx, lead, req)
        )
        if clash:
            text += "\n" + phrase(ctx, lead, "lead_clash", names=", ".join(clash))
        ctx.notify(lead, [Text(text)], key=timed_key_of(req, "moved", lead.id))
    return [
        Text(ctx.t("event_team.rescheduled_done", id=req.id, when=event_when(req, lang_of(ctx))))
    ]


def cancel_request(ctx: ServiceCtx, request_id: int, reason: str) -> None:
    """Cancel a request: members and lead are told, every pending reminder is withdrawn."""
    req = get_request(ctx, request_id)
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
    ctx.cancel_reminders(key_of(req, ""), "request cancelled")
    ctx.audit("event_cancel", event_ref(req.id), reason=reason)
    told = {a.member_id for a in active_assignments(ctx.session, req.id)} | {
        e.id for e in leads(ctx)
    }
    if ctx.actor is None or ctx.actor.id != req.requester_id:
        told.add(req.requester_id)
    for person_id in sorted(told):
        person = ctx.employee(person_id)
        text = phrase(ctx, person, "cancelled_notice", reason=reason, **about(ctx, person, req))
        ctx.notify(person, [Text(text)], key=key_of(req, "cancelled", person.id))


def _cancel_own(ctx: ServiceCtx, cmd: change_flows.CancelOwnRequest) -> list[Reply]:
    req = _own_open_request(ctx, cmd.request_id)
    with notices.watch(ctx) as told:
        cancel_request(ctx, req.id, cmd.reason)
        told.says(
            actor_id(ctx),
            ctx.t("event_team.cancel_about", id=req.id),
            ctx.t("event_team.cancel_told", id=req.id),
        )
    return [Text(ctx.t("event_team.cancel_done", id=req.id))]


def _start_request(ctx: ServiceCtx, _args: str) -> Outcome:
    data = request_flows.RequestData(started_at=ctx.now)
    return Outcome(start_flow=request_flows.REQUEST_FLOW.name, flow_data=data)


def _start_change(
    ctx: ServiceCtx, request_id: int, flow: Flow[change_flows.ChangeData]
) -> Outcome:
    """The SM pressed "Ubah jadwal" or "Batalkan" on their own open request."""
    get_request(ctx, request_id)
    req = _own_open_request(ctx, request_id)
    data = change_flows.ChangeData(request_id=req.id, title=req.title)
    return Outcome(start_flow=flow.name, flow_data=data)


def _reschedule_pressed(ctx: ServiceCtx, pressed: RescheduleButton) -> Outcome:
    return _start_change(ctx, pressed.request_id, change_flows.RESCHEDULE_FLOW)


def _cancel_pressed(ctx: ServiceCtx, pressed: CancelButton) -> Outcome:
    return _start_change(ctx, pressed.request_id, change_flows.CANCEL_FLOW)


def register(reg: Registry) -> None:
    """The SM's request, reschedule and cancel flows, `/dukungan`, and what they do."""
    for flow in (
        request_flows.REQUEST_FLOW,
        change_flows.RESCHEDULE_FLOW,
        change_flows.CANCEL_FLOW,
    ):
        reg.flow(flow)
    reg.command(Command("dukungan", "event_team.cmd_dukungan", handler=_start_request, order=10))
    reg.handles(request_flows.SubmitRequest, _submit_request)
    reg.button(RescheduleButton, _reschedule_pressed)
    reg.handles(change_flows.Reschedule, _reschedule)
    reg.button(CancelButton, _cancel_pressed)
    reg.handles(change_flows.CancelOwnRequest, _cancel_own)
