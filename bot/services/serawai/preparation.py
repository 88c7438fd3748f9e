"""The Serawai preparation checklist (step 7), each tick reported to the province CA."""

from __future__ import annotations

from bot.flows.serawai.rules import PREP_ITEMS
from bot.messages import Choices, Option, Text
from bot.registry import Outcome
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.buttons import PrepButton
from bot.services.serawai.common import (
    PROGRAM,
    decision,
    may_host,
    office_name,
    province_office_id,
    session_ref,
    the_actor,
    when_text,
)
from bot.services.serawai.sessions import hosted_session, sessions_of
from storage.models import Employee, Reminder
from storage.serawai import (
    SerawaiSession,
    SessionStatus,
)

# -- step 7: preparation checklist, reported to the province CA -----------------------------


def done_items(sesi: SerawaiSession) -> dict[str, bool]:
    return {item: bool(getattr(sesi, f"prep_{item}")) for item in PREP_ITEMS}


def checklist(ctx: ServiceCtx, employee: Employee, sesi: SerawaiSession) -> Choices:
    done = done_items(sesi)
    options = tuple(
        Option(
            ("✅ " if done[item] else "⬜ ") + ctx.t_for(employee, f"serawai.prep_{item}"),
            PrepButton(sesi.id, item).pack(),
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
    done = done_items(sesi)
    return ", ".join(
        ("✅ " if done[item] else "⬜ ") + ctx.t_for(employee, f"serawai.prep_{item}")
        for item in PREP_ITEMS
    )


def tell_province(ctx: ServiceCtx, sesi: SerawaiSession, key: str, tag: object) -> None:
    """Report to the province CA (CA of office 1700) on the session's preparation."""
    for ca in ctx.holders("ca", province_office_id(ctx)):
        text = ctx.t_for(
            ca,
            key,
            title=sesi.title,
            host=office_name(ctx, sesi.host_office_id),
            when=when_text(ctx, ca, sesi.starts_at),
            progress=_progress(ctx, ca, sesi),
            done=sum(done_items(sesi).values()),
            total=len(PREP_ITEMS),
        )
        ctx.notify(ca, [Text(text)], key=f"serawai:s{sesi.id}:province:{tag}:{ca.id}")


def toggle_prep(ctx: ServiceCtx, pressed: PrepButton) -> Outcome:
    """Tick or untick a checklist item and tell the province CA."""
    sesi = hosted_session(ctx, pressed.session_id)
    item = pressed.item
    if item not in PREP_ITEMS:
        raise UserError(ctx.t("core.unknown_button"))
    if sesi.status != SessionStatus.SCHEDULED:
        raise UserError(ctx.t("serawai.session_not_open"))
    value = not getattr(sesi, f"prep_{item}")
    setattr(sesi, f"prep_{item}", value)
    employee = ctx.employee(the_actor(ctx).id)
    done = sum(done_items(sesi).values())
    stamp = decision(ctx, "serawai_prep", session_ref(sesi.id), item=item, done=value)
    if done == len(PREP_ITEMS):
        ctx.step_done(PROGRAM, 7, session_ref(sesi.id))
        tell_province(ctx, sesi, "serawai.province_ready", stamp)
    else:
        tell_province(ctx, sesi, "serawai.province_progress", stamp)
    return Outcome([checklist(ctx, employee, sesi)])


def prep_command(ctx: ServiceCtx, _args: str) -> Outcome:
    actor = the_actor(ctx)
    mine = [s for s in sessions_of(ctx, SessionStatus.SCHEDULED) if may_host(actor, s)]
    if not mine:
        return Outcome([Text(ctx.t("serawai.no_hosted_session"))])
    employee = ctx.employee(actor.id)
    return Outcome([checklist(ctx, employee, s) for s in mine])


def prep_reminder(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    sesi = ctx.session.get(SerawaiSession, row.args.get("session_id"))
    if sesi is None or sesi.status != SessionStatus.SCHEDULED or all(done_items(sesi).values()):
        return False
    for ca in ctx.holders("ca", sesi.host_office_id):
        ctx.notify(
            ca,
            [checklist(ctx, ca, sesi)],
            kind="reminder",
            key=f"serawai:s{sesi.id}:prep-reminder:{ca.id}",
        )
    return True
