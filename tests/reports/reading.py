"""Reading the written files back: every word of a DOCX, every table, every sheet row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.table import Table
from openpyxl import load_workbook


def _table_rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _all_tables(tables: list[Table]) -> list[Table]:
    found: list[Table] = []
    for table in tables:
        found.append(table)
        for row in table.rows:
            for cell in row.cells:
                found += _all_tables(list(cell.tables))
    return found


class DocxReport:
    """A written .docx, opened with python-docx."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.doc = Document(str(path))
        self.tables = [_table_rows(t) for t in _all_tables(list(self.doc.tables))]
        self.paragraphs = [p.text for p in self.doc.paragraphs]

    @property
    def text(self) -> str:
        """Paragraphs and every table cell, one per line."""
        cells = [c for t in self.tables for row in t for c in row]
        return "\n".join(self.paragraphs + cells)

    def table(self, first_header: str, contains: str = "") -> list[list[str]]:
        """The first table whose header row starts with `first_header` (and names `contains`)."""
        for rows in self.tables:
            if rows and rows[0][0] == first_header and contains in " ".join(rows[0]):
                return rows
        raise AssertionError(f"no table starting with {first_header!r}")

    def row(self, label: str) -> list[str]:
        """The first table row whose first cell is `label`."""
        for rows in self.tables:
            for row in rows:
                if row and row[0] == label:
                    return row
        raise AssertionError(f"no row {label!r}")

    def key_figure(self, label: str) -> str:
        """A value of the Ringkasan table on the first page."""
        rows = self.table("Indikator", "Nilai")
        return next(r[1] for r in rows if r[0] == label)


class XlsxReport:
    """A written .xlsx, opened with openpyxl."""

    def __init__(self, path: Path) -> None:
        self.book = load_workbook(path)

    def sheet(self, name: str) -> Any:
        """A worksheet by name."""
        return self.book[name]

    def rows(self, name: str) -> list[tuple[Any, ...]]:
        """A sheet's cell values, row by row."""
        return list(self.book[name].iter_rows(values_only=True))

    def key_figure(self, label: str) -> Any:
        """The stored value beside `label` on the Ringkasan sheet."""
        for row in self.rows("Ringkasan"):
            if row and row[0] == label:
                return row[1]
        raise AssertionError(f"no key figure {label!r}")

    def column(self, sheet: str, header: str) -> list[Any]:
        """A table sheet's column below its header."""
        rows = self.rows(sheet)
        index = list(rows[0]).index(header)
        return [r[index] for r in rows[1:]]
