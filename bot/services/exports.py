"""Workbooks an admin asks for in chat: the directory, a Serawai session's attendance list
(daftar hadir), a round's ballot turnout per office, and the Event Team evaluations.

Each is one sheet: a bold header row that stays in view, a filter on every column, numbers
stored as numbers and times in WIB. The directory's columns are the importer's, so an
exported directory, edited, imports back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.buttons import Button
from bot.calendar import format_date, to_wib
from bot.messages import Choices, Document, Option, Reply, Text
from bot.registry import Outcome
from bot.services.context import ServiceCtx
from storage.event_team import EventEvaluation, EventRequest
from storage.models import Employee, Office, RoleGrant
from storage.serawai import SerawaiAttendance, SerawaiBallot, SerawaiRound, SerawaiSession

What = Literal["dir", "hadir", "suara", "eval"]
PICK_LIMIT = 10
MAX_LABEL = 60


@dataclass(frozen=True)
class ExportButton(Button, prefix="exp"):
    """Export one workbook (`ref`: the session or round; 0 for none, or to pick one)."""

    what: What
    ref: int


@dataclass(frozen=True)
class Sheet:
    """One workbook's content: title, header, rows, and number formats by column."""

    title: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    formats: dict[int, str]  # column index (0-based) -> NUMBER_FORMATS key


def write_workbook(path: Path, sheet: Sheet) -> None:
    """Save `sheet` as an .xlsx: frozen header, a filter over every column, sized columns."""
    # Imported here: openpyxl is tens of MB a started bot need not hold until someone exports.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from bot.reports.xlsx_writer import HEADER_FILL, HEADER_FONT, NUMBER_FORMATS, sheet_names

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet_names([sheet.title], reserved=())[0]
    ws.append(list(sheet.header))
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in sheet.rows:
        ws.append([_excel(value) for value in row])
    for index, kind in sheet.formats.items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = NUMBER_FORMATS[kind]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for index, title in enumerate(sheet.header):
        longest = max([len(title), *(len(str(row[index] or "")) for row in sheet.rows[:500])])
        ws.column_dimensions[get_column_letter(index + 1)].width = min(max(longest + 2, 8), 60)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _excel(value: Any) -> Any:
    # Excel has no time zones: store the WIB wall-clock time people read.
    return to_wib(value).replace(tzinfo=None) if isinstance(value, datetime) else value


# -- the four exports -----------------------------------------------------------------------


def directory_sheet(session: Session) -> Sheet:
    """Every employee with the importer's columns (NIP and ids as text)."""
    roles: dict[int, list[str]] = defaultdict(list)
    for employee_id, role in session.execute(
        select(RoleGrant.employee_id, RoleGrant.role)
        .where(RoleGrant.revoked_at.is_(None))
        .order_by(RoleGrant.employee_id, RoleGrant.role)
    ):
        if role not in roles[employee_id]:
            roles[employee_id].append(role)
    employees = session.scalars(
        select(Employee).join(Office).order_by(Office.code, Employee.name, Employee.nip)
    )
    rows = [
        (
            e.nip,
            e.name,
            e.office.code,
            e.office.name,
            e.phone or "",
            e.telegram_id or "",
            e.position,
            e.community,
            ";".join(roles[e.id]),
            e.language,
            "ya" if e.active else "tidak",
        )
        for e in employees
    ]
    header: tuple[str, ...] = ("nip", "nama", "kantor", "nama_kantor", "telepon")
    header += ("telegram_id", "jabatan", "komunitas", "peran", "bahasa", "aktif")
    return Sheet("Direktori", header, rows, {})


def attendance_sheet(session: Session, session_id: int) -> Sheet | None:
    """The daftar hadir of one Serawai session: who checked in, when."""
    sesi = session.get(SerawaiSession, session_id)
    if sesi is None:
        return None
    found = session.execute(
        select(
            Employee.nip, Employee.name, Office.code, Office.name, SerawaiAttendance.checked_in_at
        )
        .join(Employee, Employee.id == SerawaiAttendance.employee_id)
        .join(Office, Office.id == Employee.office_id)
        .where(SerawaiAttendance.session_id == session_id)
        .order_by(SerawaiAttendance.checked_in_at, Employee.name)
    ).all()
    rows = [
        (n, nip, name, code, office, at)
        for n, (nip, name, code, office, at) in enumerate(found, 1)
    ]
    header = ("No", "NIP", "Nama", "Kode kantor", "Kantor", "Waktu hadir (WIB)")
    return Sheet(f"Hadir {sesi.title}", header, rows, {0: "int", 5: "datetime"})


def turnout_sheet(session: Session, round_id: int) -> Sheet | None:
    """A round's ballots per office against the office's active employees (now)."""
    if session.get(SerawaiRound, round_id) is None:
        return None
    staff = dict(
        session.execute(
            select(Employee.office_id, func.count())
            .where(Employee.active)
            .group_by(Employee.office_id)
        ).all()
    )
    ballots = dict(
        session.execute(
            select(SerawaiBallot.office_id, func.count())
            .where(SerawaiBallot.round_id == round_id)
            .group_by(SerawaiBallot.office_id)
        ).all()
    )
    rows = []
    for office in session.scalars(select(Office).order_by(Office.code)):
        employees, cast = int(staff.get(office.id, 0)), int(ballots.get(office.id, 0))
        rows.append(
            (office.code, office.name, employees, cast, cast / employees if employees else 0.0)
        )
    header = ("Kode kantor", "Kantor", "Pegawai aktif", "Surat suara", "Partisipasi")
    return Sheet("Partisipasi", header, rows, {2: "int", 3: "int", 4: "pct"})


