"""Laporan Implementasi Event Team Triwulan (SOP-321 step 8)."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from bot.calendar import WorkCalendar, to_wib
from bot.reports import fmt
from bot.reports.common import (
    cadence,
    empty_report,
    mean,
    overall_compliance,
    program_report,
    section,
    share,
)
from bot.reports.compliance import compliance
from bot.reports.definitions import (
    EVENT_TEAM_TERMS,
    KIND_LABELS,
    EventKind,
    evaluated,
    event_kind,
    held,
    lead_rated,
    of_kind,
)
from bot.reports.facts import EventFact, EventTeamFacts, Program
from bot.reports.kendala import event_team_kendala
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
    Subheading,
    Table,
)

TITLE = "Laporan Implementasi Event Team"  # + "Triwulan" or "Semesteran"
SUBTITLE = "Dukungan Event Team untuk kegiatan internal (SOP-321/17000/2025)"
SOP = "SOP-321/17000/2025"
PURPOSE = (
    "Event Team mendukung penyelenggaraan kegiatan internal BPS Provinsi Bengkulu sesuai "
    "peran yang dibutuhkan (pembawa acara, notulis, dokumentasi, dan peran lain), dari "
    "koordinasi awal sampai evaluasi kegiatan."
)
PHOTOS_PER_EVENT = 3
LEAD_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("Kurang dari 3 hari kerja", -math.inf, 3),
    ("3 hari kerja", 3, 4),
    ("4–5 hari kerja", 4, 6),
    ("6–10 hari kerja", 6, 11),
    ("Lebih dari 10 hari kerja", 11, math.inf),
)


def status_label(event: EventFact, as_of: datetime | None) -> str:
    """How a request stands, in words: held (and how far its evaluations got), cancelled ..."""
    kind = event_kind(event, as_of)
    if kind is not EventKind.HELD:
        return KIND_LABELS[kind]
    if evaluated(event) and lead_rated(event):
        return "Terlaksana, dievaluasi"
    return "Terlaksana, evaluasi belum lengkap"


def event_score(event: EventFact) -> float | None:
    """The SM's overall score of one event: their own overall rating, else the criteria's mean."""
    if event.sm_overall is not None:
        return float(event.sm_overall)
    return mean(event.sm_ratings.values())


def _ordered(keys: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def event_team_figures(facts: EventTeamFacts, calendar: WorkCalendar) -> list[KeyFigure]:
    """The headline numbers of a period (also the rows of the half-year comparison)."""
    events, as_of = facts.events, facts.as_of
    done = held(events, as_of)
    scores = [s for e in done if (s := event_score(e)) is not None]
    member_scores = [r.score for e in done for r in e.member_ratings]
    members = {a.member for e in done for a in e.assignments}
    leads = [e.lead_working_days for e in events]
    results = compliance(facts.steps, calendar, program=Program.EVENT_TEAM, period=facts.period)
    within, finished = overall_compliance(results)
    return [
        KeyFigure("Permintaan dukungan yang diterima", len(events), "int"),
        KeyFigure("Kegiatan terlaksana", len(done), "int"),
        KeyFigure(
            "Permintaan dibatalkan", len(of_kind(events, EventKind.CANCELLED, as_of)), "int"
        ),
        KeyFigure(
            "Permintaan lewat tanpa penugasan",
            len(of_kind(events, EventKind.EXPIRED, as_of)),
            "int",
        ),
        KeyFigure(
            "Kegiatan belum dilaksanakan", len(of_kind(events, EventKind.UPCOMING, as_of)), "int"
        ),
        KeyFigure(
            "Permintaan terlambat (kurang dari 3 hari kerja)", sum(e.late for e in events), "int"
        ),
        KeyFigure(
            "Median lead time permintaan (hari kerja)",
            statistics.median(leads) if leads else None,
            "num1",
        ),
        KeyFigure("Kegiatan terlaksana yang dinilai SM", len(scores), "int"),
        KeyFigure("Rata-rata nilai keseluruhan dari SM (skala 1–5)", mean(scores), "dec2"),
        KeyFigure(
            "Kegiatan terlaksana dengan foto dokumentasi", sum(bool(e.photos) for e in done), "int"
        ),
        KeyFigure("Anggota yang bertugas pada kegiatan terlaksana", len(members), "int"),
        KeyFigure(
            "Penugasan peran pada kegiatan terlaksana",
            sum(len(e.assignments) for e in done),
            "int",
        ),
        KeyFigure("Rata-rata nilai anggota dari Ketua (skala 1–5)", mean(member_scores), "dec2"),
        KeyFigure("Langkah petugas sesuai mutu baku waktu", share(within, finished), "pct"),
    ]


def _events_table(events: Sequence[EventFact], as_of: datetime | None) -> Table:
    columns = (
        Column("No", "int"),
        Column("Kegiatan"),
        Column("Pengusul (SM)"),
        Column("Satuan kerja"),
        Column("Tanggal kegiatan", "date"),
        Column("Lead time (hari kerja)", "int"),
        Column("Terlambat"),
        Column("Status"),
        Column("Nilai SM", "dec2"),
        Column("Petugas", "int", in_docx=False),
        Column("Foto", "int", in_docx=False),
        Column("ID permintaan", "int", in_docx=False),
        Column("Jabatan SM", in_docx=False),
        Column("Diajukan pada", "datetime", in_docx=False),
        Column("Alasan pembatalan", in_docx=False),
    )
    rows: list[list[Cell]] = [
        [
            i,
            e.title,
            e.requester or None,
            e.office,
            to_wib(e.starts_at).date(),
            e.lead_working_days,
            "Ya" if e.late else "Tidak",
            status_label(e, as_of),
            event_score(e),
            len(e.assignments),
            len(e.photos),
            e.id,
            e.position or None,
            e.requested_at,
            e.cancel_reason or None,
        ]
        for i, e in enumerate(events, start=1)
    ]
    return Table("Daftar permintaan dukungan Event Team", columns, rows, sheet_name="Kegiatan")


def _volume_blocks(facts: EventTeamFacts) -> list[Block]:
    events, as_of = facts.events, facts.as_of
    done = held(events, as_of)
    months = facts.period.months()

    def by_month(items: Sequence[EventFact]) -> Counter[tuple[int, int]]:
        return Counter((d.year, d.month) for d in (to_wib(e.starts_at).date() for e in items))

    asked, ran = by_month(events), by_month(done)
    month_labels = [fmt.month_label(y, m) for y, m in months]
    month_rows: list[list[Cell]] = [
        [label, asked.get(ym, 0), ran.get(ym, 0)]
        for label, ym in zip(month_labels, months, strict=True)
    ]
    offices = Counter(e.office for e in events)
    office_held = Counter(e.office for e in done)
    office_late = Counter(e.office for e in events if e.late)
    office_rows: list[list[Cell]] = [
        [office, n, office_held.get(office, 0), office_late.get(office, 0)]
        for office, n in sorted(offices.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    kinds = Counter(event_kind(e, as_of) for e in events)
    kind_rows: list[list[Cell]] = [
        [KIND_LABELS[k], kinds.get(k, 0)] for k in EventKind if kinds.get(k, 0)
    ]
    return [
        Paragraph(
            f"Pada {facts.period.label} Event Team menerima {len(events)} permintaan dukungan "
            f"dari {len(offices)} satuan kerja; {len(done)} kegiatan terlaksana. Sebuah "
            "kegiatan dihitung terlaksana bila waktunya telah lewat dan permintaannya tidak "
            "dibatalkan serta telah mendapat penugasan petugas."
        ),
        Table(
            "Permintaan dan kegiatan terlaksana per bulan",
            (Column("Bulan"), Column("Permintaan", "int"), Column("Kegiatan terlaksana", "int")),
            month_rows,
            "Per bulan",
        ),
        Chart(
            "Permintaan dan kegiatan terlaksana per bulan",
            "bar",
            month_labels,
            {
                "Permintaan": [float(asked.get(ym, 0)) for ym in months],
                "Kegiatan terlaksana": [float(ran.get(ym, 0)) for ym in months],
            },
            y_label="Jumlah",
        ),
        Table(
            "Permintaan per satuan kerja pengusul",
            (
                Column("Satuan kerja"),
                Column("Permintaan", "int"),
                Column("Kegiatan terlaksana", "int"),
                Column("Permintaan terlambat", "int"),
            ),
            office_rows,
            "Per satuan kerja",
        ),
        Table(
            "Status permintaan",
            (Column("Status"), Column("Jumlah", "int")),
            kind_rows,
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
            "SOP-321 menganjurkan koordinasi awal paling lambat 4 hari kerja dan input "
            "permintaan paling lambat 3 hari kerja sebelum kegiatan."
        ),
        Paragraph(
            f"Sebanyak {fmt.ratio(len(late), total)} permintaan diajukan terlambat (kurang "
            f"dari 3 hari kerja sebelum kegiatan); median lead time "
            f"{fmt.trimmed(statistics.median(leads), 1)} hari kerja."
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
                    Column("Pengusul (SM)"),
                    Column("Diajukan", "datetime"),
                    Column("Tanggal kegiatan", "date"),
                    Column("Lead time (hari kerja)", "int"),
                ),
                [
                    [
                        e.title,
                        e.requester or None,
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
    """The SM's ratings; `events` are the events held."""
    rated = [e for e in events if e.sm_ratings]
    if not rated:
        return [
            Paragraph(
                "Belum ada penilaian dari SM atas kegiatan yang terlaksana pada periode ini."
            )
        ]
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
            f"Sebanyak {len(rated)} dari {len(events)} kegiatan terlaksana telah dinilai oleh "
            f"SM, dengan rata-rata nilai keseluruhan {fmt.number(overall or 0, 2)} pada skala "
            "1–5."
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
        blocks += [
            Table(
                "Rata-rata penilaian SM per peran",
                (Column("Peran"), *rating_cols[1:]),
                role_rows,
                "Nilai per peran",
            ),
            Chart(
                "Rata-rata penilaian SM per peran",
                "bar",
                roles,
                {"Rata-rata": [float(mean(by_role[r]) or 0) for r in roles]},
                y_label="Nilai (1–5)",
                y_max=5.4,
            ),
        ]
    suggestions = [e for e in rated if e.sm_suggestion.strip()]
    blocks.append(Subheading("Saran dan masukan SM"))
    if not suggestions:
        blocks.append(Paragraph("Tidak ada saran tertulis dari SM.", "note"))
    for e in suggestions:
        blocks.append(Paragraph(e.sm_suggestion.strip(), "quote"))
        blocks.append(Paragraph(f"— {e.requester or e.office}, “{e.title}”", "note"))
    return blocks


