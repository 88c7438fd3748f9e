"""Pegasus poster conversations (SOP-330 steps 2, 4 and 5).

- the person on duty writes the quote (and may add a photo), sees the rendered preview, edits
  or sends it for approval (`pegasus_konten`, started from /pegasus or a reminder's button);
- the PJ or Humas who asks for changes writes a note (`pegasus_catatan`);
- Humas sends a screenshot or a link proving each post (`pegasus_bukti`);
- the PJ chooses the active template or makes a variant from a new background (`/desain`).

Every one of these is started by a service with its data filled in (which duty, which
template), after the service checked who may do it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.calendar import format_date
from bot.flows.base import (
    Ctx,
    Flow,
    FlowData,
    State,
    Step,
    UserInput,
    ask,
    finish,
    goto,
    retry,
)
from bot.messages import Media, Reply, Text

TEMPLATE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
URL = re.compile(r"https?://\S+", re.IGNORECASE)
MAX_NOTE = 1000


def _image(given: UserInput) -> Media | None:
    for media in given.media:
        if media.kind == "photo" or media.content_type.startswith("image/"):
            return media
    return None


# -- the quote and the preview ------------------------------------------------------------


class ContentState(StrEnum):
    """Questions of the content flow."""

    QUOTE = "quote"
    CONFIRM = "confirm"
    PHOTO = "photo"


class ContentData(FlowData):
    """The poster being made for one duty."""

    duty_id: int
    duty_date: date
    max_chars: int
    has_photo: bool
    quote: str = ""
    photo: str | None = None


@dataclass(frozen=True)
class RenderPreview:
    """Domain command: render the poster and keep it as the duty's draft."""

    duty_id: int
    quote: str
    photo: str | None


@dataclass(frozen=True)
class SubmitPoster:
    """Domain command: send the draft to the PJ and Humas for approval."""

    duty_id: int


def _quote_prompt(ctx: Ctx, d: ContentData) -> list[Reply]:
    text = ctx.t("pegasus.quote_prompt", date=format_date(d.duty_date, ctx.lang), max=d.max_chars)
    if d.has_photo:
        text += "\n" + ctx.t("pegasus.quote_photo_hint")
    if d.quote:
        text += "\n\n" + ctx.t("pegasus.quote_current", quote=d.quote)
    return [Text(text)]


def _render(d: ContentData, quote: str, photo: str | None, *replies: Reply) -> Step:
    data = d.model_copy(update={"quote": quote, "photo": photo})
    return goto(
        ContentState.CONFIRM, data, *replies, commands=(RenderPreview(d.duty_id, quote, photo),)
    )


def _quote(ctx: Ctx, d: ContentData, given: UserInput) -> Step:
    quote = (given.text or "").strip()
    picture = _image(given) if d.has_photo else None
    photo = picture.path if picture else d.photo
    if not quote and picture is not None:
        data = d.model_copy(update={"photo": photo})
        return Step(ContentState.QUOTE, data, (Text(ctx.t("pegasus.photo_then_quote")),))
    if not quote:
        return retry(ctx.t("pegasus.quote_needed"))
    return _render(d, quote, photo)


def _confirm_prompt(ctx: Ctx, d: ContentData) -> list[Reply]:
    options: list[tuple[object, str]] = [
        ("submit", ctx.t("pegasus.content_submit")),
        ("edit", ctx.t("pegasus.content_edit")),
    ]
    if d.has_photo:
        options.append(("photo", ctx.t("pegasus.content_photo")))
        if d.photo:
            options.append(("nophoto", ctx.t("pegasus.content_no_photo")))
    return [ask(ctx.t("pegasus.content_confirm_prompt"), ContentState.CONFIRM, options)]


def _confirm(ctx: Ctx, d: ContentData, given: UserInput) -> Step:
    picture = _image(given) if d.has_photo else None
    typed = (given.text or "").strip()
    if given.choice is None and (typed or picture is not None):
        # A corrected quote typed, or a photo sent, without pressing a button first.
        return _render(d, typed or d.quote, picture.path if picture else d.photo)
    if given.choice == "submit":
        return finish(commands=(SubmitPoster(d.duty_id),))
    if given.choice == "edit":
        return goto(ContentState.QUOTE, d)
    if given.choice == "photo" and d.has_photo:
        return goto(ContentState.PHOTO, d)
    if given.choice == "nophoto" and d.photo:
        return _render(d, d.quote, None)
    return retry(ctx.t("core.choose_from_buttons"))