def evaluations_sheet(session: Session) -> Sheet:
    """Every Event Team evaluation, with its request and the ratings as numbers."""
    evaluator = aliased(Employee)
    found = session.execute(
        select(
            EventEvaluation,
            EventRequest.title,
            EventRequest.starts_at,
            evaluator.name,
            Office.code,
        )
        .join(EventRequest, EventRequest.id == EventEvaluation.request_id)
        .join(evaluator, evaluator.id == EventEvaluation.evaluator_id)
        .join(Office, Office.id == evaluator.office_id)
        .order_by(EventEvaluation.submitted_at, EventEvaluation.id)
    ).all()
    rows = [
        (
            ev.request_id,
            title,
            starts_at,
            name,
            office,
            ev.readiness,
            ev.punctuality,
            ev.communication,
            ev.overall,
            "; ".join(f"{role}: {score}" for role, score in sorted(ev.role_ratings.items())),
            ev.suggestions,
            ev.submitted_at,
        )
        for ev, title, starts_at, name, office in found
    ]
    header: tuple[str, ...] = ("No. permintaan", "Acara", "Mulai (WIB)", "Penilai")
    header += ("Kantor penilai", "Kesiapan")
    header += ("Ketepatan waktu", "Komunikasi", "Keseluruhan", "Penilaian peran", "Saran")
    header += ("Dikirim (WIB)",)
    formats = {0: "int", 2: "datetime", 5: "int", 6: "int", 7: "int", 8: "int", 11: "datetime"}
    return Sheet("Evaluasi Event Team", header, rows, formats)


# -- chat ----------------------------------------------------------------------------------

LABELS: dict[str, str] = {
    "dir": "directory.export_directory",
    "hadir": "directory.export_attendance",
    "suara": "directory.export_turnout",
    "eval": "directory.export_evaluations",
}
FILE_STEMS = {"dir": "direktori-pegawai", "hadir": "daftar-hadir", "suara": "partisipasi"}
FILE_STEMS["eval"] = "evaluasi-event-team"


def menu(ctx: ServiceCtx, _args: str) -> Outcome:
    """/ekspor: one button per workbook."""
    options = tuple(
        Option(ctx.t(key), ExportButton(what, 0).pack())  # type: ignore[arg-type]
        for what, key in LABELS.items()
    )
    return Outcome([Choices(ctx.t("directory.export_prompt"), options)])


def _pick(ctx: ServiceCtx, what: What) -> Outcome:
    """The recent sessions (daftar hadir) or rounds (turnout) to choose from."""
    options: list[Option] = []
    if what == "hadir":
        sessions = ctx.session.scalars(
            select(SerawaiSession)
            .order_by(SerawaiSession.starts_at.desc().nulls_last(), SerawaiSession.id.desc())
            .limit(PICK_LIMIT)
        )
        for sesi in sessions:
            when = f" ({format_date(to_wib(sesi.starts_at).date())})" if sesi.starts_at else ""
            options.append(
                Option((sesi.title + when)[:MAX_LABEL], ExportButton(what, sesi.id).pack())
            )
        prompt = "directory.export_pick_session"
    else:
        rounds = ctx.session.scalars(
            select(SerawaiRound).order_by(SerawaiRound.id.desc()).limit(PICK_LIMIT)
        )
        for found in rounds:
            options.append(Option(found.name[:MAX_LABEL], ExportButton(what, found.id).pack()))
        prompt = "directory.export_pick_round"
    if not options:
        return Outcome([Text(ctx.t("directory.export_none"))])
    return Outcome([Choices(ctx.t(prompt), tuple(options))])


def pressed(ctx: ServiceCtx, button: ExportButton) -> Outcome:
    """Build the workbook a button asks for and send it back as a document."""
    assert ctx.actor is not None
    if "admin" not in ctx.actor.roles:  # roles as the database holds them on this press
        return Outcome([Text(ctx.t("core.not_allowed"))])
    if button.what in ("hadir", "suara") and button.ref == 0:
        return _pick(ctx, button.what)
    if button.what in ("dir", "eval") and button.ref != 0:
        return Outcome([Text(ctx.t("core.stale_button"))])  # no such button was ever shown
    sheet: Sheet | None
    if button.what == "dir":
        sheet = directory_sheet(ctx.session)
    elif button.what == "hadir":
        sheet = attendance_sheet(ctx.session, button.ref)
    elif button.what == "suara":
        sheet = turnout_sheet(ctx.session, button.ref)
    else:
        sheet = evaluations_sheet(ctx.session)
    if sheet is None:
        return Outcome([Text(ctx.t("core.stale_button"))])
    return Outcome(_send(ctx, button, sheet))


def _send(ctx: ServiceCtx, button: ExportButton, sheet: Sheet) -> list[Reply]:
    assert ctx.actor is not None
    stamp = f"{to_wib(ctx.now):%Y%m%d-%H%M}"
    ref = f"-{button.ref}" if button.ref else ""
    filename = f"{FILE_STEMS[button.what]}{ref}-{stamp}.xlsx"
    path = ctx.settings.data_dir / "exports" / str(ctx.actor.id) / filename
    write_workbook(path, sheet)
    ctx.audit("export", filename, rows=len(sheet.rows))
    caption = ctx.t(
        "directory.export_ready", what=ctx.t(LABELS[button.what]), rows=len(sheet.rows)
    )
    return [Document(str(path), filename, caption)]
