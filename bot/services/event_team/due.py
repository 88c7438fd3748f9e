"""SOP-321 due work: chasing a step not done in time, reminding members before the event,
and what happens when the event ends (documentation, the evaluation forms)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.buttons import Button
from bot.flows.event_team.rules import (
    PROGRAM,
    after_working_days,
    day_before_reminder,
)
from bot.messages import Choices, Text
from bot.registry import Registry
from bot.services import notices
from bot.services.context import ServiceCtx
from bot.services.event_team.buttons import (
    AssignButton,
    DocumentationButton,
    EvaluationButton,
    InternalEvaluationButton,
)
from bot.services.event_team.common import (
    EVALUATED,
    KIND_CHASE,
    KIND_END,
    KIND_MEMBER,
    about,
    active_assignments,
    ccs,
    evaluation_of,
    event_ref,
    key_of,
    leads,
    option_for,
    phrase,
    role_name,
    timed_key_of,
    vacant_slots,
)
from storage.event_team import (
    AssignmentStatus,
    EventRequest,
    RequestStatus,
    RoleAssignment,
)
from storage.models import Reminder


def schedule_chase(ctx: ServiceCtx, req: EventRequest, what: str, ref: int) -> None:
    """Remind after 1 working day, tell the CC after 2, unless the step is done by then."""
    name = f"{what}{ref}" if ref else what
    for stage, days in (("remind", 1), ("cc", 2)):
        ctx.schedule(
            key_of(req, name, stage),
            KIND_CHASE,
            after_working_days(ctx.calendar, ctx.now, days),
            args={"request": req.id, "what": what, "stage": stage, "ref": ref},
        )


def schedule_timed(ctx: ServiceCtx, req: EventRequest) -> None:
    """Plan the event-end work at the event's (current) end time."""
    ctx.schedule(timed_key_of(req, "end"), KIND_END, req.ends_at, args={"request": req.id})


def schedule_member(ctx: ServiceCtx, req: EventRequest, assignment: RoleAssignment) -> None:
    """Plan a member's reminders: the working day before, and two hours before."""
    moments = (
        ("day", day_before_reminder(ctx.calendar, req.starts_at)),
        ("2h", req.starts_at - timedelta(hours=2)),
    )
    for which, due in moments:
        if due <= ctx.now:
            continue  # assigned later than this reminder's moment: the assignment said it all
        ctx.schedule(
            timed_key_of(req, f"a{assignment.id}", which),
            KIND_MEMBER,
            due,
            args={"request": req.id, "assignment": assignment.id, "which": which},
            employee_id=assignment.member_id,
            group_key=timed_key_of(req, f"a{assignment.id}"),
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
        for cc in ccs(ctx):
            text = phrase(ctx, cc, f"cc_late_{what}", **about(ctx, cc, req))
            ctx.notify(cc, [Text(text)], kind="reminder", key=f"{row.key}:{cc.id}")
        return True
    pressed: Button
    if what == "eval":
        people, pressed, label = [ctx.employee(req.requester_id)], EvaluationButton(req.id), "eval"
    elif what == "internal":
        people, pressed, label = leads(ctx), InternalEvaluationButton(req.id), "internal"
    else:
        people, pressed, label = leads(ctx), AssignButton(req.id), "assign"
    for person in people:
        text = phrase(ctx, person, f"remind_{what}", **about(ctx, person, req))
        choice = Choices(text, (option_for(ctx, person, f"button_{label}", pressed),))
        ctx.notify(person, [choice], kind="reminder", key=f"{row.key}:{person.id}")
    return True


def _still_pending(ctx: ServiceCtx, req: EventRequest, what: str, ref: int) -> bool:
    if what == "assign":
        return req.status == RequestStatus.REQUESTED and req.starts_at > ctx.now
    if what == "refill":
        return (
            req.status == RequestStatus.ASSIGNED
            and req.starts_at > ctx.now
            and bool(vacant_slots(ctx.session, req))
        )
    if what == "eval":
        return req.status in EVALUATED and evaluation_of(ctx.session, req.id) is None
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
    text = phrase(
        ctx, member, key, role=role_name(ctx, member, assignment.role), **about(ctx, member, req)
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
        ctx.audit("event_expired", event_ref(req.id))
        return False
    held = ctx.session.execute(
        update(EventRequest)
        .where(EventRequest.id == req.id, EventRequest.status == RequestStatus.ASSIGNED)
        .values(status=RequestStatus.HELD, held_at=ctx.now)
    )
    if not held.rowcount:  # type: ignore[attr-defined]
        return False
    ctx.session.refresh(req)
    ref = event_ref(req.id)
    ctx.step_started(PROGRAM, 4, ref, "1wd", at=req.starts_at)
    ctx.step_started(PROGRAM, 5, ref, "1wd")
    ctx.step_done(PROGRAM, 5, ref)
    ctx.step_started(PROGRAM, 7, ref, "1wd")
    for assignment in active_assignments(ctx.session, req.id):
        member = ctx.employee(assignment.member_id)
        text = phrase(ctx, member, "after_event", **about(ctx, member, req))
        button = option_for(ctx, member, "button_doc", DocumentationButton(req.id))
        ctx.notify(member, [Choices(text, (button,))], key=key_of(req, "after", member.id))
    requester = ctx.employee(req.requester_id)
    form = phrase(ctx, requester, "eval_form", **about(ctx, requester, req))
    button = option_for(ctx, requester, "button_eval", EvaluationButton(req.id))
    with notices.watch(ctx) as told:  # the CC hears the form was sent once it was
        ctx.notify(requester, [Choices(form, (button,))], key=key_of(req, "evalform"))
        for cc in ccs(ctx):
            text = phrase(ctx, cc, "cc_eval_sent", name=requester.name, **about(ctx, cc, req))
            told.says(cc, phrase(ctx, cc, "eval_about", **about(ctx, cc, req)), text)
    for lead in leads(ctx):
        text = phrase(ctx, lead, "internal_ask", **about(ctx, lead, req))
        button = option_for(ctx, lead, "button_internal", InternalEvaluationButton(req.id))
        ctx.notify(lead, [Choices(text, (button,))], key=key_of(req, "internalask", lead.id))
    schedule_chase(ctx, req, "eval", 0)
    schedule_chase(ctx, req, "internal", 0)
    return True


def register(reg: Registry) -> None:
    """The Event Team's reminder kinds."""
    reg.reminder(KIND_CHASE, _chase)
    reg.reminder(KIND_MEMBER, _member_reminder)
    reg.reminder(KIND_END, _event_end)
