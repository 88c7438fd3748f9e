"""The directory from chat: `/impor` reads a file an admin sends, `/ekspor` sends workbooks back.

The import shares `bot.importer`'s plan and apply with `python -m bot import-employees`, so a
file is refused in chat exactly as on the command line.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.flows import directory as flows
from bot.importer import ImportPlan, ImportRejected, apply_import, plan_import
from bot.messages import Reply, Text
from bot.registry import Command, Registry
from bot.services import exports
from bot.services.context import ServiceCtx, UserError

log = logging.getLogger(__name__)

ADMIN = frozenset({"admin"})


def _names(rows: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(str(getattr(row, "name", "")) for row in rows[: flows.NAMES_SHOWN])


def preview_of(plan: ImportPlan) -> flows.ImportPreview:
    """The counts and first names of a plan, as the flow shows them."""
    return flows.ImportPreview(
        added=len(plan.added),
        changed=len(plan.changed),
        unchanged=len(plan.unchanged),
        added_names=_names(plan.added),
        changed_names=_names(plan.changed),
        unchanged_names=_names(plan.unchanged),
    )


class DirectoryLookup:
    """The import flow's read-only view: the plan of a received file."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def preview(self, path: str) -> flows.ImportPreview | flows.ImportRefusal:
        """What importing the file would do, or why it is refused."""
        try:
            return preview_of(plan_import(self.session, Path(path)))
        except ImportRejected as exc:
            return flows.ImportRefusal(exc.row, exc.reason)
        except SQLAlchemyError:
            raise
        except Exception as exc:  # not a spreadsheet after all: a broken zip, bad encoding
            log.info("an imported file could not be read: %s", type(exc).__name__)
            return flows.ImportRefusal(0, "unreadable")


def _received(ctx: ServiceCtx, path: str) -> Path:
    """A file this bot received (media storage), never any other path."""
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(ctx.settings.media_dir.resolve()) or not resolved.is_file():
        raise UserError(ctx.t("directory.import_unreadable"))
    return resolved


def _apply_import(ctx: ServiceCtx, cmd: flows.ApplyImport) -> list[Reply]:
    assert ctx.actor is not None
    if "admin" not in ctx.actor.roles:  # read from the database on this very message
        raise UserError(ctx.t("core.not_allowed"))
    path = _received(ctx, cmd.path)
    try:
        plan = plan_import(ctx.session, path)  # again: the directory may have changed since
    except ImportRejected as exc:
        raise UserError(
            ctx.t("directory.import_rejected", row=exc.row, reason=exc.reason)
        ) from None
    apply_import(ctx.session, plan, ctx.now)
    counts = {"added": len(plan.added), "changed": len(plan.changed)}
    counts["unchanged"] = len(plan.unchanged)
    ctx.audit("import_employees", path.name, **counts)
    return [Text(ctx.t("directory.import_done", **counts))]


def register(reg: Registry) -> None:
    """The /impor flow and the /ekspor buttons."""
    flows.IMPORT_FLOW.lookup = DirectoryLookup
    reg.flow(flows.IMPORT_FLOW)
    reg.command(Command("impor", "directory.cmd_impor", roles=ADMIN, flow="impor", order=84))
    reg.command(
        Command("ekspor", "directory.cmd_ekspor", roles=ADMIN, handler=exports.menu, order=85)
    )
    reg.handles(flows.ApplyImport, _apply_import)
    reg.button(exports.ExportButton, exports.pressed)
