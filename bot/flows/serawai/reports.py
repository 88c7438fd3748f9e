"""The Serawai session report (step 10): the host submits it; the CC returns it with a note."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.flows.base import (
    Ctx,
    Flow,
    State,
    Step,
    UserInput,
    ask,
    finish,
    goto,
    retry,
)
from bot.flows.serawai.common import SessionLookup, one_line, report_checklist
from bot.flows.serawai.minutes import SessionData, StoreDocuments
from bot.flows.serawai.rules import NOTE_MAX
from bot.messages import Reply, Text

# -- the session report (step 10) -----------------------------------------------------------


class ReportState(StrEnum):
    """Questions of the report flow."""

    REVIEW = "review"
    DOCUMENT = "document"


@dataclass(frozen=True)
class SubmitReport:
    """Domain command: send the session report to the CC."""

    session_id: int


def _review_prompt(ctx: Ctx, d: SessionData) -> list[Reply]:
    lookup: SessionLookup = ctx.lookup
    assert d.session_id is not None
    view = lookup.report(d.session_id)
    note = ctx.t("serawai.report_returned_note", note=view.note) if view.note else ""
    document = ctx.t(
        "serawai.report_has_document" if view.has_document else "serawai.report_no_document"
    )
    text = ctx.t(
        "serawai.report_review",
        title=d.title,
        checklist=report_checklist(ctx.t, view),
        document=document,
        note=note,
    )
    options: list[tuple[object, str]] = [
        ("submit", ctx.t("serawai.report_submit")),
        ("upload", ctx.t("serawai.report_upload")),
    ]
    return [ask(text, ReportState.REVIEW, options)]


def _review(ctx: Ctx, d: SessionData, given: UserInput) -> Step:
    if d.session_id is None:
        return finish(Text(ctx.t("core.stale_button")))
    if given.choice == "upload":
        return goto(ReportState.DOCUMENT, d)
    if given.choice == "submit":
        return finish(commands=(SubmitReport(d.session_id),))
    return retry(ctx.t("core.choose_from_buttons"))


def _document_prompt(ctx: Ctx, _d: SessionData) -> list[Reply]:
    return [Text(ctx.t("serawai.report_document_prompt"))]


def _document(ctx: Ctx, d: SessionData, given: UserInput) -> Step:
    documents = tuple(m for m in given.media if m.kind == "document")
    if not documents or d.session_id is None:
        return retry(ctx.t("serawai.report_document_prompt"))
    command = StoreDocuments(d.session_id, documents, kind="report")
    return Step(ReportState.REVIEW, d, commands=(command,))


REPORT_FLOW = Flow(
    name="serawai_laporan",
    data_model=SessionData,
    states={
        ReportState.REVIEW: State(_review_prompt, _review),
        ReportState.DOCUMENT: State(_document_prompt, _document),
    },
    start=ReportState.REVIEW,
    roles=frozenset({"ca"}),
)


# -- the CC returns a report with a note (step 10) ------------------------------------------


class ReturnState(StrEnum):
    """The one question of the return flow."""

    NOTE = "note"


@dataclass(frozen=True)
class ReturnReport:
    """Domain command: the CC sends the report back to the host with a note."""

    session_id: int
    note: str


def _note_prompt(ctx: Ctx, d: SessionData) -> list[Reply]:
    return [Text(ctx.t("serawai.return_note_prompt", title=d.title))]


def _note(ctx: Ctx, d: SessionData, given: UserInput) -> Step:
    note = one_line(given.text, NOTE_MAX)
    if note is None or d.session_id is None:
        return retry(ctx.t("serawai.return_note_prompt", title=d.title))
    return finish(commands=(ReturnReport(d.session_id, note),))


RETURN_FLOW = Flow(
    name="serawai_kembalikan",
    data_model=SessionData,
    states={ReturnState.NOTE: State(_note_prompt, _note)},
    start=ReturnState.NOTE,
    roles=frozenset({"cc"}),
)
