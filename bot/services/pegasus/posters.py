"""The poster (SOP-330 step 4): the quote and its preview, approval or changes asked, and
`/pegasus`, the person's own turns with the buttons that lead there."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.calendar import format_date
from bot.flows.pegasus import poster as flows
from bot.messages import Choices, Image, Option, Reply, Text
from bot.registry import Outcome
from bot.services import notices
from bot.services.context import ServiceCtx, UserError
from bot.services.pegasus.buttons import HandOver, Review, WriteQuote
from bot.services.pegasus.common import (
    PROGRAM,
    STEP_CONTENT,
    buttons,
    duty_ref,
    duty_row,
    own_duty,
    post_moment,
    require_role,
    reviewers,
    status_text,
    today,
    when_text,
    words,
)
from bot.services.pegasus.posting import post_now
from bot.services.pegasus.templates import active_template, inside_media, render
from storage.models import Employee
from storage.pegasus import OPEN_STATUSES, Duty, DutyStatus

SHOWN_DUTIES = 3


def content_flow_data(ctx: ServiceCtx, duty: Duty) -> flows.ContentData:
    """What the content conversation starts with for `duty`."""
    template = active_template(ctx)
    return flows.ContentData(
        duty_id=duty.id,
        duty_date=duty.posting_date,
        max_chars=template.max_chars,
        has_photo=template.photo is not None,
        quote=duty.quote or "",
        photo=duty.photo_path,
    )


def content_action(ctx: ServiceCtx, pressed: WriteQuote) -> Outcome:
    """'Write the quote' on a reminder or /pegasus: start the conversation for that duty."""
    duty = own_duty(ctx, pressed.duty_id, *OPEN_STATUSES)
    return Outcome(start_flow=flows.CONTENT_FLOW.name, flow_data=content_flow_data(ctx, duty))


def render_preview(ctx: ServiceCtx, cmd: flows.RenderPreview) -> list[Reply]:
    """Render the poster from the active template and keep it as the duty's draft."""
    duty = own_duty(ctx, cmd.duty_id, *OPEN_STATUSES)
    template = active_template(ctx)
    photo = inside_media(ctx, cmd.photo) if cmd.photo else None
    path = render(ctx, template, cmd.quote, duty.employee, photo, f"duty-{duty.id}")
    duty.quote = cmd.quote
    duty.photo_path = str(photo) if photo else None
    duty.poster_path = str(path)
    duty.template = template.name
    duty.status = DutyStatus.DRAFT
    return [Image(str(path), ctx.t("pegasus.preview_caption"))]


def review_buttons(ctx: ServiceCtx, duty: Duty, who: Employee) -> Choices:
    text = words(ctx, who, "pegasus.review_prompt", duty.posting_date, name=duty.employee.name)
    return buttons(
        ctx,
        who,
        text,
        ("pegasus.approve", Review(duty.id, "ok")),
        ("pegasus.ask_changes", Review(duty.id, "fix")),
    )


def reviewers_of(ctx: ServiceCtx, duty: Duty) -> list[Employee]:
    """Reviewers other than the author; the author only when nobody else can review."""
    others = [r for r in reviewers(ctx) if r.id != duty.employee_id]
    return others or reviewers(ctx)


def submit_poster(ctx: ServiceCtx, cmd: flows.SubmitPoster) -> list[Reply]:
    """Send the draft to the PJ and Humas for approval."""
    duty = own_duty(ctx, cmd.duty_id, DutyStatus.DRAFT)
    if not duty.poster_path:
        raise UserError(ctx.t("pegasus.quote_needed"))
    duty.status = DutyStatus.SUBMITTED
    duty.submitted_at = ctx.now
    duty.review_note = None
    ctx.session.flush()
    ctx.audit("pegasus_submit", duty_ref(duty.id))
    stamp = f"{ctx.now.timestamp():.0f}"
    assert ctx.actor is not None
    lang = ctx.actor.language
    with notices.watch(ctx) as told:
        for who in reviewers_of(ctx, duty):
            ctx.notify(
                who,
                [Image(duty.poster_path, quote_line(duty)), review_buttons(ctx, duty, who)],
                key=f"pegasus:review:{duty.id}:{stamp}:{who.id}",
            )
        told.says(ctx.actor.id, ctx.t("pegasus.poster_about"), ctx.t("pegasus.submitted_told"))
    return [Text(ctx.t("pegasus.submitted", date=when_text(duty.posting_date, lang)))]


def quote_line(duty: Duty) -> str:
    return f"“{duty.quote}” — {duty.employee.name}"


