"""Pieces every program's report shares: averages, the empty report, the compliance section."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from datetime import date

from bot.calendar import WorkCalendar
from bot.reports import fmt
from bot.reports.compliance import StepCompliance, compliance, compliance_by_quarter
from bot.reports.facts import PROGRAM_NAMES, Period, StepRecord
from bot.reports.model import (
    Block,
    Cell,
    Column,
    KeyFigure,
    Paragraph,
    Report,
    Section,
    Subheading,
    Table,
)

EMPTY_TEXT = "Tidak ada kegiatan pada periode ini."
NO_ISSUES = "Tidak ada kendala yang tercatat pada periode ini."
ISSUES_HEADING = "Kendala"
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


def people_steps(results: Sequence[StepCompliance]) -> list[StepCompliance]:
    """The steps people carry out (the bot's own steps left out)."""
    return [r for r in results if not r.automated]


def bot_steps(results: Sequence[StepCompliance]) -> list[StepCompliance]:
    """The steps the bot carries out itself."""
    return [r for r in results if r.automated]


def overall_compliance(results: Sequence[StepCompliance]) -> tuple[int, int]:
    """(runs within the standard, runs finished) over the steps people carry out."""
    mine = people_steps(results)
    return sum(r.within for r in mine), sum(r.done for r in mine)


def compliance_issues(results: Sequence[StepCompliance]) -> list[str]:
    """One sentence per people's step whose share within the standard is below 80%."""
    out = []
    for r in people_steps(results):
        if r.share is not None and r.share < WEAK_COMPLIANCE:
            out.append(
                f"Langkah {r.step} ({r.step_name}): hanya {fmt.ratio(r.within, r.done)} "
                f"pelaksanaan memenuhi mutu baku waktu {r.standard.label}."
            )
    return out


def compliance_table(title: str, results: Sequence[StepCompliance], sheet: str) -> Table:
    """Per people's step: the SOP's standard, runs, median, share within, open and closed."""
    columns = (
        Column("Langkah", "int"),
        Column("Kegiatan"),
        Column("Mutu baku waktu"),
        Column("Output SOP", in_docx=False),
        Column("Dilaksanakan", "int"),
        Column("Median durasi", in_xlsx=False),
        Column("Median", "dec2", in_docx=False),
        Column("Satuan", in_docx=False),
        Column("Sesuai standar", in_xlsx=False),
        Column("Sesuai standar (jumlah)", "int", in_docx=False),
        Column("Persentase sesuai standar", "pct", in_docx=False),
        Column("Masih berjalan", "int"),
        Column("Ditutup tanpa hasil", "int"),
    )
    rows: list[list[Cell]] = [
        [
            r.step,
            r.step_name,
            r.standard.label,
            r.output,
            r.done,
            r.median_label,
            r.median,
            r.standard.unit_label,
            r.summary,
            r.within if r.done else None,
            r.share,
            r.open,
            r.closed,
        ]
        for r in results
    ]
    return Table(title, columns, rows, sheet_name=sheet)


def automated_table(title: str, results: Sequence[StepCompliance], sheet: str) -> Table:
    """The bot's own steps: how often it carried them out and how long they took."""
    columns = (
        Column("Langkah", "int"),
        Column("Kegiatan"),
        Column("Mutu baku waktu"),
        Column("Output SOP", in_docx=False),
        Column("Dijalankan bot", "int"),
        Column("Median durasi", in_xlsx=False),
        Column("Median", "dec2", in_docx=False),
        Column("Sesuai standar", in_xlsx=False),
        Column("Sesuai standar (jumlah)", "int", in_docx=False),
    )
    rows: list[list[Cell]] = [
        [
            r.step,
            r.step_name,
            r.standard.label,
            r.output,
            r.done,
            r.median_label,
            r.median,
            r.summary,
            r.within if r.done else None,
        ]
        for r in results
    ]
    return Table(title, columns, rows, sheet_name=sheet)


def compliance_blocks(
    records: Sequence[StepRecord], calendar: WorkCalendar, program: str, period: Period
) -> list[Block]:
    """The time-standard section: people's steps first, then the bot's own steps."""
    results = compliance(records, calendar, program=program, period=period)
    people, machine = people_steps(results), bot_steps(results)
    within, done = overall_compliance(results)
    name = PROGRAM_NAMES.get(program, program)
    blocks: list[Block] = [
        Paragraph(
            "Durasi setiap langkah diukur dari awal sampai selesainya langkah tersebut dan "
            "dibandingkan dengan mutu baku waktu dalam SOP. Hari kerja tidak mencakup akhir "
            "pekan, hari libur nasional, dan cuti bersama. Langkah yang dijalankan otomatis "
            "oleh CAN Bot dilaporkan tersendiri dan tidak dihitung dalam tingkat kepatuhan "
            "petugas."
        ),
        Subheading("Langkah yang dilaksanakan petugas"),
    ]
    if done:
        blocks.append(
            Paragraph(
                f"Dari langkah yang dilaksanakan petugas, {fmt.ratio(within, done)} "
                "pelaksanaan memenuhi mutu baku waktu."
            )
        )
    else:
        blocks.append(
            Paragraph("Belum ada langkah petugas yang selesai pada periode ini.", "note")
        )
    blocks.append(
        compliance_table(
            f"Kepatuhan petugas terhadap mutu baku waktu {name}", people, "Standar waktu"
        )
    )
    still_open = sum(r.open for r in people)
    closed = sum(r.closed for r in people)
    if still_open or closed:
        parts = []
        if still_open:
            parts.append(f"sebanyak {still_open} langkah masih berjalan saat laporan disusun")
        if closed:
            parts.append(
                f"sebanyak {closed} langkah ditutup tanpa hasil karena permintaannya dibatalkan, "
                "lewat tanpa penugasan, atau batas waktunya berakhir; langkah tersebut tidak "
                "diukur"
            )
        sentence = "; ".join(parts)
        blocks.append(Paragraph(sentence[0].upper() + sentence[1:] + ".", "note"))
    if machine:
        blocks += [
            Subheading("Langkah yang dijalankan otomatis oleh CAN Bot"),
            automated_table(f"Langkah otomatis {name}", machine, "Langkah otomatis"),
        ]
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
    columns: list[Column] = [
        Column("Langkah", "int"),
        Column("Kegiatan"),
        Column("Pelaksana"),
        Column("Mutu baku waktu"),
    ]
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
        who = "CAN Bot (otomatis)" if head.automated else "Petugas"
        row: list[Cell] = [head.step, head.step_name, who, head.standard.label]
        for label in labels:
            r = by_quarter[label][index]
            row += [r.summary, r.done, r.within if r.done else None, r.share, r.median]
        rows.append(row)
    name = PROGRAM_NAMES.get(program, program)
    return Table(
        f"Kepatuhan terhadap mutu baku waktu {name} per triwulan", columns, rows, sheet_name=sheet
    )


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
    sop: str = "",
    purpose: str = "",
    narrative: Sequence[str] = (),
    conclusions: Sequence[str] = (),
    recommendations: Sequence[str] = (),
    definitions: Sequence[str] = (),
) -> Report:
    """A program's report: its own sections, then issues, the SOP's time standards, appendix."""
    results = compliance(steps, calendar, program=program, period=period)
    raised = [*issues, *compliance_issues(results)]
    short = PROGRAM_NAMES.get(program, program).split("(")[-1].rstrip(")")
    closing = [
        Section(
            issues_heading,
            tuple([Paragraph(i, "bullet") for i in raised] or [Paragraph(no_issues)]),
            role="issues",
        ),
        section(
            f"Kepatuhan terhadap mutu baku waktu {short}",
            compliance_blocks(steps, calendar, program, period),
        ),
    ]
    return Report(
        title=title,
        subtitle=subtitle,
        period_label=period.label,
        sections=[
            *sections,
            *closing,
            *(Section(a.heading, a.blocks, "appendix") for a in appendix),
        ],
        key_figures=figures,
        summary=summary,
        generated_on=generated_on,
        sop=sop,
        purpose=purpose,
        narrative=narrative,
        conclusions=conclusions,
        recommendations=recommendations,
        definitions=definitions,
    )
