"""The pool (SOP-330 step 1, `/petugas`): who is in the rotation; a newcomer joins the current
round."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.flows.pegasus import pool as flows
from bot.messages import Reply, Text
from bot.services.context import ServiceCtx, UserError
from bot.services.pegasus.common import pool_members, require_role, today
from bot.services.pegasus.planning import history
from storage.models import Employee
from storage.pegasus import OPEN_STATUSES, Duty, PoolMember


def _join(ctx: ServiceCtx, employee: Employee) -> bool:
    """Put one employee in the pool; a newcomer joins the current round. False if already in."""
    assert ctx.actor is not None
    member = ctx.session.scalar(select(PoolMember).where(PoolMember.employee_id == employee.id))
    if member is not None and member.removed_at is None:
        return False
    served, _last = history(ctx.session)
    current = [served.get(m.employee_id, 0) + m.credit for m in pool_members(ctx.session)]
    credit = max(0, min(current, default=0) - served.get(employee.id, 0))
    if member is None:
        ctx.session.add(
            PoolMember(
                employee_id=employee.id, credit=credit, added_by_id=ctx.actor.id, added_at=ctx.now
            )
        )
    else:
        member.removed_at = None
        member.credit = credit
        member.added_at = ctx.now
    ctx.session.flush()
    return True


def add_community(ctx: ServiceCtx, cmd: flows.AddCommunity) -> list[Reply]:
    """Put every active employee of a community in the pool."""
    require_role(ctx, "pj_pegasus")
    people = list(
        ctx.session.scalars(
            select(Employee)
            .where(Employee.active, Employee.community == cmd.community)
            .order_by(Employee.name, Employee.id)
        )
    )
    added = sum(1 for person in people if _join(ctx, person))
    ctx.audit("pegasus_pool_community", cmd.community, added=added)
    total = len(pool_members(ctx.session))
    return [
        Text(
            ctx.t(
                "pegasus.pool_community_added", added=added, community=cmd.community, total=total
            )
        )
    ]


def add_to_pool(ctx: ServiceCtx, cmd: flows.AddToPool) -> list[Reply]:
    """Put one employee in the pool."""
    require_role(ctx, "pj_pegasus")
    employee = ctx.session.get(Employee, cmd.employee_id)
    if employee is None or not employee.active:
        raise UserError(ctx.t("core.stale_button"))
    if not _join(ctx, employee):
        return [Text(ctx.t("pegasus.pool_already", name=employee.name))]
    ctx.audit("pegasus_pool_add", employee.nip)
    return [
        Text(ctx.t("pegasus.pool_added", name=employee.name, total=len(pool_members(ctx.session))))
    ]


def remove_from_pool(ctx: ServiceCtx, cmd: flows.RemoveFromPool) -> list[Reply]:
    """Take one employee out of the pool; their published turns stay (swap them if needed)."""
    require_role(ctx, "pj_pegasus")
    member = ctx.session.scalar(
        select(PoolMember).where(
            PoolMember.employee_id == cmd.employee_id, PoolMember.removed_at.is_(None)
        )
    )
    if member is None:
        raise UserError(ctx.t("core.stale_button"))
    member.removed_at = ctx.now
    ctx.audit("pegasus_pool_remove", member.employee.nip)
    upcoming = ctx.session.scalar(
        select(func.count(Duty.id)).where(
            Duty.employee_id == cmd.employee_id,
            Duty.posting_date >= today(ctx),
            Duty.status.in_(OPEN_STATUSES),
        )
    )
    replies: list[Reply] = [Text(ctx.t("pegasus.pool_removed", name=member.employee.name))]
    if upcoming:
        replies.append(Text(ctx.t("pegasus.pool_removed_has_duties", n=upcoming)))
    return replies
