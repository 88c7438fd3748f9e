"""Pieces every program's report shares: averages, the empty report, the compliance section."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from datetime import date

from bot.calendar import WorkCalendar
from bot.reports import fmt
from bot.reports.compliance import StepCompliance, compliance, compliance_by_quarter
from bot.reports.facts import PROGRAM_NAMES, Period, StepRecord
from bot.reports.model import Block, Cell, Column, KeyFigure, Paragraph, Report, Section, Table

EMPTY_TEXT = "Tidak ada kegiatan pada periode ini."
NO_ISSUES = "Tidak ada kendala yang tercatat pada periode ini."
ISSUES_HEADING = "Kendala dan catatan"
LOW_RATING = 2
"""A rating at or below this (on 1 to 5) is raised as an issue."""
WEAK_COMPLIANCE = 0.8
"""A step with a smaller share of runs within its standard is raised as an issue."""


def mean(values: Iterable[float]) -> float | None:
    """The arithmetic mean, or None for no values."""
    listed = list(values)
    return statistics.fmean(listed) if listed else None


def weighted_mean(pairs: Iterable[tuple[float, int]]) -> float | None:
    """The mean of values weighted by their counts, or None when the counts add up to 0."""
    listed = list(pairs)
    total = sum(n for _, n in listed)
    return sum(v * n for v, n in listed) / total if total else None


def share(part: int, whole: int) -> float | None:
    """`part / whole`, or None when `whole` is 0."""
    return part / whole if whole else None


def empty_report(
    title: str,
    subtitle: str,
    period: Period,
    figures: Sequence[KeyFigure],
    generated_on: date | None,
) -> Report:
    """A report for a period without activity that says so plainly."""
    return Report(
        title=title,
        subtitle=subtitle,
        period_label=period.label,
        key_figures=figures,
        summary=(EMPTY_TEXT,),
        generated_on=generated_on,
    )


def overall_compliance(results: Sequence[StepCompliance]) -> tuple[int, int]:
    """(runs within the standard, runs finished) over all steps."""
    return sum(r.within for r in results), sum(r.done for r in results)


def compliance_issues(results: Sequence[StepCompliance]) -> list[str]:
    """One sentence per step whose share within the standard is below 80%."""
    out = []
    for r in results:
        if r.share is not None and r.share < WEAK_COMPLIANCE:
            out.append(
                f"Langkah {r.step} ({r.step_name}): hanya {fmt.ratio(r.within, r.done)} "
                f"pelaksanaan memenuhi standar {r.standard.label}."
            )
    return out


def compliance_table(title: str, results: Sequence[StepCompliance], sheet: str) -> Table:
    """Per step: standard, runs, median and share within the standard (numbers in the sheet)."""
    columns = (
        Column("Langkah", "int"),
        Column("Kegiatan"),
        Column("Standar waktu"),
        Column("Dilaksanakan", "int"),
        Column("Median durasi", in_xlsx=False),
        Column("Median", "dec2", in_docx=False),
        Column("Satuan", in_docx=False),
        Column("Sesuai standar", in_xlsx=False),
        Column("Sesuai standar (jumlah)", "int", in_docx=False),
        Column("Persentase sesuai standar", "pct", in_docx=False),
        Column("Masih berjalan", "int", in_docx=False),
    )
    rows: list[list[Cell]] = [
        [
            r.step,
            r.step_name,
            r.standard.label,
            r.done,
            r.median_label,
            r.median,
            r.standard.unit_label,
            r.summary,
            r.within if r.done else None,
            r.share,
            r.open,
        ]
        for r in results
    ]
    return Table(title, columns, rows, sheet_name=sheet)


def compliance_blocks(
    records: Sequence[StepRecord], calendar: WorkCalendar, program: str, period: Period
) -> list[Block]:
    """The time-standard section's blocks for one program and period."""
    results = compliance(records, calendar, program=program, period=period)
    within, done = overall_compliance(results)
    name = PROGRAM_NAMES.get(program, program)
    blocks: list[Block] = [
        Paragraph(
            "Durasi setiap langkah diukur dari awal sampai selesai dan dibandingkan dengan "
            "mutu baku waktu SOP; hari kerja tidak menghitung akhir pekan, hari libur "
            "nasional dan cuti bersama."
        ),
    ]
    if done:
        blocks.append(
            Paragraph(
                f"Secara keseluruhan {fmt.ratio(within, done)} pelaksanaan langkah "
                "memenuhi standar waktu."
            )
        )
    never = [str(r.step) for r in results if not r.done]
    if never:
        blocks.append(
            Paragraph(
                "Langkah yang belum pernah dilaksanakan pada periode ini: "
                + ", ".join(never)
                + ".",
                "note",
            )
        )
    blocks.append(compliance_table(f"Kepatuhan standar waktu {name}", results, "Standar waktu"))
    still_open = sum(r.open for r in results)
    if still_open:
        blocks.append(
            Paragraph(f"{still_open} langkah masih berjalan saat laporan disusun.", "note")
        )
    return blocks


