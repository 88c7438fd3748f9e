"""A duty's scheduled jobs: H-5, H-3 and H-1 (step 3), posting at 08:00 (step 5), and the
follow-up of the working day after (missing proof, or a missed turn)."""

from __future__ import annotations

from datetime import timedelta

from bot.flows.pegasus.rules import REMINDER_DAYS
from bot.messages import Reply, Text
from bot.services.context import ServiceCtx
from bot.services.pegasus.common import (
    PROGRAM,
    STEP_CONTENT,
    STEP_REMINDERS,
    days_left,
    duty_key,
    duty_ref,
    followup_moment,
    post_moment,
    reminder_moment,
    reviewers,
    tell,
    words,
)
from bot.services.pegasus.posters import duty_buttons, review_buttons
from bot.services.pegasus.posting import post_now
from bot.services.pegasus.proofs import proof_buttons
from storage.models import Employee, Reminder
from storage.pegasus import OPEN_STATUSES, Duty, DutyStatus


def schedule_duty(ctx: ServiceCtx, duty: Duty) -> None:
    """The jobs of one duty: H-5, H-3, H-1 (one group: a catch-up speaks once), posting, and
    the follow-up of the working day after."""
    group = f"pegasus:duty:{duty.id}"
    posting = post_moment(duty.posting_date)
    for days_before in REMINDER_DAYS:
        ctx.schedule(
            duty_key(duty.id, f"h{days_before}"),
            "pegasus.remind",
            reminder_moment(duty.posting_date, days_before),
            args={"duty_id": duty.id, "h": days_before},
            employee_id=duty.employee_id,
            group_key=group,
            not_after=posting,
        )
    ctx.schedule(
        duty_key(duty.id, "post"),
        "pegasus.post",
        posting,
        args={"duty_id": duty.id},
        group_key=f"pegasus:post:{duty.id}",
        # Posting a day late is worse than a clear note in the report that it was missed.
        not_after=post_moment(duty.posting_date) + timedelta(hours=15, minutes=59),
    )
    ctx.schedule(
        duty_key(duty.id, "followup"),
        "pegasus.followup",
        followup_moment(ctx, duty.posting_date),
        args={"duty_id": duty.id},
    )


def _left(who: Employee, ctx: ServiceCtx, left: int) -> str:
    if left <= 0:
        return ctx.t_for(who, "pegasus.left_today")
    if left == 1:
        return ctx.t_for(who, "pegasus.left_tomorrow")
    return ctx.t_for(who, "pegasus.left_days", n=left)


def remind(ctx: ServiceCtx, row: Reminder, overdue: int) -> bool:
    """H-5 / H-3 / H-1 to whoever is on duty now, saying the true number of days left."""
    duty = ctx.session.get(Duty, int(row.args.get("duty_id", 0)))
    if duty is None:
        return False
    h = int(row.args.get("h", 0))
    ref = duty_ref(duty.id)
    if duty.status not in OPEN_STATUSES:
        if h <= 3:
            ctx.step_done(PROGRAM, STEP_REMINDERS, ref)
        return False  # the quote is in: nothing to remind of
    who = duty.employee
    left = days_left(ctx, duty.posting_date)
    key = "pegasus.remind_last" if h == 1 else "pegasus.remind"
    text = words(
        ctx, who, key, duty.posting_date, name=who.name.split()[0], left=_left(who, ctx, left)
    )
    if duty.status == DutyStatus.CHANGES and duty.review_note:
        text += "\n" + ctx.t_for(who, "pegasus.remind_note", note=duty.review_note)
    ctx.notify(
        who, [duty_buttons(ctx, duty, who, text)], kind="reminder", key=f"pegasus:{row.key}"
    )
    ctx.step_started(PROGRAM, STEP_REMINDERS, ref, "2wd")
    ctx.step_started(PROGRAM, STEP_CONTENT, ref, "3wd")
    if h <= 3:
        ctx.step_done(PROGRAM, STEP_REMINDERS, ref)
    if h == 1:
        for pj in ctx.holders("pj_pegasus"):
            tell(
                ctx,
                pj,
                "pegasus.no_quote_pj",
                duty.posting_date,
                name=who.name,
                status=ctx.t_for(pj, f"pegasus.status_{duty.status}"),
                message_key=f"pegasus:{row.key}:pj:{pj.id}",
            )
    return True


def post(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    """08:00 on the posting day: post an approved poster, or say it is not ready."""
    duty = ctx.session.get(Duty, int(row.args.get("duty_id", 0)))
    if duty is None:
        return False
    if duty.status == DutyStatus.APPROVED:
        post_now(ctx, duty)
        return True
    if duty.status not in (*OPEN_STATUSES, DutyStatus.SUBMITTED):
        return False
    author = duty.employee
    waiting = duty.status == DutyStatus.SUBMITTED
    text = ctx.t_for(
        author, "pegasus.not_ready_author_review" if waiting else "pegasus.not_ready_author"
    )
    message: Reply = Text(text) if waiting else duty_buttons(ctx, duty, author, text)
    ctx.notify(author, [message], kind="reminder", key=f"pegasus:{row.key}:author")
    people = reviewers(ctx) if waiting else ctx.holders("pj_pegasus")
    for who in people:
        told = ctx.t_for(
            who,
            "pegasus.not_ready_review" if waiting else "pegasus.not_ready_pj",
            name=author.name,
        )
        extra: list[Reply] = [Text(told)]
        if waiting and who.id != author.id:
            extra = [Text(told), review_buttons(ctx, duty, who)]
        ctx.notify(who, extra, key=f"pegasus:{row.key}:{who.id}")
    return True


def followup(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    """16:00 the working day after: remind Humas of missing proof, or record a missed turn."""
    duty = ctx.session.get(Duty, int(row.args.get("duty_id", 0)))
    if duty is None:
        return False
    if duty.status == DutyStatus.POSTED:
        for who in ctx.holders("humas"):
            text = words(ctx, who, "pegasus.proof_reminder", duty.posting_date)
            ctx.notify(
                who,
                [proof_buttons(ctx, duty, who, text)],
                kind="reminder",
                key=f"pegasus:{row.key}:{who.id}",
            )
        return True
    if duty.status == DutyStatus.APPROVED:
        post_now(ctx, duty)  # the scheduler was down all of the posting day: post late
        return True
    if duty.status not in (*OPEN_STATUSES, DutyStatus.SUBMITTED):
        return False
    duty.status = DutyStatus.MISSED
    ctx.audit("pegasus_missed", duty_ref(duty.id))
    author = duty.employee
    for who in [author, *ctx.holders("pj_pegasus")]:
        tell(
            ctx,
            who,
            "pegasus.missed_told",
            duty.posting_date,
            name=author.name,
            message_key=f"pegasus:{row.key}:missed:{who.id}",
        )
    return True
