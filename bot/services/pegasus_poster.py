"""Pegasus steps 2-5: templates, reminders, the quote and its poster, approval, posting, proof.

Templates come from the repository (`templates/pegasus/`) and from the data folder
(`<DATA_DIR>/pegasus-templates/`), where variants made in chat are kept so a deploy never
overwrites them and the repository is never written to.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot import outbox
from bot.calendar import format_date
from bot.flows import pegasus_poster as flows
from bot.messages import Channel, Choices, Image, Option, Reply, Text
from bot.payload import Payload, encode
from bot.registry import Outcome
from bot.rendering.errors import EmptyText, InvalidImage, RenderError, TemplateError, TextTooLong
from bot.services.context import ServiceCtx, UserError
from bot.services.pegasus_common import (
    PROGRAM,
    STEP_CONTENT,
    STEP_POSTING,
    STEP_REMINDERS,
    STEP_TEMPLATE,
    buttons,
    days_left,
    duty_key,
    duty_ref,
    duty_row,
    followup_moment,
    media_dir,
    own_duty,
    post_moment,
    require_role,
    reviewers,
    status_text,
    tell,
    today,
    when_text,
    words,
)
from bot.services.pegasus_roster import SWAP_START_PREFIX
from storage import reminders
from storage.models import Employee, Reminder
from storage.pegasus import OPEN_STATUSES, Duty, DutyStatus, PegasusConfig, Proof

# bot.rendering.poster brings Pillow and fontTools: each function that draws or reads a
# template imports it, so the bot starts without them.
if TYPE_CHECKING:
    from bot.rendering.poster import PosterTemplate

DEFAULT_TEMPLATE = "potret-foto"
PLATFORMS = ("wa", "ig")
CONTENT_PREFIX = "pgk"
REVIEW_PREFIX = "pgr"
PROOF_PREFIX = "pgb"


# -- templates ----------------------------------------------------------------------------


def uploaded_root(ctx: ServiceCtx) -> Path:
    """Where variants made in chat are kept."""
    root = Path(ctx.settings.data_dir) / "pegasus-templates"
    root.mkdir(parents=True, exist_ok=True)
    return root


def load(ctx: ServiceCtx, name: str) -> PosterTemplate:
    """A template by name, from the data folder first, then the repository."""
    from bot.rendering.poster import load_template

    root = uploaded_root(ctx)
    return load_template(name, root if (root / name).is_dir() else None)


def templates(ctx: ServiceCtx) -> list[tuple[str, str]]:
    """(name, title) of every template that loads, repository ones first."""
    from bot.rendering.poster import list_templates, load_template

    found: list[tuple[str, str]] = []
    for root in (None, uploaded_root(ctx)):
        for name in list_templates(root):
            try:
                found.append((name, load_template(name, root).title))
            except RenderError:
                continue  # a broken folder must not hide the others
    return found


def active_template(ctx: ServiceCtx) -> PosterTemplate:
    """The template new posters use (the default when the chosen one no longer loads)."""
    config = ctx.session.get(PegasusConfig, 1)
    if config is not None:
        try:
            return load(ctx, config.active_template)
        except RenderError:
            pass
    return load(ctx, DEFAULT_TEMPLATE)


def _inside_media(ctx: ServiceCtx, raw: str) -> Path:
    """A received file's path, refused unless it lies in our media store."""
    path = Path(raw).resolve()
    if not path.is_relative_to(Path(ctx.settings.media_dir).resolve()) or not path.is_file():
        raise UserError(ctx.t("core.stale_button"))
    return path


