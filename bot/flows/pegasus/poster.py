"""The poster conversations (SOP-330 step 4): the quote and its preview, the reviewer's note.

- the person on duty writes the quote (and may add a photo), sees the rendered preview, edits
  or sends it for approval (`pegasus_konten`, started from /pegasus or a reminder's button);
- the PJ or Humas who asks for changes writes a note (`pegasus_catatan`).

Both are started by a service with their data filled in (which duty), after the service
checked who may do it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.calendar import format_date
from bot.flows.base import Ctx, Flow, FlowData, State, Step, UserInput, ask, finish, goto, retry
from bot.flows.pegasus.common import image_of
from bot.messages import Reply, Text

MAX_NOTE = 1000


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
    picture = image_of(given) if d.has_photo else None
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
    picture = image_of(given) if d.has_photo else None
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
    picture = image_of(given)
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
    # `batal` after a preview: the preview stays with the duty, unsent; say so.
    extra={"cancelled": lambda d: "pegasus.content_cancelled" if d.quote else "core.cancelled"},
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
