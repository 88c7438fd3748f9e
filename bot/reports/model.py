"""The document model every report is built in, and written from, as DOCX and XLSX."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Format = Literal["auto", "text", "int", "num1", "dec1", "dec2", "pct", "date", "datetime"]
"""How a value is shown: `pct` takes a share (0.9 is 90%), `dec2` two decimals, `num1` one
decimal only when there is one (9 and 8,5)."""


@dataclass(frozen=True)
class Value:
    """A number with its own format, for tables whose rows mix counts, averages and shares."""

    value: int | float | None
    fmt: Format


Cell = str | int | float | date | datetime | Value | None
"""One table cell; `None` is an empty cell ("–" in the document)."""


@dataclass(frozen=True)
class Column:
    """A table column: its header, its format, and the files it appears in."""

    name: str
    fmt: Format = "auto"
    in_docx: bool = True
    in_xlsx: bool = True


@dataclass(frozen=True)
class Paragraph:
    """Running text; `quote` for quoted feedback, `bullet` for a list item, `note` in small."""

    text: str
    style: Literal["normal", "quote", "bullet", "note"] = "normal"


@dataclass(frozen=True)
class Subheading:
    """A second-level heading inside a section."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table in the document, and a sheet of its own in the workbook."""

    title: str
    columns: Sequence[Column | str]
    rows: Sequence[Sequence[Cell]]
    sheet_name: str | None = None
    note: str | None = None

    @property
    def cols(self) -> tuple[Column, ...]:
        """The columns, with plain header strings turned into `Column`s."""
        return tuple(c if isinstance(c, Column) else Column(c) for c in self.columns)


@dataclass(frozen=True)
class Chart:
    """A bar or line chart drawn into the document; `colors` maps a series to its colour."""

    title: str
    kind: Literal["bar", "line"]
    categories: Sequence[str]
    series: Mapping[str, Sequence[float]]
    y_label: str = ""
    x_label: str = ""
    percent: bool = False
    y_max: float | None = None
    colors: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Image:
    """A picture from disk (a poster, a screenshot), embedded as a thumbnail."""

    path: str
    caption: str = ""
    width_cm: float = 6.0


@dataclass(frozen=True)
class Gallery:
    """Several thumbnails side by side, `columns` to a row."""

    images: Sequence[Image]
    columns: int = 3
    title: str = ""


Block = Paragraph | Subheading | Table | Chart | Image | Gallery


@dataclass(frozen=True)
class Section:
    """A numbered chapter of the report."""

    heading: str
    blocks: Sequence[Block] = ()
    role: Literal["body", "issues", "appendix"] = "body"


@dataclass(frozen=True)
class KeyFigure:
    """One headline number of the period, shown on the first page and the Ringkasan sheet."""

    label: str
    value: Cell
    fmt: Format = "auto"


@dataclass(frozen=True)
class Report:
    """A whole report: title block, key figures, summary lines and sections."""

    title: str
    subtitle: str
    period_label: str
    sections: Sequence[Section] = ()
    key_figures: Sequence[KeyFigure] = ()
    summary: Sequence[str] = ()
    organisation: str = "Badan Pusat Statistik Provinsi Bengkulu"
    generated_on: date | None = None
    sop: str = ""
    """The SOP the report answers to ('SOP-321/17000/2025'), empty for the MP report."""
    purpose: str = ""
    """What the program is for, one sentence, for the introduction."""
    narrative: Sequence[str] = ()
    """The figures told in sentences (the summary chapter)."""
    conclusions: Sequence[str] = ()
    recommendations: Sequence[str] = ()
    definitions: Sequence[str] = ()
    """What the report's counts mean, for the introduction."""

    def tables(self) -> list[Table]:
        """Every table of the report in document order (one workbook sheet each)."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """All the report's words as plain text, handy for a chat preview and for tests."""
        lines = [self.title, self.subtitle, self.period_label, *self.summary, *self.narrative]
        lines += [*self.conclusions, *self.recommendations]
        lines += [f"{k.label}: {k.value}" for k in self.key_figures]
        for section in self.sections:
            lines.append(section.heading)
            for block in section.blocks:
                if isinstance(block, Paragraph | Subheading):
                    lines.append(block.text)
                elif isinstance(block, Table | Chart):
                    lines.append(block.title)
        return "\n".join(lines)