def _render(
    ctx: ServiceCtx,
    template: PosterTemplate,
    quote: str,
    author: Employee,
    photo: Path | None,
    stem: str,
) -> Path:
    """Draw a poster, turning rendering refusals into messages the actor understands."""
    from bot.rendering.poster import render_poster as draw_poster

    out = media_dir(ctx, "posters") / f"{stem}-{uuid.uuid4().hex[:8]}.png"
    try:
        draw_poster(
            template,
            quote,
            author.name,
            author.office.name,
            out,
            photo_path=photo if template.photo is not None else None,
        )
    except TextTooLong as exc:
        if exc.max_lines is not None:
            raise UserError(
                ctx.t("pegasus.quote_too_many_lines", lines=exc.max_lines, max=exc.max_chars)
            ) from None
        raise UserError(
            ctx.t("pegasus.quote_too_long", max=exc.max_chars, length=exc.length)
        ) from None
    except EmptyText:
        raise UserError(ctx.t("pegasus.quote_empty")) from None
    except InvalidImage as exc:
        raise UserError(_image_problem(ctx, exc)) from None
    return out


def _image_problem(ctx: ServiceCtx, exc: InvalidImage) -> str:
    known = ("not_image", "format", "too_small", "too_large", "file_too_big", "bad_aspect")
    reason = exc.reason if exc.reason in known else "not_image"
    return ctx.t(f"pegasus.image_{reason}")


def template_command(ctx: ServiceCtx, _args: str) -> Outcome:
    """/desain: choose the active template, or make one from a new background."""
    require_role(ctx, "pj_pegasus")
    data = flows.TemplateData(templates=templates(ctx), active=active_template(ctx).name)
    return Outcome(start_flow=flows.TEMPLATE_FLOW.name, flow_data=data)


def _sample(ctx: ServiceCtx, template: PosterTemplate) -> Image:
    assert ctx.actor is not None
    actor = ctx.employee(ctx.actor.id)
    path = _render(
        ctx, template, ctx.t("pegasus.sample_quote"), actor, None, f"contoh-{template.name}"
    )
    return Image(str(path), ctx.t("pegasus.sample_caption", title=template.title))


def set_template(ctx: ServiceCtx, cmd: flows.SetTemplate) -> list[Reply]:
    """Make a template the one new posters use; show a sample."""
    require_role(ctx, "pj_pegasus")
    assert ctx.actor is not None
    try:
        template = load(ctx, cmd.name)
    except RenderError:
        raise UserError(ctx.t("core.stale_button")) from None
    config = ctx.session.get(PegasusConfig, 1)
    if config is None:
        config = PegasusConfig(id=1, active_template=template.name, updated_at=ctx.now)
        ctx.session.add(config)
    config.active_template = template.name
    config.updated_by_id = ctx.actor.id
    config.updated_at = ctx.now
    ctx.audit("pegasus_template", template.name)
    ctx.step_done(PROGRAM, STEP_TEMPLATE, f"template:{template.name}")
    return [Text(ctx.t("pegasus.template_set", title=template.title)), _sample(ctx, template)]


def make_template_variant(ctx: ServiceCtx, cmd: flows.MakeVariant) -> list[Reply]:
    """A new template from an existing layout and a background sent in chat."""
    from bot.rendering.poster import make_variant

    require_role(ctx, "pj_pegasus")
    image = _inside_media(ctx, cmd.image_path)
    root = uploaded_root(ctx)
    if cmd.name in dict(templates(ctx)):
        raise UserError(ctx.t("pegasus.template_name_taken", name=cmd.name))
    try:
        if (root / cmd.base).is_dir():
            template = make_variant(cmd.base, image, cmd.name, root=root)
        else:
            template = _variant_of_builtin(cmd.base, image, cmd.name, root)
    except InvalidImage as exc:
        raise UserError(_image_problem(ctx, exc)) from None
    except TemplateError:
        raise UserError(ctx.t("pegasus.template_name_bad")) from None
    ref = f"template:{template.name}"
    ctx.step_started(PROGRAM, STEP_TEMPLATE, ref, "1wd", at=cmd.started_at)
    ctx.audit("pegasus_template_variant", template.name, base=cmd.base)
    return [Text(ctx.t("pegasus.template_made", title=template.title)), _sample(ctx, template)]


