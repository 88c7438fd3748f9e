"""Posting (SOP-330 step 5): the poster to the office Telegram group, and to Humas to forward."""

from __future__ import annotations

from bot import outbox
from bot.messages import Channel, Image, Reply, Text
from bot.services import notices
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
from storage.models import Employee
from storage.pegasus import Duty, DutyStatus


def _handed(ctx: ServiceCtx, duty: Duty, who: Employee, intro: str) -> list[Reply]:
    """What Humas gets to forward: a word on the post, the poster, its caption, proof buttons."""
    assert duty.poster_path is not None
    text = caption(ctx, duty)
    ask = ctx.t_for(who, "pegasus.proof_ask")
    return [
        Text(ctx.t_for(who, intro, name=duty.employee.name)),
        Image(duty.poster_path, text),
        Text(text),
        proof_buttons(ctx, duty, who, ask),
    ]


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
    """Post to the office Telegram group and hand Humas the poster and caption to forward.

    Humas and the author hear "posted automatically" only once the group has the poster;
    should the post fail, Humas is asked to post it instead.
    """
    assert duty.poster_path is not None
    chat = str(ctx.settings.telegram_office_chat_id or "").strip()
    duty.status = DutyStatus.POSTED
    duty.posted_at = ctx.now
    ref = duty_ref(duty.id)
    ctx.step_started(PROGRAM, STEP_POSTING, ref, "1wd")
    ctx.audit("pegasus_post", ref, telegram=bool(chat))
    humas = ctx.holders("humas")
    author = duty.employee
    if chat:
        with notices.watch(ctx) as told:
            outbox.put(
                ctx.session,
                channel=Channel.TELEGRAM,
                recipient=chat,
                replies=[Image(duty.poster_path, caption(ctx, duty))],
                now=ctx.now,
                kind="post",
                key=f"pegasus:post:{duty.id}:telegram",
                notice_id=ctx.notice_id,
            )
            for who in humas:
                told.says(
                    who,
                    ctx.t_for(who, "pegasus.poster_about"),
                    *_handed(ctx, duty, who, "pegasus.humas_post"),
                    instead=_handed(ctx, duty, who, "pegasus.humas_post_manual"),
                )
            told.says(
                author,
                ctx.t_for(author, "pegasus.poster_about"),
                ctx.t_for(author, "pegasus.posted_told"),
                instead=[Text(ctx.t_for(author, "pegasus.posted_told_manual"))],
            )
        duty.telegram_posted = True
    else:
        for who in humas:
            ctx.notify(
                who,
                _handed(ctx, duty, who, "pegasus.humas_post_manual"),
                key=f"pegasus:post:{duty.id}:humas:{who.id}",
            )
        word = ctx.t_for(author, "pegasus.posted_told_manual")
        ctx.notify(author, [Text(word)], key=f"pegasus:posted:{duty.id}")
    for pj in ctx.holders("pj_pegasus"):
        notes = []
        if not chat:
            notes.append(ctx.t_for(pj, "pegasus.post_not_automatic"))
        if not humas:
            notes.append(ctx.t_for(pj, "pegasus.no_humas"))
        if notes:
            ctx.notify(
                pj,
                [Text("\n".join(notes)), Image(duty.poster_path, caption(ctx, duty))],
                key=f"pegasus:post:{duty.id}:pj:{pj.id}",
            )
    followup = followup_moment(ctx, today(ctx))
    if not reminders.move(ctx.session, duty_key(duty.id, "followup"), followup):
        ctx.schedule(
            duty_key(duty.id, "followup-late"),
            "pegasus.followup",
            followup,
            args={"duty_id": duty.id},
        )
