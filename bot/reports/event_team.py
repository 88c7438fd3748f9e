"""Laporan Implementasi Event Team Triwulan (SOP-321 step 8)."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from bot.calendar import WorkCalendar, to_wib
from bot.reports import fmt
from bot.reports.common import (
    LOW_RATING,
    cadence,
    empty_report,
    mean,
    overall_compliance,
    program_report,
    section,
    share,
)
from bot.reports.compliance import compliance
from bot.reports.facts import EventFact, EventTeamFacts, Program
from bot.reports.model import (
    Block,
    Cell,
    Chart,
    Column,
    KeyFigure,
    Paragraph,
    Report,
    Subheading,
    Table,
)

TITLE = "Laporan Implementasi Event Team"  # + "Triwulan" or "Semesteran"
SUBTITLE = "Dukungan Event Team untuk kegiatan internal (SOP-321/17000/2025)"
STATUS_LABELS = {
    "requested": "Menunggu penugasan",
    "assigned": "Petugas ditetapkan",
    "held": "Terlaksana, evaluasi belum lengkap",
    "closed": "Selesai dan dievaluasi",
    "done": "Selesai",
    "evaluated": "Selesai",
    "cancelled": "Dibatalkan",
    "expired": "Lewat tanpa penugasan",
    "rejected": "Ditolak",
}
DONE = frozenset({"held", "closed", "done", "evaluated"})
NOT_SERVED = frozenset({"cancelled", "expired", "rejected"})
LEAD_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("Kurang dari 3 hari kerja", -math.inf, 3),
    ("3 hari kerja", 3, 4),
    ("4–5 hari kerja", 4, 6),
    ("6–10 hari kerja", 6, 11),
    ("Lebih dari 10 hari kerja", 11, math.inf),
)


def status_label(code: str) -> str:
    """The Indonesian label of an event status code."""
    return STATUS_LABELS.get(code, code.replace("_", " ").capitalize())


def event_score(event: EventFact) -> float | None:
    """The SM's overall score of one event: their own overall rating, else the criteria's mean."""
    if event.sm_overall is not None:
        return float(event.sm_overall)
    return mean(event.sm_ratings.values())


def _ordered(keys: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def event_team_figures(facts: EventTeamFacts, calendar: WorkCalendar) -> list[KeyFigure]:
    """The headline numbers of a period (also the rows of the half-year comparison)."""
    events = facts.events
    scores = [s for e in events if (s := event_score(e)) is not None]
    member_scores = [r.score for e in events for r in e.member_ratings]
    members = {a.member for e in events for a in e.assignments}
    leads = [e.lead_working_days for e in events]
    results = compliance(facts.steps, calendar, program=Program.EVENT_TEAM, period=facts.period)
    within, done = overall_compliance(results)
    return [
        KeyFigure("Permintaan dukungan Event Team", len(events), "int"),
        KeyFigure("Kegiatan terlaksana", sum(e.status in DONE for e in events), "int"),
        KeyFigure(
            "Permintaan terlambat (kurang dari 3 hari kerja)", sum(e.late for e in events), "int"
        ),
        KeyFigure(
            "Median lead time (hari kerja)", statistics.median(leads) if leads else None, "dec1"
        ),
        KeyFigure("Kegiatan yang dinilai SM", len(scores), "int"),
        KeyFigure("Rata-rata nilai keseluruhan dari SM (skala 1–5)", mean(scores), "dec2"),
        KeyFigure("Anggota yang bertugas", len(members), "int"),
        KeyFigure("Penugasan peran", sum(len(e.assignments) for e in events), "int"),
        KeyFigure("Rata-rata nilai anggota dari Ketua (skala 1–5)", mean(member_scores), "dec2"),
        KeyFigure("Langkah SOP sesuai standar waktu", share(within, done), "pct"),
    ]


def _events_table(events: Sequence[EventFact]) -> Table:
    columns = (
        Column("No", "int"),
        Column("Kegiatan"),
        Column("Unit pengusul"),
        Column("Tanggal kegiatan", "date"),
        Column("Lead time (hari kerja)", "dec1"),
        Column("Terlambat"),
        Column("Status"),
        Column("Petugas", "int"),
        Column("Nilai SM", "dec2"),
        Column("ID permintaan", "int", in_docx=False),
        Column("Kantor", in_docx=False),
        Column("SM", in_docx=False),
        Column("Diajukan pada", "datetime", in_docx=False),
    )
    rows: list[list[Cell]] = [
        [
            i,
            e.title,
            e.requesting_unit,
            to_wib(e.starts_at).date(),
            e.lead_working_days,
            "Ya" if e.late else "Tidak",
            status_label(e.status),
            len(e.assignments),
            event_score(e),
            e.id,
            e.office,
            e.requester or None,
            e.requested_at,
        ]
        for i, e in enumerate(events, start=1)
    ]
    return Table("Daftar kegiatan yang didukung Event Team", columns, rows, sheet_name="Kegiatan")


def _volume_blocks(facts: EventTeamFacts) -> list[Block]:
    events = facts.events
    months = facts.period.months()
    per_month = Counter((d.year, d.month) for d in (to_wib(e.starts_at).date() for e in events))
    month_labels = [fmt.month_label(y, m) for y, m in months]
    month_rows: list[list[Cell]] = [
        [label, per_month.get(ym, 0)] for label, ym in zip(month_labels, months, strict=True)
    ]
    units = Counter(e.requesting_unit for e in events)
    late_units = Counter(e.requesting_unit for e in events if e.late)
    offices = {e.requesting_unit: e.office for e in events}
    unit_rows: list[list[Cell]] = [
        [unit, offices[unit], n, late_units.get(unit, 0)] for unit, n in units.most_common()
    ]
    statuses = Counter(status_label(e.status) for e in events)
    return [
        Paragraph(
            f"Pada {facts.period.label} Event Team menerima {len(events)} permintaan dukungan "
            f"dari {len(units)} unit pengusul."
        ),
        Table("Kegiatan per bulan", ("Bulan", "Jumlah kegiatan"), month_rows, "Per bulan"),
        Chart(
            "Jumlah kegiatan per bulan",
            "bar",
            month_labels,
            {"Kegiatan": [float(per_month.get(ym, 0)) for ym in months]},
            y_label="Kegiatan",
        ),
        Table(
            "Kegiatan per unit pengusul",
            ("Unit pengusul", "Kantor", "Jumlah kegiatan", "Permintaan terlambat"),
            unit_rows,
            "Per unit pengusul",
        ),
        Chart(
            "Jumlah kegiatan per unit pengusul",
            "bar",
            [str(r[0]) for r in unit_rows],
            {"Kegiatan": [float(n) for _, n in units.most_common()]},
            y_label="Kegiatan",
        ),
        Table(
            "Status permintaan",
            ("Status", "Jumlah"),
            [[s, n] for s, n in statuses.most_common()],
            "Status",
        ),
    ]


def _lead_blocks(events: Sequence[EventFact]) -> list[Block]:
    leads = [e.lead_working_days for e in events]
    counts = [sum(low <= v < high for v in leads) for _, low, high in LEAD_BUCKETS]
    total = len(leads)
    late = [e for e in events if e.late]
    rows: list[list[Cell]] = [
        [label, n, share(n, total)] for (label, _, _), n in zip(LEAD_BUCKETS, counts, strict=True)
    ]
    blocks: list[Block] = [
        Paragraph(
            "Lead time adalah jumlah hari kerja antara pengajuan permintaan dan hari kegiatan. "
            "SOP-321 menganjurkan koordinasi paling lambat 4 hari kerja dan input permintaan "
            "paling lambat 3 hari kerja sebelum kegiatan."
        ),
        Paragraph(
            f"{fmt.ratio(len(late), total)} permintaan diajukan terlambat (kurang dari 3 hari "
            f"kerja sebelum kegiatan); median lead time "
            f"{fmt.number(statistics.median(leads), 1)} hari kerja."
        ),
        Table(
            "Sebaran lead time permintaan",
            (Column("Lead time"), Column("Jumlah", "int"), Column("Persentase", "pct")),
            rows,
            "Lead time",
        ),
        Chart(
            "Sebaran lead time permintaan",
            "bar",
            [label for label, _, _ in LEAD_BUCKETS],
            {"Permintaan": [float(n) for n in counts]},
            y_label="Permintaan",
        ),
    ]
    if late:
        blocks.append(
            Table(
                "Permintaan yang diajukan terlambat",
                (
                    Column("Kegiatan"),
                    Column("Unit pengusul"),
                    Column("Diajukan", "datetime"),
                    Column("Tanggal kegiatan", "date"),
                    Column("Lead time (hari kerja)", "dec1"),
                ),
                [
                    [
                        e.title,
                        e.requesting_unit,
                        e.requested_at,
                        to_wib(e.starts_at).date(),
                        e.lead_working_days,
                    ]
                    for e in late
                ],
                "Permintaan terlambat",
            )
        )
    return blocks


def _rating_blocks(events: Sequence[EventFact]) -> list[Block]:
    rated = [e for e in events if e.sm_ratings]
    if not rated:
        return [Paragraph("Belum ada penilaian dari SM pada periode ini.")]
    scores = [s for e in rated if (s := event_score(e)) is not None]
    criteria = _ordered([c for e in rated for c in e.sm_ratings])
    by_criterion: dict[str, list[int]] = defaultdict(list)
    by_role: dict[str, list[int]] = defaultdict(list)
    for e in rated:
        for criterion, score in e.sm_ratings.items():
            by_criterion[criterion].append(score)
        for role, score in e.sm_role_ratings.items():
            by_role[role].append(score)
    crit_rows: list[list[Cell]] = [
        [c, mean(by_criterion[c]), len(by_criterion[c]), min(by_criterion[c])] for c in criteria
    ]
    roles = _ordered([r for e in rated for r in e.sm_role_ratings])
    role_rows: list[list[Cell]] = [
        [r, mean(by_role[r]), len(by_role[r]), min(by_role[r])] for r in roles
    ]
    rating_cols = (
        Column("Kriteria"),
        Column("Rata-rata", "dec2"),
        Column("Jumlah penilaian", "int"),
        Column("Nilai terendah", "int"),
    )
    overall = mean(scores)
    blocks: list[Block] = [
        Paragraph(
            f"{len(rated)} dari {len(events)} kegiatan telah dinilai oleh SM. Rata-rata nilai "
            f"keseluruhan {fmt.number(overall or 0, 2)} dari skala 5 (nilai keseluruhan SM per "
            "kegiatan, atau rata-rata kriterianya bila tidak diisi)."
        ),
        Table("Rata-rata penilaian SM per kriteria", rating_cols, crit_rows, "Nilai per kriteria"),
        Chart(
            "Rata-rata penilaian SM per kriteria",
            "bar",
            criteria,
            {"Rata-rata": [float(mean(by_criterion[c]) or 0) for c in criteria]},
            y_label="Nilai (1–5)",
            y_max=5.4,
        ),
    ]
    if role_rows:
        blocks.append(
            Table(
                "Rata-rata penilaian SM per peran",
                (Column("Peran"), *rating_cols[1:]),
                role_rows,
                "Nilai per peran",
            )
        )
    suggestions = [e for e in rated if e.sm_suggestion.strip()]
    blocks.append(Subheading("Saran dan masukan SM"))
    if not suggestions:
        blocks.append(Paragraph("Tidak ada saran tertulis dari SM.", "note"))
    for e in suggestions:
        blocks.append(Paragraph(e.sm_suggestion.strip(), "quote"))
        blocks.append(Paragraph(f"— {e.requesting_unit}, “{e.title}”", "note"))
    return blocks


def _member_blocks(events: Sequence[EventFact]) -> list[Block]:
    assignments = [a for e in events for a in e.assignments]
    if not assignments:
        return [Paragraph("Belum ada penugasan anggota pada periode ini.")]
    roles = _ordered([r for e in events for r in e.roles_needed] + [a.role for a in assignments])
    load: dict[str, Counter[str]] = defaultdict(Counter)
    for a in assignments:
        load[a.member][a.role] += 1
    members = sorted(load, key=lambda m: (-sum(load[m].values()), m))
    rotation_rows: list[list[Cell]] = [
        [m, *[load[m].get(r, 0) for r in roles], sum(load[m].values()), len(load[m])]
        for m in members
    ]
    needed: Counter[str] = Counter()
    assigned: Counter[str] = Counter()
    for e in events:
        if e.status in NOT_SERVED:
            continue
        needed.update(e.roles_needed)
        assigned.update(a.role for a in e.assignments)
    role_rows: list[list[Cell]] = [[r, needed.get(r, 0), assigned.get(r, 0)] for r in roles]
    totals = [sum(load[m].values()) for m in members]
    return [
        Paragraph(
            f"{len(members)} anggota bertugas dalam {len(assignments)} penugasan; beban "
            f"terbanyak {max(totals)} dan tersedikit {min(totals)} penugasan per anggota. "
            "Kolom 'Peran berbeda' menunjukkan seberapa jauh rotasi peran berjalan."
        ),
        Table(
            "Rotasi peran: jumlah penugasan anggota per peran",
            (
                Column("Anggota"),
                *[Column(r, "int") for r in roles],
                Column("Total", "int"),
                Column("Peran berbeda", "int"),
            ),
            rotation_rows,
            "Rotasi peran",
        ),
        Chart(
            "Beban tugas per anggota",
            "bar",
            members,
            {"Penugasan": [float(t) for t in totals]},
            y_label="Penugasan",
        ),
        Table(
            "Kebutuhan dan pemenuhan peran",
            (Column("Peran"), Column("Dibutuhkan", "int"), Column("Ditugaskan", "int")),
            role_rows,
            "Kebutuhan peran",
        ),
    ]


def _lead_rating_blocks(events: Sequence[EventFact]) -> list[Block]:
    per_member: dict[str, list[int]] = defaultdict(list)
    notes: dict[str, list[str]] = defaultdict(list)
    for e in events:
        for r in e.member_ratings:
            per_member[r.member].append(r.score)
            if r.note.strip():
                notes[r.member].append(r.note.strip())
    if not per_member:
        return [Paragraph("Belum ada penilaian Ketua terhadap anggota pada periode ini.")]
    members = sorted(per_member, key=lambda m: (-(mean(per_member[m]) or 0), m))
    rows: list[list[Cell]] = [
        [m, mean(per_member[m]), len(per_member[m]), min(per_member[m]), "; ".join(notes[m])]
        for m in members
    ]
    return [
        Table(
            "Penilaian Ketua terhadap kinerja anggota",
            (
                Column("Anggota"),
                Column("Rata-rata", "dec2"),
                Column("Jumlah penilaian", "int"),
                Column("Nilai terendah", "int"),
                Column("Catatan Ketua"),
            ),
            rows,
            "Nilai anggota",
        )
    ]


def event_team_issues(events: Sequence[EventFact]) -> list[str]:
    """Low ratings, late requests, unfilled roles and unevaluated events, one line each."""
    out: list[str] = []
    late = [e for e in events if e.late]
    if late:
        names = ", ".join(f"“{e.title}”" for e in late[:10])
        more = f" dan {len(late) - 10} lainnya" if len(late) > 10 else ""
        out.append(
            f"{len(late)} permintaan diajukan kurang dari 3 hari kerja sebelum kegiatan: "
            f"{names}{more}."
        )
    for e in events:
        low = [
            f"{k} ({v})"
            for k, v in (*e.sm_ratings.items(), *e.sm_role_ratings.items())
            if v <= LOW_RATING
        ]
        if low:
            line = (
                f"“{e.title}” ({e.requesting_unit}, {fmt.day(to_wib(e.starts_at).date())}): "
                f"nilai rendah dari SM untuk {', '.join(low)}."
            )
            if e.sm_suggestion.strip():
                line += f" Saran SM: “{e.sm_suggestion.strip()}”"
            out.append(line)
        for r in e.member_ratings:
            if r.score <= LOW_RATING:
                note = f": {r.note.strip()}" if r.note.strip() else "."
                out.append(
                    f"Ketua memberi nilai {r.score} kepada {r.member} pada “{e.title}”{note}"
                )
        if e.status not in NOT_SERVED:
            got = Counter(a.role for a in e.assignments)
            short = [
                f"{role} {got.get(role, 0)} dari {n}"
                for role, n in e.roles_needed.items()
                if got.get(role, 0) < n
            ]
            if short and e.status in DONE:
                out.append(f"“{e.title}”: peran belum terpenuhi ({', '.join(short)}).")
    unrated = [e for e in events if e.status in DONE and not e.sm_ratings]
    if unrated:
        out.append(f"{len(unrated)} kegiatan selesai belum dinilai oleh SM.")
    return out


def event_team_report(
    facts: EventTeamFacts, calendar: WorkCalendar, *, generated_on: date | None = None
) -> Report:
    """The Event Team report for the facts' period (a quarter, or a half-year for SOP step 9)."""
    title = f"{TITLE} {cadence(facts.period)}"
    figures = event_team_figures(facts, calendar)
    events = sorted(facts.events, key=lambda e: (e.starts_at, e.id))
    if not events:
        return empty_report(title, SUBTITLE, facts.period, figures, generated_on)
    scores = [s for e in events if (s := event_score(e)) is not None]
    summary = [
        f"{len(events)} kegiatan didukung Event Team; "
        f"{sum(e.late for e in events)} permintaan terlambat.",
    ]
    if scores:
        summary.append(
            f"Rata-rata nilai keseluruhan dari SM {fmt.number(mean(scores) or 0, 2)} "
            f"({len(scores)} kegiatan dinilai)."
        )
    return program_report(
        title=title,
        subtitle=SUBTITLE,
        period=facts.period,
        program=Program.EVENT_TEAM,
        steps=facts.steps,
        calendar=calendar,
        figures=figures,
        summary=summary,
        sections=[
            section(
                "Kegiatan yang didukung",
                _volume_blocks(EventTeamFacts(facts.period, events, facts.steps)),
            ),
            section("Waktu pengajuan permintaan (lead time)", _lead_blocks(events)),
            section("Penilaian SM terhadap dukungan Event Team", _rating_blocks(events)),
            section("Beban kerja dan rotasi peran anggota", _member_blocks(events)),
            section("Evaluasi internal Ketua terhadap anggota", _lead_rating_blocks(events)),
        ],
        issues=event_team_issues(events),
        generated_on=generated_on,
        appendix=[section("Lampiran: daftar kegiatan", [_events_table(events)])],
    )