def _member_blocks(events: Sequence[EventFact]) -> list[Block]:
    assignments = [a for e in events for a in e.assignments]
    if not assignments:
        return [Paragraph("Belum ada penugasan anggota pada kegiatan yang terlaksana.")]
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
        needed.update(e.roles_needed)
        assigned.update(a.role for a in e.assignments)
    role_rows: list[list[Cell]] = [[r, needed.get(r, 0), assigned.get(r, 0)] for r in roles]
    totals = [sum(load[m].values()) for m in members]
    return [
        Paragraph(
            f"Pada kegiatan yang terlaksana, {len(members)} anggota bertugas dalam "
            f"{len(assignments)} penugasan; beban terbanyak {max(totals)} dan tersedikit "
            f"{min(totals)} penugasan per anggota. Kolom “Peran berbeda” menunjukkan "
            "seberapa jauh rotasi peran berjalan."
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
        [m, mean(per_member[m]), len(per_member[m]), min(per_member[m]), fmt.join_notes(notes[m])]
        for m in members
    ]
    return [
        Chart(
            "Rata-rata nilai anggota dari Ketua",
            "bar",
            members,
            {"Rata-rata": [float(mean(per_member[m]) or 0) for m in members]},
            y_label="Nilai (1–5)",
            y_max=5.4,
        ),
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
        ),
    ]