def review_action(ctx: ServiceCtx, pressed: Review) -> Outcome:
    """The PJ's or Humas's buttons on a submitted poster: approve, ask for changes, show."""
    require_role(ctx, "pj_pegasus", "humas")
    assert ctx.actor is not None
    duty = duty_row(ctx, pressed.duty_id)
    what = pressed.action
    if duty.status != DutyStatus.SUBMITTED:
        raise UserError(ctx.t("pegasus.review_done", status=status_text(ctx, duty.status)))
    if duty.employee_id == ctx.actor.id and any(
        r.id != ctx.actor.id for r in reviewers_of(ctx, duty)
    ):
        raise UserError(ctx.t("pegasus.review_own"))
    if what == "show":
        me = ctx.employee(ctx.actor.id)
        assert duty.poster_path is not None
        return Outcome([Image(duty.poster_path, quote_line(duty)), review_buttons(ctx, duty, me)])
    if what == "fix":
        data = flows.NoteData(duty_id=duty.id, author=duty.employee.name)
        return Outcome(start_flow=flows.NOTE_FLOW.name, flow_data=data)
    duty.status = DutyStatus.APPROVED
    duty.approved_at = ctx.now
    duty.reviewed_by_id = ctx.actor.id
    ctx.session.flush()  # a second reviewer's press at the same time fails here and re-checks
    ctx.audit("pegasus_approve", duty_ref(duty.id))
    ctx.step_done(PROGRAM, STEP_CONTENT, duty_ref(duty.id))
    author = duty.employee
    late = ctx.now >= post_moment(duty.posting_date)
    told = ctx.t_for(
        author,
        "pegasus.approved_told_now" if late else "pegasus.approved_told",
        name=ctx.actor.name,
        date=when_text(duty.posting_date, author.language),
    )
    ctx.notify(author, [Text(told)], key=f"pegasus:approved:{duty.id}")
    # Say it is posted automatically only where there is a group to post to.
    manual = "" if str(ctx.settings.telegram_office_chat_id or "").strip() else "_manual"
    if late:
        post_now(ctx, duty)
        return Outcome([Text(ctx.t(f"pegasus.approved_posted_now{manual}"))])
    when = when_text(duty.posting_date, ctx.actor.language)
    return Outcome([Text(ctx.t(f"pegasus.approved{manual}", date=when))])


def request_changes(ctx: ServiceCtx, cmd: flows.RequestChanges) -> list[Reply]:
    """Send the poster back to its author with the reviewer's note."""
    require_role(ctx, "pj_pegasus", "humas")
    assert ctx.actor is not None
    duty = duty_row(ctx, cmd.duty_id)
    if duty.status != DutyStatus.SUBMITTED:
        raise UserError(ctx.t("pegasus.review_done", status=status_text(ctx, duty.status)))
    duty.status = DutyStatus.CHANGES
    duty.review_note = cmd.note
    duty.reviewed_by_id = ctx.actor.id
    ctx.session.flush()
    ctx.audit("pegasus_changes", duty_ref(duty.id), note=cmd.note)
    author = duty.employee
    text = ctx.t_for(author, "pegasus.changes_told", name=ctx.actor.name, note=cmd.note)
    fix = buttons(ctx, author, text, ("pegasus.fix_button", WriteQuote(duty.id)))
    with notices.watch(ctx) as told:
        ctx.notify(
            author,
            [fix],
            key=f"pegasus:changes:{duty.id}:{ctx.now.timestamp():.0f}",
        )
        told.says(
            ctx.actor.id,
            ctx.t("pegasus.poster_about"),
            ctx.t("pegasus.changes_sent", name=author.name),
        )
    return [Text(ctx.t("pegasus.changes_saved"))]


def duty_buttons(ctx: ServiceCtx, duty: Duty, who: Employee, text: str) -> Choices:
    """A message about a duty with its two ways forward: write the quote, or hand it over."""
    return buttons(
        ctx,
        who,
        text,
        ("pegasus.write_button", WriteQuote(duty.id)),
        ("pegasus.swap_button", HandOver(duty.id)),
    )


def my_duty(ctx: ServiceCtx, _args: str) -> Outcome:
    """/pegasus: the actor's coming turns with their status and what to do next."""
    assert ctx.actor is not None
    me = ctx.employee(ctx.actor.id)
    lang = ctx.actor.language
    duties = list(
        ctx.session.scalars(
            select(Duty)
            .where(Duty.employee_id == me.id)
            .where(
                (Duty.posting_date >= today(ctx) - timedelta(days=7))
                & Duty.status.not_in((DutyStatus.PROVEN, DutyStatus.MISSED))
                | (Duty.posting_date >= today(ctx))
            )
            .order_by(Duty.posting_date)
            .limit(SHOWN_DUTIES)
        )
    )
    replies: list[Reply] = []
    if not duties:
        replies.append(Text(ctx.t("pegasus.no_duty")))
    for duty in duties:
        text = ctx.t(
            "pegasus.my_duty",
            date=when_text(duty.posting_date, lang),
            status=status_text(ctx, duty.status),
        )
        if duty.quote:
            text += "\n" + ctx.t("pegasus.my_quote", quote=duty.quote)
        if duty.status == DutyStatus.CHANGES and duty.review_note:
            text += "\n" + ctx.t("pegasus.remind_note", note=duty.review_note)
        if duty.status in OPEN_STATUSES and duty.posting_date >= today(ctx):
            replies.append(duty_buttons(ctx, duty, me, text))
        else:
            replies.append(Text(text))
    if ctx.actor.has("pj_pegasus", "humas"):
        replies.extend(_waiting_for_review(ctx))
    return Outcome(replies)


def _waiting_for_review(ctx: ServiceCtx) -> list[Reply]:
    assert ctx.actor is not None
    waiting = list(
        ctx.session.scalars(
            select(Duty)
            .where(Duty.status == DutyStatus.SUBMITTED)
            .order_by(Duty.posting_date, Duty.id)
        )
    )
    if not waiting:
        return []
    me = ctx.employee(ctx.actor.id)
    options = []
    for duty in waiting[:8]:
        label = f"{duty.employee.name} · {format_date(duty.posting_date, me.language)}"
        options.append(Option(label, Review(duty.id, "show").pack()))
    return [Choices(ctx.t("pegasus.waiting_review", n=len(waiting)), tuple(options))]
