"""Laporan Pegasus Triwulan (SOP-330 step 6): every poster, proof of posting, duties missed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bot.calendar import WorkCalendar
from bot.reports import fmt
from bot.reports.common import (
    cadence,
    empty_report,
    overall_compliance,
    program_report,
    section,
    share,
)
from bot.reports.compliance import compliance
from bot.reports.definitions import PEGASUS_TERMS
from bot.reports.facts import DutyFact, PegasusFacts, Program
from bot.reports.kendala import pegasus_kendala
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
    "approved": "Disetujui, menunggu tanggal unggah",
    "scheduled": "Terjadwal",
}
POSTED = ("on_time", "late")
SOP = "SOP-330/17000/2025"
PURPOSE = (
    "Pegasus (Pesona Penggugahan Semangat untuk Sukses) menerbitkan poster motivasi setiap "
    "minggu, disusun bergiliran oleh pegawai yang bertugas dan diunggah oleh Humas ke grup "
    "WhatsApp kantor dan Instagram."
)
DUE = ("on_time", "late", "missed")
STATUS_COLORS = {"Tepat waktu": "#2E8B57", "Terlambat": "#E69F00", "Terlewat": "#C0392B"}


def status_label(code: str) -> str:
    """The Indonesian label of a duty status code."""
    return STATUS_LABELS.get(code, code.capitalize())


def _file_name(path: str | None) -> str | None:
    """A file's own name: the workbook names the file, never the server's folders."""
    return Path(path).name if path else None


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
    within, done = overall_compliance(results)
    return [
        KeyFigure("Giliran piket", len(facts.duties), "int"),
        KeyFigure("Poster terbit", sum(counts.get(s, 0) for s in POSTED), "int"),
        KeyFigure("Poster tepat waktu", counts.get("on_time", 0), "int"),
        KeyFigure("Poster terlambat", counts.get("late", 0), "int"),
        KeyFigure("Piket terlewat", counts.get("missed", 0), "int"),
        KeyFigure("Poster disetujui, menunggu tanggal unggah", counts.get("approved", 0), "int"),
        KeyFigure("Ketepatan waktu poster", share(counts.get("on_time", 0), due), "pct"),
        KeyFigure("Tukar jadwal", sum(d.swapped_from is not None for d in facts.duties), "int"),
        KeyFigure(
            "Bukti unggah tersedia", sum(_proof(d) is not None for d in facts.duties), "int"
        ),
        KeyFigure("Langkah petugas sesuai mutu baku waktu", share(within, done), "pct"),
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
            _file_name(d.proof_path),
            _file_name(d.poster_path),
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
            "Giliran dan pelaksanaan piket Pegasus",
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
                Column("Berkas tangkapan layar", in_docx=False),
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
        *[Paragraph(line, "bullet") for line in swap_lines(duties)],
    ]


def _gallery_blocks(duties: Sequence[DutyFact]) -> list[Block]:
    posters = [
        Image(d.poster_path, f"Minggu {d.week} · {d.person}", width_cm=3.6)
        for d in duties
        if d.poster_path and d.status in POSTED
    ]
    shots = [
        Image(d.proof_path, f"Minggu {d.week} · {d.person}", 3.6) for d in duties if d.proof_path
    ]
    links = [d for d in duties if d.proof_url]
    blocks: list[Block] = [
        Paragraph(f"Pada periode ini terbit {len(posters)} poster."),
        *(
            [
                Paragraph(
                    f"Sebanyak {waiting} poster telah disetujui dan menunggu tanggal unggahnya."
                )
            ]
            if (waiting := sum(d.status == "approved" for d in duties))
            else []
        ),
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


def swap_lines(duties: Sequence[DutyFact]) -> list[str]:
    """One line per approved swap."""
    return [
        f"Minggu {d.week}: {d.person} menggantikan {d.swapped_from} (tukar jadwal disetujui PJ)."
        for d in duties
        if d.swapped_from
    ]


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
    posted = sum(counts.get(s, 0) for s in POSTED)
    narrative = [
        f"Pada {facts.period.label} terdapat {len(duties)} giliran piket Pegasus. Sebanyak "
        f"{posted} poster terbit: {counts.get('on_time', 0)} tepat waktu dan "
        f"{counts.get('late', 0)} terlambat; {counts.get('missed', 0)} giliran terlewat.",
    ]
    if due:
        narrative.append(
            f"Ketepatan waktu poster mencapai {fmt.ratio(counts.get('on_time', 0), due)} "
            "giliran yang telah jatuh tempo."
        )
    if counts.get("approved", 0):
        narrative.append(
            f"Sebanyak {counts['approved']} poster telah disetujui dan akan diunggah pada tanggal piketnya."
        )
    issues = pegasus_kendala(duties, facts.failed_deliveries)
    conclusions = [
        f"Pegasus menerbitkan {posted} poster motivasi pada {facts.period.label}.",
        f"Tercatat {len(issues)} kendala yang perlu ditindaklanjuti."
        if issues
        else "Tidak tercatat kendala pada periode ini.",
    ]
    recommendations = [
        "PJ Pegasus mengingatkan petugas yang belum mengirim kutipan sebelum H-3.",
        "Humas mengirimkan bukti unggah untuk setiap poster yang terbit.",
    ]
    return program_report(
        title=title,
        subtitle=SUBTITLE,
        period=facts.period,
        program=Program.PEGASUS,
        steps=facts.steps,
        calendar=calendar,
        figures=figures,
        summary=(),
        sections=[
            section("Giliran dan pelaksanaan piket", _duty_blocks(duties, facts)),
            section("Poster dan bukti unggah", _gallery_blocks(duties)),
        ],
        issues=issues,
        generated_on=generated_on,
        no_issues="Semua poster yang jatuh tempo terbit tepat waktu dengan bukti unggah.",
        sop=SOP,
        purpose=PURPOSE,
        narrative=narrative,
        conclusions=conclusions,
        recommendations=recommendations,
        definitions=PEGASUS_TERMS,
    )