def _photo_blocks(events: Sequence[EventFact]) -> list[Block]:
    """A few photos of each event held, from those the members sent in chat."""
    blocks: list[Block] = [
        Paragraph(
            "Foto berikut dipilih dari dokumentasi yang dikirim anggota Event Team melalui "
            f"CAN Bot, paling banyak {PHOTOS_PER_EVENT} foto untuk setiap kegiatan."
        )
    ]
    without = []
    for e in events:
        if not e.photos:
            without.append(e)
            continue
        when = fmt.day(to_wib(e.starts_at).date())
        blocks.append(
            Gallery(
                [
                    Image(path, f"Foto {i}", width_cm=5.0)
                    for i, path in enumerate(e.photos[:PHOTOS_PER_EVENT], start=1)
                ],
                columns=PHOTOS_PER_EVENT,
                title=f"Dokumentasi “{e.title}”, {when}",
            )
        )
    if without:
        names = fmt.listing([f"“{e.title}”" for e in without])
        blocks.append(Paragraph(f"Tidak ada foto dokumentasi untuk {names}.", "note"))
    return blocks


def _narrative(facts: EventTeamFacts, calendar: WorkCalendar) -> list[str]:
    """The headline figures told in sentences."""
    events, as_of, label = facts.events, facts.as_of, facts.period.label
    done = held(events, as_of)
    cancelled = of_kind(events, EventKind.CANCELLED, as_of)
    expired = of_kind(events, EventKind.EXPIRED, as_of)
    upcoming = of_kind(events, EventKind.UPCOMING, as_of)
    late = [e for e in events if e.late]
    first = (
        f"Pada {label} Event Team mendukung {len(done)} kegiatan yang terlaksana dari "
        f"{len(events)} permintaan dukungan yang diterima."
    )
    others = []
    if cancelled:
        others.append(f"{len(cancelled)} permintaan dibatalkan oleh pengusul")
    if expired:
        others.append(f"{len(expired)} permintaan lewat tanpa penugasan petugas")
    if upcoming:
        others.append(f"{len(upcoming)} kegiatan belum dilaksanakan saat laporan disusun")
    lines = [first + (f" Selain itu, {fmt.listing(others)}." if others else "")]
    if late:
        lines.append(
            f"Sebanyak {len(late)} permintaan diajukan kurang dari 3 hari kerja sebelum "
            "kegiatan, sehingga tidak memenuhi batas waktu input permintaan dalam SOP-321."
        )
    scores = [s for e in done if (s := event_score(e)) is not None]
    if done:
        rated = (
            f"Sebanyak {len(scores)} dari {len(done)} kegiatan terlaksana telah dinilai oleh SM"
        )
        if scores:
            rated += (
                f" dengan rata-rata nilai keseluruhan {fmt.number(mean(scores) or 0, 2)} "
                "pada skala 1–5"
            )
        with_photos = sum(bool(e.photos) for e in done)
        lines.append(
            f"{rated}; {with_photos} dari {len(done)} kegiatan terlaksana dilengkapi foto "
            "dokumentasi."
        )
    results = compliance(facts.steps, calendar, program=Program.EVENT_TEAM, period=facts.period)
    within, finished = overall_compliance(results)
    if finished:
        lines.append(
            f"Dari langkah SOP yang dilaksanakan petugas, {fmt.ratio(within, finished)} "
            "selesai dalam mutu baku waktu."
        )
    return lines


