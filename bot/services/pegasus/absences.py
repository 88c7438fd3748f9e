"""Absences (SOP-330 step 1): `/cuti` records dates someone is away, `/batalcuti` takes them
back; an absence over a published turn offers a swap and tells the PJ."""

from __future__ import annotations

from sqlalchemy import delete, select

from bot.calendar import format_date
from bot.flows.pegasus import absences as flows
from bot.flows.pegasus.rules import Away, is_away
from bot.flows.withdraw import MAX_SHOWN, WithdrawData
from bot.messages import Reply, Text
from bot.registry import Outcome
from bot.services import notices
from bot.services.context import ServiceCtx, UserError
from bot.services.pegasus.common import require_role, said, tell, today, words
from bot.services.pegasus.swaps import swap_offer
from storage.models import Employee
from storage.pegasus import OPEN_STATUSES, Absence, Duty


def absence_command(ctx: ServiceCtx, _args: str) -> Outcome:
    """/cuti: record dates one is away (the PJ may record anyone's)."""
    assert ctx.actor is not None
    if ctx.actor.has("pj_pegasus"):
        return Outcome(start_flow=flows.ABSENCE_PJ_FLOW.name)
    data = flows.AbsenceData(employee_id=ctx.actor.id, employee_name=ctx.actor.name)
    return Outcome(start_flow=flows.ABSENCE_FLOW.name, flow_data=data)


def record_absence(ctx: ServiceCtx, cmd: flows.RecordAbsence) -> list[Reply]:
    """Keep an absence; when it touches a turn already on the roster, say so and offer a swap."""
    assert ctx.actor is not None
    if cmd.employee_id != ctx.actor.id:
        require_role(ctx, "pj_pegasus")
    employee = ctx.session.get(Employee, cmd.employee_id)
    if employee is None or cmd.end < cmd.start:
        raise UserError(ctx.t("core.stale_button"))
    absence = Absence(
        employee_id=employee.id,
        start_date=cmd.start,
        end_date=cmd.end,
        recorded_by_id=ctx.actor.id,
        recorded_at=ctx.now,
    )
    ctx.session.add(absence)
    ctx.session.flush()
    ctx.audit("pegasus_absence", employee.nip, start=str(cmd.start), end=str(cmd.end))
    lang = ctx.actor.language
    saved = ctx.t(
        "pegasus.absence_saved",
        name=employee.name,
        start=format_date(cmd.start, lang),
        end=format_date(cmd.end, lang),
    )
    replies: list[Reply] = [Text(saved)]
    clashes = [
        d
        for d in ctx.session.scalars(
            select(Duty)
            .where(Duty.employee_id == employee.id, Duty.posting_date >= today(ctx))
            .where(Duty.status.in_(OPEN_STATUSES))
            .order_by(Duty.posting_date)
        )
        if is_away([Away(cmd.start, cmd.end)], d.posting_date)
    ]
    for duty in clashes:
        _tell_clash(ctx, absence, duty, employee, replies)
    return replies


def absence_cancel_command(ctx: ServiceCtx, _args: str) -> Outcome:
    """/batalcuti: the nearest upcoming absences one may take back (the PJ: anyone's)."""
    assert ctx.actor is not None
    query = select(Absence, Employee).join(Employee, Employee.id == Absence.employee_id)
    if not ctx.actor.has("pj_pegasus"):
        query = query.where(Absence.employee_id == ctx.actor.id)
    rows = ctx.session.execute(
        query.where(Absence.end_date >= today(ctx))
        .order_by(Absence.start_date, Absence.id)
        .limit(MAX_SHOWN)
    ).all()
    if not rows:
        return Outcome([Text(ctx.t("pegasus.absence_cancel_none"))])
    lang = ctx.actor.language
    items = [
        (
            str(absence.id),
            ctx.t(
                "pegasus.absence_cancel_entry",
                name=employee.name,
                start=format_date(absence.start_date, lang),
                end=format_date(absence.end_date, lang),
            ),
        )
        for absence, employee in rows
    ]
    return Outcome(start_flow=flows.CANCEL_ABSENCE_FLOW.name, flow_data=WithdrawData(items=items))


def cancel_absences(ctx: ServiceCtx, cmd: flows.CancelAbsences) -> list[Reply]:
    """Remove the chosen absences that still exist and are the presser's to remove."""
    assert ctx.actor is not None
    query = delete(Absence).where(Absence.id.in_(cmd.absence_ids), Absence.end_date >= today(ctx))
    if not ctx.actor.has("pj_pegasus"):
        query = query.where(Absence.employee_id == ctx.actor.id)
    removed = ctx.session.execute(
        query.returning(Absence.id, Absence.employee_id, Absence.start_date, Absence.end_date)
    ).all()
    if not removed:
        raise UserError(ctx.t("pegasus.absence_cancel_gone"))
    for row in removed:
        ctx.audit(
            "pegasus_absence_cancelled",
            str(row.employee_id),
            absence=row.id,
            start=str(row.start_date),
            end=str(row.end_date),
        )
    return [Text(ctx.t("pegasus.absence_cancelled", count=len(removed)))]


def _tell_clash(
    ctx: ServiceCtx, absence: Absence, duty: Duty, employee: Employee, replies: list[Reply]
) -> None:
    """An absence over a published turn: the person is offered a swap, the PJ is told."""
    assert ctx.actor is not None
    day = duty.posting_date
    if employee.id == ctx.actor.id:
        me = ctx.employee(ctx.actor.id)
        replies.append(swap_offer(ctx, duty, me, said(ctx, "pegasus.absence_clash_self", day)))
    else:
        replies.append(Text(said(ctx, "pegasus.absence_clash_other", day, name=employee.name)))
        told = words(ctx, employee, "pegasus.absence_clash_told", day)
        with notices.watch(ctx) as asked:  # "they were asked" once they were
            ctx.notify(
                employee,
                [swap_offer(ctx, duty, employee, told)],
                key=f"pegasus:absence:{absence.id}:duty:{duty.id}",
            )
            asked.says(
                ctx.actor.id,
                said(ctx, "pegasus.absence_clash_about", day, name=employee.name),
                said(ctx, "pegasus.absence_clash_asked", day, name=employee.name),
            )
    for pj in ctx.holders("pj_pegasus"):
        if pj.id != ctx.actor.id:
            tell(
                ctx,
                pj,
                "pegasus.absence_clash_pj",
                day,
                name=employee.name,
                message_key=f"pegasus:absence:{absence.id}:duty:{duty.id}:pj:{pj.id}",
            )
