"""Laporan Pegasus Triwulan (SOP-330 step 6): every poster, proof of posting, duties missed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from bot.calendar import WorkCalendar
from bot.reports import fmt
from bot.reports.common import cadence, empty_report, program_report, section, share
from bot.reports.compliance import compliance
from bot.reports.facts import DutyFact, PegasusFacts, Program
from bot.reports.model import (
    Block,
    Cell,
    Chart,
    Column,
    Gallery,
    Image,
    KeyFigure,
    Paragraph,
    Report,
    Table,
)

TITLE = "Laporan Pegasus"  # + "Triwulan" or "Semesteran"
SUBTITLE = "Poster motivasi mingguan (SOP-330/17000/2025)"
STATUS_LABELS = {
    "on_time": "Tepat waktu",
    "late": "Terlambat",
    "missed": "Terlewat",
    "scheduled": "Terjadwal",
}
DUE = ("on_time", "late", "missed")
STATUS_COLORS = {"Tepat waktu": "#2E8B57", "Terlambat": "#E69F00", "Terlewat": "#C0392B"}


def status_label(code: str) -> str:
    """The Indonesian label of a duty status code."""
    return STATUS_LABELS.get(code, code.capitalize())


def _proof(duty: DutyFact) -> str | None:
    kinds = []
    if duty.proof_url:
        kinds.append("Tautan")
    if duty.proof_path:
        kinds.append("Tangkapan layar")
    return " dan ".join(kinds) or None


def pegasus_figures(facts: PegasusFacts, calendar: WorkCalendar) -> list[KeyFigure]:
    """The headline numbers of a period (also the rows of the half-year comparison)."""
    counts = Counter(d.status for d in facts.duties)
    due = sum(counts.get(s, 0) for s in DUE)
    results = compliance(facts.steps, calendar, program=Program.PEGASUS, period=facts.period)
    within = sum(r.within for r in results)
    done = sum(r.done for r in results)
    return [
        KeyFigure("Jadwal piket", len(facts.duties), "int"),
        KeyFigure("Poster tepat waktu", counts.get("on_time", 0), "int"),
        KeyFigure("Poster terlambat", counts.get("late", 0), "int"),
        KeyFigure("Piket terlewat", counts.get("missed", 0), "int"),
        KeyFigure("Ketepatan waktu poster", share(counts.get("on_time", 0), due), "pct"),
        KeyFigure("Tukar jadwal", sum(d.swapped_from is not None for d in facts.duties), "int"),
        KeyFigure(
            "Bukti unggah tersedia", sum(_proof(d) is not None for d in facts.duties), "int"
        ),
        KeyFigure("Langkah SOP sesuai standar waktu", share(within, done), "pct"),
    ]


def _duty_blocks(duties: Sequence[DutyFact], facts: PegasusFacts) -> list[Block]:
    rows: list[list[Cell]] = [
        [
            d.week,
            d.duty_date,
            d.person,
            d.office,
            status_label(d.status),
            d.swapped_from,
            d.posted_at,
            _proof(d),
            d.proof_url,
            d.proof_path,
            d.poster_path,
        ]
        for d in duties
    ]
    months = facts.period.months()
    labels = [fmt.month_label(y, m) for y, m in months]
    per_month = Counter((d.duty_date.year, d.duty_date.month, d.status) for d in duties)
    series = {
        status_label(s): [float(per_month.get((y, m, s), 0)) for y, m in months] for s in DUE
    }
    month_rows: list[list[Cell]] = [
        [label, *[per_month.get((y, m, s), 0) for s in DUE]]
        for label, (y, m) in zip(labels, months, strict=True)
    ]
    return [
        Table(
            "Jadwal dan pelaksanaan piket Pegasus",
            (
                Column("Minggu", "int"),
                Column("Tanggal", "date"),
                Column("Petugas"),
                Column("Kantor"),
                Column("Status"),
                Column("Menggantikan"),
                Column("Diunggah", "datetime"),
                Column("Bukti", in_xlsx=False),
                Column("Tautan bukti", in_docx=False),
                Column("Tangkapan layar", in_docx=False),
                Column("Berkas poster", in_docx=False),
            ),
            rows,
            "Piket",
        ),
        Table(
            "Ketepatan waktu per bulan",
            ("Bulan", *[Column(status_label(s), "int") for s in DUE]),
            month_rows,
            "Per bulan",
        ),
        Chart(
            "Ketepatan waktu poster per bulan",
            "bar",
            labels,
            series,
            y_label="Piket",
            colors=STATUS_COLORS,
        ),
    ]


def _gallery_blocks(duties: Sequence[DutyFact]) -> list[Block]:
    posters = [
        Image(d.poster_path, f"Minggu {d.week} · {d.person}", width_cm=3.6)
        for d in duties
        if d.poster_path
    ]
    shots = [
        Image(d.proof_path, f"Minggu {d.week} · {d.person}", 3.6) for d in duties if d.proof_path
    ]
    links = [d for d in duties if d.proof_url]
    blocks: list[Block] = [
        Paragraph(f"{len(posters)} poster terbit pada periode ini."),
        Gallery(posters, columns=4, title="Poster Pegasus periode ini"),
    ]
    if shots:
        blocks.append(Gallery(shots, columns=4, title="Tangkapan layar bukti unggah"))
    if links:
        blocks.append(Paragraph("Tautan unggahan:"))
        blocks += [
            Paragraph(f"Minggu {d.week} ({d.person}): {d.proof_url}", "bullet") for d in links
        ]
    without = [d for d in duties if d.status in ("on_time", "late") and _proof(d) is None]
    if without:
        blocks.append(
            Paragraph(
                "Poster tanpa bukti unggah: "
                + ", ".join(f"minggu {d.week} ({d.person})" for d in without)
                + ".",
                "note",
            )
        )
    return blocks


def pegasus_issues(duties: Sequence[DutyFact]) -> list[str]:
    """Missed and late duties and swaps, one line each."""
    out = []
    for d in duties:
        when = fmt.day(d.duty_date)
        if d.status == "missed":
            out.append(f"Minggu {d.week} ({when}): {d.person}, {d.office}, tidak mengirim poster.")
        elif d.status == "late":
            out.append(f"Minggu {d.week} ({when}): poster {d.person}, {d.office}, terlambat.")
    for d in duties:
        if d.swapped_from:
            out.append(
                f"Minggu {d.week}: {d.person} menggantikan {d.swapped_from} (tukar jadwal)."
            )
    return out


def pegasus_report(
    facts: PegasusFacts, calendar: WorkCalendar, *, generated_on: date | None = None
) -> Report:
    """The Pegasus report for the facts' period (a quarter, or a half-year for SOP step 7)."""
    title = f"{TITLE} {cadence(facts.period)}"
    figures = pegasus_figures(facts, calendar)
    duties = sorted(facts.duties, key=lambda d: (d.duty_date, d.week))
    if not duties:
        return empty_report(title, SUBTITLE, facts.period, figures, generated_on)
    counts = Counter(d.status for d in duties)
    due = sum(counts.get(s, 0) for s in DUE)
    summary = [
        f"{len(duties)} jadwal piket; {fmt.ratio(counts.get('on_time', 0), due)} poster "
        f"tepat waktu, {counts.get('late', 0)} terlambat, {counts.get('missed', 0)} terlewat."
    ]
    return program_report(
        title=title,
        subtitle=SUBTITLE,
        period=facts.period,
        program=Program.PEGASUS,
        steps=facts.steps,
        calendar=calendar,
        figures=figures,
        summary=summary,
        sections=[
            section("Jadwal dan pelaksanaan piket", _duty_blocks(duties, facts)),
            section("Poster dan bukti unggah", _gallery_blocks(duties)),
        ],
        issues=pegasus_issues(duties),
        generated_on=generated_on,
        issues_heading="Piket terlambat, terlewat dan tukar jadwal",
        no_issues="Semua poster terbit tepat waktu; tidak ada tukar jadwal.",
    )