def compliance_quarters_table(
    records: Sequence[StepRecord],
    calendar: WorkCalendar,
    program: str,
    quarters: Sequence[Period],
    sheet: str,
) -> Table:
    """Compliance per step with one column group per quarter, side by side."""
    by_quarter = compliance_by_quarter(records, calendar, quarters, program=program)
    labels = [q.label for q in quarters]
    first = by_quarter[labels[0]]
    columns: list[Column] = [Column("Langkah", "int"), Column("Kegiatan"), Column("Standar")]
    for label in labels:
        columns += [
            Column(label, in_xlsx=False),
            Column(f"{label}: dilaksanakan", "int", in_docx=False),
            Column(f"{label}: sesuai standar", "int", in_docx=False),
            Column(f"{label}: persentase", "pct", in_docx=False),
            Column(f"{label}: median", "dec2", in_docx=False),
        ]
    rows: list[list[Cell]] = []
    for index, head in enumerate(first):
        row: list[Cell] = [head.step, head.step_name, head.standard.label]
        for label in labels:
            r = by_quarter[label][index]
            row += [r.summary, r.done, r.within if r.done else None, r.share, r.median]
        rows.append(row)
    name = PROGRAM_NAMES.get(program, program)
    return Table(f"Kepatuhan standar waktu {name} per triwulan", columns, rows, sheet_name=sheet)


def section(heading: str, blocks: Sequence[Block]) -> Section:
    """A section; a thin wrapper so builders read as a list of headings."""
    return Section(heading, tuple(blocks))


def cadence(period: Period) -> str:
    """'Triwulan' for a quarter, 'Semesteran' for a longer period (report titles)."""
    return "Triwulan" if period.is_quarter else "Semesteran"


def program_report(
    *,
    title: str,
    subtitle: str,
    period: Period,
    program: str,
    steps: Sequence[StepRecord],
    calendar: WorkCalendar,
    figures: Sequence[KeyFigure],
    summary: Sequence[str],
    sections: Sequence[Section],
    issues: Sequence[str],
    generated_on: date | None,
    issues_heading: str = ISSUES_HEADING,
    no_issues: str = NO_ISSUES,
    appendix: Sequence[Section] = (),
) -> Report:
    """A program's report: its own sections, then issues, the SOP's time standards, appendix."""
    results = compliance(steps, calendar, program=program, period=period)
    raised = [*issues, *compliance_issues(results)]
    sop = PROGRAM_NAMES.get(program, program).split("(")[-1].rstrip(")")
    closing = [
        section(
            issues_heading, [Paragraph(i, "bullet") for i in raised] or [Paragraph(no_issues)]
        ),
        section(
            f"Kepatuhan standar waktu {sop}",
            compliance_blocks(steps, calendar, program, period),
        ),
    ]
    return Report(
        title=title,
        subtitle=subtitle,
        period_label=period.label,
        sections=[*sections, *closing, *appendix],
        key_figures=figures,
        summary=summary,
        generated_on=generated_on,
    )
