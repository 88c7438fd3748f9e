"""Posting (SOP-330 step 5): the poster to the office Telegram group, and to Humas to forward."""

from __future__ import annotations

from bot import outbox
from bot.messages import Channel, Image, Text
from bot.services.context import ServiceCtx
from bot.services.pegasus.common import (
    PROGRAM,
    STEP_POSTING,
    duty_key,
    duty_ref,
    followup_moment,
    today,
)
from bot.services.pegasus.proofs import proof_buttons
from storage import reminders
from storage.models import Lane
from storage.pegasus import Duty, DutyStatus


def caption(ctx: ServiceCtx, duty: Duty) -> str:
    """The post's caption, in the office's language."""
    return ctx.catalog.t(
        "pegasus.caption",
        "id",
        quote=duty.quote or "",
        name=duty.employee.name,
        office=duty.employee.office.name,
    )


def post_now(ctx: ServiceCtx, duty: Duty) -> None:
    """Post to the office Telegram group and hand Humas the poster and caption to forward."""
    assert duty.poster_path is not None
    text = caption(ctx, duty)
    chat = str(ctx.settings.telegram_office_chat_id or "").strip()
    if chat:
        outbox.put(
            ctx.session,
            channel=Channel.TELEGRAM,
            recipient=chat,
            replies=[Image(duty.poster_path, text)],
            now=ctx.now,
            kind="post",
            key=f"pegasus:post:{duty.id}:telegram",
            lane=Lane.BULK,  # an announcement to the whole office group
        )
        duty.telegram_posted = True
    duty.status = DutyStatus.POSTED
    duty.posted_at = ctx.now
    ref = duty_ref(duty.id)
    ctx.step_started(PROGRAM, STEP_POSTING, ref, "1wd")
    ctx.audit("pegasus_post", ref, telegram=bool(chat))
    humas = ctx.holders("humas")
    for who in humas:
        intro = ctx.t_for(
            who,
            "pegasus.humas_post" if chat else "pegasus.humas_post_manual",
            name=duty.employee.name,
        )
        ask = ctx.t_for(who, "pegasus.proof_ask")
        ctx.notify(
            who,
            [
                Text(intro),
                Image(duty.poster_path, text),
                Text(text),
                proof_buttons(ctx, duty, who, ask),
            ],
            key=f"pegasus:post:{duty.id}:humas:{who.id}",
        )
    for pj in ctx.holders("pj_pegasus"):
        notes = []
        if not chat:
            notes.append(ctx.t_for(pj, "pegasus.post_not_automatic"))
        if not humas:
            notes.append(ctx.t_for(pj, "pegasus.no_humas"))
        if notes:
            ctx.notify(
                pj,
                [Text("\n".join(notes)), Image(duty.poster_path, text)],
                key=f"pegasus:post:{duty.id}:pj:{pj.id}",
            )
    author = duty.employee
    ctx.notify(
        author, [Text(ctx.t_for(author, "pegasus.posted_told"))], key=f"pegasus:posted:{duty.id}"
    )
    followup = followup_moment(ctx, today(ctx))
    if not reminders.move(ctx.session, duty_key(duty.id, "followup"), followup):
        ctx.schedule(
            duty_key(duty.id, "followup-late"),
            "pegasus.followup",
            followup,
            args={"duty_id": duty.id},
        )