def _photo_prompt(ctx: Ctx, _d: ContentData) -> list[Reply]:
    return [Text(ctx.t("pegasus.photo_prompt"))]


def _photo(ctx: Ctx, d: ContentData, given: UserInput) -> Step:
    picture = _image(given)
    if picture is None:
        return retry(ctx.t("pegasus.photo_needed"))
    return _render(d, d.quote, picture.path)


CONTENT_FLOW = Flow(
    name="pegasus_konten",
    data_model=ContentData,
    states={
        ContentState.QUOTE: State(_quote_prompt, _quote),
        ContentState.CONFIRM: State(_confirm_prompt, _confirm),
        ContentState.PHOTO: State(_photo_prompt, _photo),
    },
    start=ContentState.QUOTE,
)


# -- the reviewer's note ------------------------------------------------------------------


class NoteState(StrEnum):
    """The one question of the note flow."""

    NOTE = "note"


class NoteData(FlowData):
    """Which poster the note is about."""

    duty_id: int
    author: str


@dataclass(frozen=True)
class RequestChanges:
    """Domain command: send the poster back to its author with a note."""

    duty_id: int
    note: str


def _note_prompt(ctx: Ctx, d: NoteData) -> list[Reply]:
    return [Text(ctx.t("pegasus.note_prompt", name=d.author))]


def _note(ctx: Ctx, d: NoteData, given: UserInput) -> Step:
    note = (given.text or "").strip()[:MAX_NOTE]
    if not note:
        return retry(ctx.t("pegasus.note_prompt", name=d.author))
    return finish(commands=(RequestChanges(d.duty_id, note),))


NOTE_FLOW = Flow(
    name="pegasus_catatan",
    data_model=NoteData,
    states={NoteState.NOTE: State(_note_prompt, _note)},
    start=NoteState.NOTE,
    roles=frozenset({"pj_pegasus", "humas"}),
)


# -- proof of posting ---------------------------------------------------------------------


class ProofState(StrEnum):
    """The one question of the proof flow."""

    EVIDENCE = "evidence"


class ProofData(FlowData):
    """Which post the proof is for."""

    duty_id: int
    platform: str  # wa | ig
    duty_date: date


@dataclass(frozen=True)
class RecordProof:
    """Domain command: keep a screenshot or a link as proof of one post."""

    duty_id: int
    platform: str
    media_path: str | None
    link: str | None


def _proof_prompt(ctx: Ctx, d: ProofData) -> list[Reply]:
    platform = ctx.t(f"pegasus.platform_{d.platform}")
    text = ctx.t(
        "pegasus.proof_prompt", platform=platform, date=format_date(d.duty_date, ctx.lang)
    )
    return [Text(text)]


def _proof(ctx: Ctx, d: ProofData, given: UserInput) -> Step:
    picture = _image(given)
    if picture is not None:
        return finish(commands=(RecordProof(d.duty_id, d.platform, picture.path, None),))
    found = URL.search(given.text or "")
    if found:
        link = found.group(0)[:1000]
        return finish(commands=(RecordProof(d.duty_id, d.platform, None, link),))
    return retry(ctx.t("pegasus.proof_needed"))


PROOF_FLOW = Flow(
    name="pegasus_bukti",
    data_model=ProofData,
    states={ProofState.EVIDENCE: State(_proof_prompt, _proof)},
    start=ProofState.EVIDENCE,
    roles=frozenset({"humas"}),
)


# -- templates: /desain -------------------------------------------------------------------


class TemplateState(StrEnum):
    """Questions of the template flow."""

    ACTION = "action"
    CHOOSE = "choose"
    BASE = "base"
    NAME = "name"
    IMAGE = "image"
    ACTIVATE = "activate"


class TemplateData(FlowData):
    """The templates there are, and the variant being made."""

    templates: list[tuple[str, str]]  # (name, title)
    active: str
    base: str = ""
    name: str = ""
    started_at: datetime | None = None


@dataclass(frozen=True)
class SetTemplate:
    """Domain command: make a template the one new posters use."""

    name: str


@dataclass(frozen=True)
class MakeVariant:
    """Domain command: a new template from `base`'s layout and an uploaded background."""

    base: str
    image_path: str
    name: str
    started_at: datetime


def _title(d: TemplateData, name: str) -> str:
    return dict(d.templates).get(name, name)