def _variant_of_builtin(base: str, image: Path, name: str, root: Path) -> PosterTemplate:
    """make_variant writes beside its base; build next to a copy of the base, then move in."""
    from bot.rendering.poster import load_template, make_variant

    with tempfile.TemporaryDirectory(dir=root, prefix=".base-") as staging:
        shutil.copytree(load_template(base).folder, Path(staging) / base)
        made = make_variant(base, image, name, root=Path(staging))
        target = root / name
        if target.exists():
            raise TemplateError(f"template {name!r} exists")
        shutil.move(str(made.folder), target)
    return load_template(name, root)


# -- the quote and its poster -------------------------------------------------------------


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


def content_action(ctx: ServiceCtx, payload: Payload) -> Outcome:
    """'Write the quote' on a reminder or /pegasus: start the conversation for that duty."""
    duty = own_duty(ctx, payload.int_part(0), *OPEN_STATUSES)
    return Outcome(start_flow=flows.CONTENT_FLOW.name, flow_data=content_flow_data(ctx, duty))


def render_preview(ctx: ServiceCtx, cmd: flows.RenderPreview) -> list[Reply]:
    """Render the poster from the active template and keep it as the duty's draft."""
    duty = own_duty(ctx, cmd.duty_id, *OPEN_STATUSES)
    template = active_template(ctx)
    photo = _inside_media(ctx, cmd.photo) if cmd.photo else None
    path = _render(ctx, template, cmd.quote, duty.employee, photo, f"duty-{duty.id}")
    duty.quote = cmd.quote
    duty.photo_path = str(photo) if photo else None
    duty.poster_path = str(path)
    duty.template = template.name
    duty.status = DutyStatus.DRAFT
    return [Image(str(path), ctx.t("pegasus.preview_caption"))]


def _review_buttons(ctx: ServiceCtx, duty: Duty, who: Employee) -> Choices:
    text = words(ctx, who, "pegasus.review_prompt", duty.posting_date, name=duty.employee.name)
    return buttons(
        ctx,
        who,
        text,
        ("pegasus.approve", encode(REVIEW_PREFIX, duty.id, "ok")),
        ("pegasus.ask_changes", encode(REVIEW_PREFIX, duty.id, "fix")),
    )


def _reviewers_of(ctx: ServiceCtx, duty: Duty) -> list[Employee]:
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
    for who in _reviewers_of(ctx, duty):
        ctx.notify(
            who,
            [Image(duty.poster_path, _quote_line(duty)), _review_buttons(ctx, duty, who)],
            key=f"pegasus:review:{duty.id}:{stamp}:{who.id}",
        )
    assert ctx.actor is not None
    lang = ctx.actor.language
    return [Text(ctx.t("pegasus.submitted", date=when_text(duty.posting_date, lang)))]


def _quote_line(duty: Duty) -> str:
    return f"“{duty.quote}” — {duty.employee.name}"


def review_action(ctx: ServiceCtx, payload: Payload) -> Outcome:
    """The PJ's or Humas's buttons on a submitted poster: approve, ask for changes, show."""
    require_role(ctx, "pj_pegasus", "humas")
    assert ctx.actor is not None
    duty = duty_row(ctx, payload.int_part(0))
    what = payload.part(1)
    if what not in ("ok", "fix", "show"):
        raise UserError(ctx.t("core.unknown_button"))
    if duty.status != DutyStatus.SUBMITTED:
        raise UserError(ctx.t("pegasus.review_done", status=status_text(ctx, duty.status)))
    if duty.employee_id == ctx.actor.id and any(
        r.id != ctx.actor.id for r in _reviewers_of(ctx, duty)
    ):
        raise UserError(ctx.t("pegasus.review_own"))
    if what == "show":
        me = ctx.employee(ctx.actor.id)
        assert duty.poster_path is not None
        return Outcome(
            [Image(duty.poster_path, _quote_line(duty)), _review_buttons(ctx, duty, me)]
        )
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
    if late:
        post_now(ctx, duty)
        return Outcome([Text(ctx.t("pegasus.approved_posted_now"))])
    return Outcome(
        [Text(ctx.t("pegasus.approved", date=when_text(duty.posting_date, ctx.actor.language)))]
    )


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
    fix = buttons(ctx, author, text, ("pegasus.fix_button", encode(CONTENT_PREFIX, duty.id)))
    ctx.notify(
        author,
        [fix],
        key=f"pegasus:changes:{duty.id}:{ctx.now.timestamp():.0f}",
    )
    return [Text(ctx.t("pegasus.changes_sent", name=author.name))]


