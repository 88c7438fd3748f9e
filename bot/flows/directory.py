"""Importing the employee directory from chat: the admin sends the file, sees what it would
do, and imports on confirmation. The file is checked exactly as `python -m bot
import-employees` checks it (one bad row refuses it, naming the row and the reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import Protocol

from bot.flows.base import (
    Ctx,
    Flow,
    FlowData,
    State,
    Step,
    UserInput,
    ask,
    confirm_answer,
    confirm_options,
    goto,
)
from bot.messages import Reply, Text

FILE_SUFFIXES = (".xlsx", ".xlsm", ".csv")
NAMES_SHOWN = 3


@dataclass(frozen=True)
class ImportPreview:
    """What a valid file would do: counts, and the first names of each kind."""

    added: int
    changed: int
    unchanged: int
    added_names: tuple[str, ...]
    changed_names: tuple[str, ...]
    unchanged_names: tuple[str, ...]


@dataclass(frozen=True)
class ImportRefusal:
    """Why a file is refused (row 0: it could not be read at all)."""

    row: int
    reason: str


class DirectoryLookup(Protocol):
    """What the import flow reads: the plan of a received file."""

    def preview(self, path: str) -> ImportPreview | ImportRefusal: ...


@dataclass(frozen=True)
class ApplyImport:
    """Domain command: import the file at `path` (checked again as it is written)."""

    path: str


class ImportState(StrEnum):
    """Questions of the import flow."""

    FILE = "file"
    CONFIRM = "confirm"


class ImportData(FlowData):
    """The received file and what it would do."""

    path: str = ""
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    added_names: list[str] = []
    changed_names: list[str] = []
    unchanged_names: list[str] = []


def _file_prompt(ctx: Ctx, _d: ImportData) -> list[Reply]:
    return [Text(ctx.t("directory.import_send_file"))]


def _again(text: str) -> Step:
    """Stay for another file; `text` already says what to send (no prompt repeated)."""
    return Step("", None, (Text(text),), prompt=False)


def _file(ctx: Ctx, d: ImportData, given: UserInput) -> Step:
    documents = [m for m in given.media if m.kind == "document"]
    if not documents:
        return _again(ctx.t("directory.import_send_file"))
    media = documents[0]
    if PurePath(media.filename or media.path).suffix.lower() not in FILE_SUFFIXES:
        return _again(ctx.t("directory.import_wrong_file"))
    if not media.path:
        return _again(ctx.t("directory.import_unreadable"))
    lookup: DirectoryLookup = ctx.lookup
    result = lookup.preview(media.path)
    if isinstance(result, ImportRefusal):
        if result.row == 0:
            return _again(ctx.t("directory.import_unreadable"))
        return _again(ctx.t("directory.import_rejected", row=result.row, reason=result.reason))
    return goto(
        ImportState.CONFIRM,
        d.model_copy(
            update={
                "path": media.path,
                "added": result.added,
                "changed": result.changed,
                "unchanged": result.unchanged,
                "added_names": list(result.added_names),
                "changed_names": list(result.changed_names),
                "unchanged_names": list(result.unchanged_names),
            }
        ),
    )


def _names(ctx: Ctx, names: list[str], count: int) -> str:
    if not names:
        return ""
    shown = ", ".join(names)
    more = count - len(names)
    if more > 0:
        shown += ", " + ctx.t("directory.import_more", count=more)
    return f" ({shown})"


def _confirm_prompt(ctx: Ctx, d: ImportData) -> list[Reply]:
    text = ctx.t(
        "directory.import_preview",
        total=d.added + d.changed + d.unchanged,
        added=d.added,
        changed=d.changed,
        unchanged=d.unchanged,
        added_names=_names(ctx, d.added_names, d.added),
        changed_names=_names(ctx, d.changed_names, d.changed),
        unchanged_names=_names(ctx, d.unchanged_names, d.unchanged),
    )
    options = confirm_options(ctx, yes="directory.import_button")
    return [ask(text, ImportState.CONFIRM, options)]


def _confirm(ctx: Ctx, d: ImportData, given: UserInput) -> Step:
    return confirm_answer(ctx, given, ApplyImport(d.path) if d.path else None)


IMPORT_FLOW: Flow[ImportData] = Flow(
    name="impor",
    data_model=ImportData,
    states={
        ImportState.FILE: State(_file_prompt, _file),
        ImportState.CONFIRM: State(_confirm_prompt, _confirm),
    },
    start=ImportState.FILE,
    roles=frozenset({"admin"}),
)
