"""A `Report` as a workbook (openpyxl): a Ringkasan sheet, then one sheet per table."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.calendar import format_date, to_wib, utcnow
from bot.reports import fmt
from bot.reports.model import Cell, Column, Format, Report, Table

Tick = Callable[[str], None]

SUMMARY_SHEET = "Ringkasan"
MAX_SHEET_NAME = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
NUMBER_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "dec1": "#,##0.0",
    "num1": "General",
    "dec2": "#,##0.00",
    "pct": "0.0%",
    "date": "DD/MM/YYYY",
    "datetime": "DD/MM/YYYY HH:MM",
}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
MIN_WIDTH, MAX_WIDTH = 8, 60


def xlsx_steps(report: Report) -> int:
    """How many progress ticks `write_xlsx` makes for this report."""
    return len(report.tables()) + 2


def sheet_names(titles: Sequence[str], reserved: Sequence[str] = (SUMMARY_SHEET,)) -> list[str]:
    """Valid, unique (case-insensitive) sheet names of at most 31 characters, one per title."""
    taken = {r.casefold() for r in reserved}
    names: list[str] = []
    for title in titles:
        base = _FORBIDDEN.sub("-", title).strip().strip("'").strip() or "Tabel"
        candidate = base[:MAX_SHEET_NAME].rstrip()
        counter = 2
        while candidate.casefold() in taken or not candidate:
            suffix = f" ({counter})"
            candidate = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
            counter += 1
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


def excel_value(cell: Cell, fmt_: Format) -> tuple[Any, str | None]:
    """The value to store (numbers as numbers, dates as dates) and its number format."""
    value, kind = fmt.resolve(cell, fmt_)
    if value is None:
        return None, None
    if isinstance(value, bool):
        return ("Ya" if value else "Tidak"), None
    if isinstance(value, datetime):
        # Excel has no time zones: store the WIB wall-clock time the report shows
        return to_wib(value).replace(tzinfo=None), NUMBER_FORMATS["datetime"]
    if isinstance(value, date):
        return value, NUMBER_FORMATS["date"]
    if isinstance(value, str):
        return value, None
    if kind == "auto" or kind == "text":
        kind = "int" if isinstance(value, int) else "dec2"
    return value, NUMBER_FORMATS.get(kind)


def _fit(sheet: Any, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(
            MIN_WIDTH, min(MAX_WIDTH, width + 2)
        )


def _table_sheet(sheet: Any, table: Table) -> None:
    columns: list[Column] = [c for c in table.cols if c.in_xlsx]
    keep = [i for i, c in enumerate(table.cols) if c.in_xlsx]
    sheet.append([c.name for c in columns])
    widths = [len(c.name) for c in columns]
    for row in table.rows:
        values: list[Any] = []
        formats: list[str | None] = []
        for slot, column in zip(keep, columns, strict=True):
            cell = row[slot] if slot < len(row) else None
            value, number_format = excel_value(cell, column.fmt)
            values.append(value)
            formats.append(number_format)
            text = fmt.cell_text(cell, column.fmt) if value is not None else ""
            widths[len(values) - 1] = max(widths[len(values) - 1], len(text))
        sheet.append(values)
        current = sheet.max_row
        for i, number_format in enumerate(formats, start=1):
            if number_format is not None:
                sheet.cell(row=current, column=i).number_format = number_format
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"
    if columns:
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A1:{last}{max(1, sheet.max_row)}"
    _fit(sheet, widths)


def _summary_sheet(sheet: Any, report: Report, index: list[tuple[str, str]]) -> None:
    made = report.generated_on or to_wib(utcnow()).date()
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([report.subtitle])
    sheet.append([f"Periode: {report.period_label}"])
    sheet.append([f"{report.organisation}; disusun oleh CAN Bot, {format_date(made)}"])
    sheet.append([])
    widths = [len("Indikator"), len("Nilai")]
    if report.key_figures:
        sheet.append(["Indikator", "Nilai"])
        for cell in sheet[sheet.max_row]:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
        for figure in report.key_figures:
            value, number_format = excel_value(figure.value, figure.fmt)
            sheet.append([figure.label, value])
            if number_format is not None:
                sheet.cell(row=sheet.max_row, column=2).number_format = number_format
            widths[0] = max(widths[0], len(figure.label))
            widths[1] = max(widths[1], len(fmt.cell_text(figure.value, figure.fmt)))
        sheet.append([])
    for line in report.summary:
        sheet.append([line])
    if index:
        sheet.append([])
        sheet.append(["Lembar", "Isi"])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for name, title in index:
            sheet.append([name, title])
            widths[0] = max(widths[0], len(name))
    _fit(sheet, widths)


def write_xlsx(report: Report, path: Path, tick: Tick | None = None) -> Path:
    """Write the report as an .xlsx workbook at `path` and return the path."""
    step = tick or (lambda _label: None)
    tables = report.tables()
    names = sheet_names([t.sheet_name or t.title for t in tables])
    book = Workbook()
    summary = book.active
    summary.title = SUMMARY_SHEET
    _summary_sheet(summary, report, [(n, t.title) for n, t in zip(names, tables, strict=True)])
    step("XLSX: Ringkasan")
    for name, table in zip(names, tables, strict=True):
        _table_sheet(book.create_sheet(name), table)
        step(f"XLSX: {name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    step("XLSX: disimpan")
    return path