def _template_action_prompt(ctx: Ctx, d: TemplateData) -> list[Reply]:
    options: list[tuple[object, str]] = [
        ("choose", ctx.t("pegasus.template_choose")),
        ("upload", ctx.t("pegasus.template_upload")),
    ]
    text = ctx.t("pegasus.template_prompt", title=_title(d, d.active), count=len(d.templates))
    return [ask(text, TemplateState.ACTION, options)]


def _template_action(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    if given.choice == "choose":
        return goto(TemplateState.CHOOSE, d)
    if given.choice == "upload":
        return goto(TemplateState.BASE, d.model_copy(update={"started_at": ctx.now}))
    return retry(ctx.t("core.choose_from_buttons"))


def _template_options(d: TemplateData, mark_active: bool) -> list[tuple[object, str]]:
    return [
        (name, f"{title} ✓" if mark_active and name == d.active else title)
        for name, title in d.templates
    ]


def _choose_prompt(ctx: Ctx, d: TemplateData) -> list[Reply]:
    return [
        ask(
            ctx.t("pegasus.template_choose_prompt"),
            TemplateState.CHOOSE,
            _template_options(d, True),
        )
    ]


def _choose(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    if given.choice not in dict(d.templates):
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(SetTemplate(given.choice),))


def _base_prompt(ctx: Ctx, d: TemplateData) -> list[Reply]:
    return [
        ask(ctx.t("pegasus.template_base_prompt"), TemplateState.BASE, _template_options(d, False))
    ]


def _base(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    if given.choice not in dict(d.templates):
        return retry(ctx.t("core.choose_from_buttons"))
    return goto(TemplateState.NAME, d.model_copy(update={"base": given.choice}))


def _suggested_name(d: TemplateData) -> str:
    taken = dict(d.templates)
    stem = d.base[:36].rstrip("-")
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def _name_prompt(ctx: Ctx, d: TemplateData) -> list[Reply]:
    suggestion = _suggested_name(d)
    return [
        ask(ctx.t("pegasus.template_name_prompt"), TemplateState.NAME, [(suggestion, suggestion)])
    ]


def _name(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    raw = given.choice if given.choice is not None else (given.text or "")
    name = "-".join(raw.strip().casefold().split())
    if not TEMPLATE_NAME.match(name):
        return retry(ctx.t("pegasus.template_name_bad"))
    if name in dict(d.templates):
        return retry(ctx.t("pegasus.template_name_taken", name=name))
    return goto(TemplateState.IMAGE, d.model_copy(update={"name": name}))


def _image_prompt(ctx: Ctx, _d: TemplateData) -> list[Reply]:
    return [Text(ctx.t("pegasus.template_image_prompt"))]


def _template_image(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    picture = _image(given)
    if picture is None:
        return retry(ctx.t("pegasus.template_image_needed"))
    made = MakeVariant(d.base, picture.path, d.name, d.started_at or ctx.now)
    return goto(TemplateState.ACTIVATE, d, commands=(made,))


def _activate_prompt(ctx: Ctx, d: TemplateData) -> list[Reply]:
    options: list[tuple[object, str]] = [
        ("yes", ctx.t("pegasus.template_activate_yes")),
        ("no", ctx.t("pegasus.template_activate_no")),
    ]
    return [
        ask(
            ctx.t("pegasus.template_activate_prompt", name=d.name), TemplateState.ACTIVATE, options
        )
    ]


def _activate(ctx: Ctx, d: TemplateData, given: UserInput) -> Step:
    if given.choice == "yes":
        return finish(commands=(SetTemplate(d.name),))
    if given.choice == "no":
        return finish(Text(ctx.t("pegasus.template_kept", name=d.name)))
    return retry(ctx.t("core.choose_from_buttons"))


TEMPLATE_FLOW = Flow(
    name="pegasus_desain",
    data_model=TemplateData,
    states={
        TemplateState.ACTION: State(_template_action_prompt, _template_action),
        TemplateState.CHOOSE: State(_choose_prompt, _choose),
        TemplateState.BASE: State(_base_prompt, _base),
        TemplateState.NAME: State(_name_prompt, _name),
        TemplateState.IMAGE: State(_image_prompt, _template_image),
        TemplateState.ACTIVATE: State(_activate_prompt, _activate, back=False),
    },
    start=TemplateState.ACTION,
    roles=frozenset({"pj_pegasus"}),
)
