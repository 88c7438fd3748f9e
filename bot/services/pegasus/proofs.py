"""Proof of posting (SOP-330 step 5): Humas's screenshot or link for each platform, `/bukti`."""

from __future__ import annotations

from sqlalchemy import select

from bot.calendar import format_date
from bot.flows.pegasus import proof as flows
from bot.flows.pegasus.rules import PLATFORMS
from bot.messages import Choices, Option, Reply, Text
from bot.registry import Outcome
from bot.services.context import ServiceCtx, UserError
from bot.services.pegasus.buttons import SendProof
from bot.services.pegasus.common import PROGRAM, STEP_POSTING, duty_ref, duty_row, require_role
from bot.services.pegasus.templates import inside_media
from storage.models import Employee
from storage.pegasus import Duty, DutyStatus, Proof


def proof_buttons(ctx: ServiceCtx, duty: Duty, who: Employee, text: str) -> Choices:
    """A message asking for the proofs still missing, one button per platform."""
    have = set(ctx.session.scalars(select(Proof.platform).where(Proof.duty_id == duty.id)))
    options = tuple(
        Option(ctx.t_for(who, f"pegasus.proof_button_{p}"), SendProof(duty.id, p).pack())
        for p in PLATFORMS
        if p not in have
    )
    return Choices(text, options)


def _proof_duty(ctx: ServiceCtx, duty_id: int | None) -> Duty:
    require_role(ctx, "humas")
    duty = duty_row(ctx, duty_id)
    if duty.status not in (DutyStatus.POSTED, DutyStatus.PROVEN):
        raise UserError(ctx.t("pegasus.proof_not_posted"))
    return duty


def proof_action(ctx: ServiceCtx, pressed: SendProof) -> Outcome:
    """Humas's 'send proof' button: ask for the screenshot or link of one platform."""
    duty = _proof_duty(ctx, pressed.duty_id)
    data = flows.ProofData(duty_id=duty.id, platform=pressed.platform, duty_date=duty.posting_date)
    return Outcome(start_flow=flows.PROOF_FLOW.name, flow_data=data)


def proof_command(ctx: ServiceCtx, _args: str) -> Outcome:
    """/bukti: the posts still waiting for proof, with a button for each missing one."""
    require_role(ctx, "humas")
    assert ctx.actor is not None
    me = ctx.employee(ctx.actor.id)
    waiting = list(
        ctx.session.scalars(
            select(Duty)
            .where(Duty.status == DutyStatus.POSTED)
            .order_by(Duty.posting_date, Duty.id)
        )
    )
    if not waiting:
        return Outcome([Text(ctx.t("pegasus.proof_none"))])
    replies: list[Reply] = []
    for duty in waiting[:5]:
        text = ctx.t(
            "pegasus.proof_pending",
            name=duty.employee.name,
            date=format_date(duty.posting_date, ctx.actor.language),
        )
        replies.append(proof_buttons(ctx, duty, me, text))
    return Outcome(replies)


def record_proof(ctx: ServiceCtx, cmd: flows.RecordProof) -> list[Reply]:
    """Keep a screenshot or link; with every platform proven, step 5 is done."""
    assert ctx.actor is not None
    duty = _proof_duty(ctx, cmd.duty_id)
    if cmd.platform not in PLATFORMS:
        raise UserError(ctx.t("core.unknown_button"))
    media = str(inside_media(ctx, cmd.media_path)) if cmd.media_path else None
    proof = ctx.session.scalar(
        select(Proof).where(Proof.duty_id == duty.id, Proof.platform == cmd.platform)
    )
    if proof is None:
        proof = Proof(duty_id=duty.id, platform=cmd.platform, at=ctx.now)
        ctx.session.add(proof)
    proof.media_path = media
    proof.link = cmd.link
    proof.by_id = ctx.actor.id
    proof.at = ctx.now
    ctx.session.flush()
    ctx.audit("pegasus_proof", duty_ref(duty.id), platform=cmd.platform, link=cmd.link or "")
    platform = ctx.t(f"pegasus.platform_{cmd.platform}")
    saved = ctx.t("pegasus.proof_saved", platform=platform)
    have = set(ctx.session.scalars(select(Proof.platform).where(Proof.duty_id == duty.id)))
    if have >= set(PLATFORMS):
        duty.status = DutyStatus.PROVEN
        ctx.step_done(PROGRAM, STEP_POSTING, duty_ref(duty.id))
        return [Text(saved + "\n" + ctx.t("pegasus.proof_complete"))]
    me = ctx.employee(ctx.actor.id)
    return [proof_buttons(ctx, duty, me, saved + "\n" + ctx.t("pegasus.proof_more"))]