# -- reminders (step 3) -------------------------------------------------------------------


def _left(who: Employee, ctx: ServiceCtx, left: int) -> str:
    if left <= 0:
        return ctx.t_for(who, "pegasus.left_today")
    if left == 1:
        return ctx.t_for(who, "pegasus.left_tomorrow")
    return ctx.t_for(who, "pegasus.left_days", n=left)


def duty_buttons(ctx: ServiceCtx, duty: Duty, who: Employee, text: str) -> Choices:
    """A message about a duty with its two ways forward: write the quote, or hand it over."""
    return buttons(
        ctx,
        who,
        text,
        ("pegasus.write_button", encode(CONTENT_PREFIX, duty.id)),
        ("pegasus.swap_button", encode(SWAP_START_PREFIX, duty.id)),
    )


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


# -- posting (step 5) ---------------------------------------------------------------------


def caption(ctx: ServiceCtx, duty: Duty) -> str:
    """The post's caption, in the office's language."""
    return ctx.catalog.t(
        "pegasus.caption",
        "id",
        quote=duty.quote or "",
        name=duty.employee.name,
        office=duty.employee.office.name,
    )


def proof_buttons(ctx: ServiceCtx, duty: Duty, who: Employee, text: str) -> Choices:
    """A message asking for the proofs still missing, one button per platform."""
    have = set(ctx.session.scalars(select(Proof.platform).where(Proof.duty_id == duty.id)))
    options = tuple(
        Option(ctx.t_for(who, f"pegasus.proof_button_{p}"), encode(PROOF_PREFIX, duty.id, p))
        for p in PLATFORMS
        if p not in have
    )
    return Choices(text, options)


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
            extra = [Text(told), _review_buttons(ctx, duty, who)]
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


# -- proof --------------------------------------------------------------------------------


def _proof_duty(ctx: ServiceCtx, duty_id: int | None) -> Duty:
    require_role(ctx, "humas")
    duty = duty_row(ctx, duty_id)
    if duty.status not in (DutyStatus.POSTED, DutyStatus.PROVEN):
        raise UserError(ctx.t("pegasus.proof_not_posted"))
    return duty


def proof_action(ctx: ServiceCtx, payload: Payload) -> Outcome:
    """Humas's 'send proof' button: ask for the screenshot or link of one platform."""
    duty = _proof_duty(ctx, payload.int_part(0))
    platform = payload.part(1)
    if platform not in PLATFORMS:
        raise UserError(ctx.t("core.unknown_button"))
    data = flows.ProofData(duty_id=duty.id, platform=platform, duty_date=duty.posting_date)
    return Outcome(start_flow=flows.PROOF_FLOW.name, flow_data=data)


def proof_command(ctx: ServiceCtx, _args: str) -> Outcome:
    """/bukti: the posts still waiting for proof, with a button for each missing one."""
    require_role(ctx, "humas")
    assert ctx.actor is not None
    me = ctx.employee(ctx.actor.id)
    waiting = list(
        ctx.session.scalars(
            select(Duty).where(Duty.status == DutyStatus.POSTED).order_by(Duty.posting_date)
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
    media = str(_inside_media(ctx, cmd.media_path)) if cmd.media_path else None
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