def _conclusions(facts: EventTeamFacts, issues: Sequence[str]) -> tuple[list[str], list[str]]:
    """Draft conclusions and recommendations, for the CC to edit."""
    done = held(facts.events, facts.as_of)
    conclusions = [
        f"Event Team telah mendukung {len(done)} kegiatan internal pada {facts.period.label}."
    ]
    conclusions.append(
        f"Tercatat {len(issues)} kendala yang perlu ditindaklanjuti."
        if issues
        else "Tidak tercatat kendala pada periode ini."
    )
    recommendations = []
    if any(e.late for e in facts.events):
        recommendations.append(
            "Mengingatkan SM untuk mengajukan permintaan dukungan paling lambat 3 hari kerja "
            "sebelum kegiatan."
        )
    if of_kind(facts.events, EventKind.EXPIRED, facts.as_of):
        recommendations.append(
            "Ketua Event Team menetapkan petugas paling lambat 1 hari kerja setelah "
            "permintaan diterima."
        )
    if any(not e.photos for e in done):
        recommendations.append(
            "Anggota Event Team mengirimkan foto dokumentasi segera setelah kegiatan."
        )
    if any(not evaluated(e) or not lead_rated(e) for e in done):
        recommendations.append(
            "SM dan Ketua Event Team melengkapi evaluasi setiap kegiatan yang terlaksana."
        )
    recommendations.append("Melanjutkan rotasi peran antaranggota Event Team.")
    return conclusions, recommendations


def event_team_report(
    facts: EventTeamFacts, calendar: WorkCalendar, *, generated_on: date | None = None
) -> Report:
    """The Event Team report for the facts' period (a quarter, or a half-year for SOP step 9)."""
    title = f"{TITLE} {cadence(facts.period)}"
    figures = event_team_figures(facts, calendar)
    events = sorted(facts.events, key=lambda e: (e.starts_at, e.id))
    if not events:
        return empty_report(title, SUBTITLE, facts.period, figures, generated_on)
    ordered = EventTeamFacts(
        facts.period, events, facts.steps, facts.as_of, facts.failed_deliveries
    )
    done = held(events, facts.as_of)
    issues = event_team_kendala(events, facts.as_of, facts.failed_deliveries)
    conclusions, recommendations = _conclusions(ordered, issues)
    return program_report(
        title=title,
        subtitle=SUBTITLE,
        period=facts.period,
        program=Program.EVENT_TEAM,
        steps=facts.steps,
        calendar=calendar,
        figures=figures,
        summary=(),
        sections=[
            section("Permintaan dan kegiatan yang didukung", _volume_blocks(ordered)),
            section("Waktu pengajuan permintaan (lead time)", _lead_blocks(events)),
            section("Penilaian SM terhadap dukungan Event Team", _rating_blocks(done)),
            section("Beban kerja dan rotasi peran anggota", _member_blocks(done)),
            section("Evaluasi internal Ketua terhadap anggota", _lead_rating_blocks(done)),
            section("Dokumentasi kegiatan", _photo_blocks(done)),
        ],
        issues=issues,
        generated_on=generated_on,
        appendix=[section("Lampiran: daftar permintaan", [_events_table(events, facts.as_of)])],
        sop=SOP,
        purpose=PURPOSE,
        narrative=_narrative(ordered, calendar),
        conclusions=conclusions,
        recommendations=recommendations,
        definitions=EVENT_TEAM_TERMS,
    )
