"""Laporan Kegiatan Serawai (SOP-098 steps 10 and 11)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.calendar import WorkCalendar
from bot.reports import fmt
from bot.reports.common import (
    empty_report,
    overall_compliance,
    program_report,
    section,
    share,
    weighted_mean,
)
from bot.reports.compliance import compliance
from bot.reports.facts import SERAWAI_CHECKLIST, Program, RoundFact, SerawaiFacts, SessionFact
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

TITLE = "Laporan Kegiatan Serawai"
SUBTITLE = "Berbagi pengetahuan antarpegawai (SOP-098/17000/2025)"
CC_LABELS = {
    "approved": "Disetujui",
    "pending": "Menunggu persetujuan",
    "rejected": "Perlu perbaikan",
    "draft": "Belum diajukan ke CC",
}
TIE_RULES = {
    "offices": "pemilihnya berasal dari lebih banyak kantor",
    "earlier": "diusulkan lebih awal",
    "can": "diputuskan oleh CAN",
}
"""Why a theme went through when the votes alone did not decide (SOP-098 step 4's chain)."""


def tie_note(title: str, decided_by: str, reason: str = "") -> str:
    """'“Literasi Data” terpilih karena diusulkan lebih awal.' (CAN's reason quoted)."""
    rule = TIE_RULES.get(decided_by, decided_by)
    why = f": “{reason.strip()}”" if decided_by == "can" and reason.strip() else ""
    return f"“{title}” terpilih karena {rule}{why}."


def cc_label(code: str) -> str:
    """The Indonesian label of a CC approval status."""
    return CC_LABELS.get(code, code.capitalize())


def checklist_items(session: SessionFact) -> list[str]:
    """The standard checklist items, then any extra item the host recorded."""
    extra = [k for k in session.checklist if k not in SERAWAI_CHECKLIST]
    return [*SERAWAI_CHECKLIST, *extra]


def missing_items(session: SessionFact) -> list[str]:
    """Checklist items not submitted for a session."""
    return [i for i in checklist_items(session) if not session.checklist.get(i, False)]


def serawai_figures(facts: SerawaiFacts, calendar: WorkCalendar) -> list[KeyFigure]:
    """The headline numbers of a period (also the rows of the half-year comparison)."""
    eligible = sum(t.eligible for r in facts.rounds for t in r.turnout)
    voted = sum(t.voted for r in facts.rounds for t in r.turnout)
    speaker = weighted_mean((s.overall, s.n) for s in facts.speaker_ratings)
    host = weighted_mean((h.score, h.n) for h in facts.host_ratings)
    results = compliance(facts.steps, calendar, program=Program.SERAWAI, period=facts.period)
    within, done = overall_compliance(results)
    return [
        KeyFigure("Putaran Serawai", len(facts.rounds), "int"),
        KeyFigure("Usulan tema", sum(len(r.proposals) for r in facts.rounds), "int"),
        KeyFigure("Pegawai yang memberikan suara", voted, "int"),
        KeyFigure("Partisipasi pemungutan suara", share(voted, eligible), "pct"),
        KeyFigure("Sesi terlaksana", len(facts.sessions), "int"),
        KeyFigure("Total kehadiran peserta", sum(s.attendance for s in facts.sessions), "int"),
        KeyFigure("Sertifikat diterbitkan", sum(s.certificates for s in facts.sessions), "int"),
        KeyFigure(
            "Laporan sesi disetujui CC",
            sum(s.cc_status == "approved" for s in facts.sessions),
            "int",
        ),
        KeyFigure("Rata-rata nilai penyaji (skala 1–5)", speaker, "dec2"),
        KeyFigure("Rata-rata nilai penyelenggara (skala 1–5)", host, "dec2"),
        KeyFigure("Penyaji terbaik", facts.best_speaker or None, "text"),
        KeyFigure("Penyelenggara terbaik", facts.best_host or None, "text"),
        KeyFigure("Langkah petugas sesuai mutu baku waktu", share(within, done), "pct"),
    ]


def _round_blocks(rounds: Sequence[RoundFact]) -> list[Block]:
    rows: list[list[Cell]] = [
        [
            r.name,
            r.proposal_opens,
            r.proposal_closes,
            r.voting_opens,
            r.voting_closes,
            r.themes_to_select,
        ]
        for r in rounds
    ]
    blocks: list[Block] = [
        Table(
            "Putaran Serawai dan jadwalnya",
            (
                Column("Putaran"),
                Column("Usulan dibuka", "date"),
                Column("Usulan ditutup", "date"),
                Column("Pemungutan suara dibuka", "date"),
                Column("Pemungutan suara ditutup", "date"),
                Column("Tema dipilih", "int"),
            ),
            rows,
            "Putaran",
        )
    ]
    proposals: list[list[Cell]] = [
        [r.name, p.office, p.title, p.proposer, p.speaker or None]
        for r in rounds
        for p in r.proposals
    ]
    offices = {p.office for r in rounds for p in r.proposals}
    blocks += [
        Subheading("Usulan tema"),
        Paragraph(f"{len(proposals)} tema diusulkan oleh {len(offices)} kantor."),
        Table(
            "Usulan tema dari BPS Kabupaten/Kota",
            ("Putaran", "Kantor pengusul", "Judul tema", "Pengusul", "Usulan narasumber"),
            proposals,
            "Usulan tema",
        ),
    ]
    return blocks


def _turnout_blocks(rounds: Sequence[RoundFact]) -> list[Block]:
    blocks: list[Block] = []
    many = len(rounds) > 1
    for r in rounds:
        if many:
            blocks.append(Subheading(r.name))
        eligible = sum(t.eligible for t in r.turnout)
        voted = sum(t.voted for t in r.turnout)
        offices = sorted(r.turnout, key=lambda t: (-(share(t.voted, t.eligible) or 0), t.office))
        rows: list[list[Cell]] = [
            [t.office, t.eligible, t.voted, share(t.voted, t.eligible)] for t in offices
        ]
        rows.append(["Jumlah", eligible, voted, share(voted, eligible)])
        blocks += [
            Paragraph(
                f"{fmt.number(voted)} dari {fmt.number(eligible)} pegawai memberikan suara "
                f"(partisipasi {fmt.percent(share(voted, eligible) or 0)})."
            ),
            Table(
                f"Partisipasi pemungutan suara per kantor — {r.name}",
                (
                    Column("Kantor"),
                    Column("Pegawai berhak memilih", "int"),
                    Column("Sudah memilih", "int"),
                    Column("Partisipasi", "pct"),
                ),
                rows,
                f"Partisipasi {r.name}" if many else "Partisipasi",
            ),
            Chart(
                f"Partisipasi pemungutan suara per kantor — {r.name}",
                "bar",
                [t.office for t in offices],
                {"Partisipasi": [share(t.voted, t.eligible) or 0.0 for t in offices]},
                y_label="Partisipasi",
                percent=True,
            ),
        ]
    return blocks


def _vote_blocks(rounds: Sequence[RoundFact]) -> list[Block]:
    blocks: list[Block] = []
    many = len(rounds) > 1
    for r in rounds:
        if many:
            blocks.append(Subheading(r.name))
        ordered = sorted(r.votes, key=lambda v: (-v.votes, not v.selected, v.title))
        total = sum(v.votes for v in ordered)
        rows: list[list[Cell]] = []
        rank = 0
        previous: int | None = None
        for position, v in enumerate(ordered, start=1):
            if v.votes != previous:
                rank, previous = position, v.votes
            rows.append(
                [
                    rank,
                    v.title,
                    v.office,
                    v.votes,
                    share(v.votes, total),
                    "Ya" if v.selected else "Tidak",
                ]
            )
        winners = [v for v in ordered if v.selected]
        blocks += [
            Table(
                f"Perolehan suara per tema — {r.name}",
                (
                    Column("Peringkat", "int"),
                    Column("Tema"),
                    Column("Kantor pengusul"),
                    Column("Suara", "int"),
                    Column("Persentase suara", "pct"),
                    Column("Terpilih"),
                ),
                rows,
                f"Suara {r.name}" if many else "Perolehan suara",
            ),
            Chart(
                f"Perolehan suara per tema — {r.name}",
                "bar",
                [v.title for v in ordered],
                {"Suara": [float(v.votes) for v in ordered]},
                y_label="Suara",
            ),
        ]
        if winners:
            blocks.append(Paragraph(f"Tema terpilih ({len(winners)} dari {r.themes_to_select}):"))
            blocks += [
                Paragraph(f"{v.title} — {v.office}, {fmt.number(v.votes)} suara", "bullet")
                for v in winners
            ]
        else:
            blocks.append(Paragraph("Tema terpilih belum ditetapkan."))
        if r.tie_break_notes:
            blocks.append(Paragraph("Penentuan pemenang saat perolehan suara sama:"))
            blocks += [Paragraph(note, "bullet") for note in r.tie_break_notes]
    return blocks


def _session_blocks(sessions: Sequence[SessionFact]) -> list[Block]:
    if not sessions:
        return [Paragraph("Belum ada sesi Serawai yang terlaksana pada periode ini.")]
    rows: list[list[Cell]] = []
    for s in sessions:
        items = checklist_items(s)
        present = len(items) - len(missing_items(s))
        rows.append(
            [
                s.title,
                s.held_on,
                s.host_office,
                s.attendance,
                s.certificates,
                f"{present} dari {len(items)}",
                cc_label(s.cc_status),
                s.cc_note or None,
            ]
        )
    blocks: list[Block] = [
        Table(
            "Sesi Serawai yang terlaksana",
            (
                Column("Sesi"),
                Column("Tanggal", "date"),
                Column("Tuan rumah"),
                Column("Peserta hadir", "int"),
                Column("Sertifikat", "int"),
                Column("Kelengkapan"),
                Column("Persetujuan CC"),
                Column("Catatan CC", in_docx=False),
            ),
            rows,
            "Sesi",
        )
    ]
    items = list(dict.fromkeys(i for s in sessions for i in checklist_items(s)))
    check_rows: list[list[Cell]] = [
        [s.title, *["Ada" if s.checklist.get(i, False) else "Belum" for i in items]]
        for s in sessions
    ]
    blocks.append(
        Table("Kelengkapan administrasi per sesi", ("Sesi", *items), check_rows, "Kelengkapan")
    )
    gaps = [(s, missing_items(s)) for s in sessions]
    gaps = [(s, m) for s, m in gaps if m]
    if gaps:
        blocks.append(Paragraph("Kelengkapan yang belum diserahkan:"))
        blocks += [Paragraph(f"{s.title}: {', '.join(m)}.", "bullet") for s, m in gaps]
    notes = [s for s in sessions if s.cc_note.strip()]
    if notes:
        blocks.append(Paragraph("Catatan CC atas laporan sesi:"))
        blocks += [
            Paragraph(f"{s.title} ({cc_label(s.cc_status)}): {s.cc_note.strip()}", "bullet")
            for s in notes
        ]
    return blocks


def _evaluation_blocks(facts: SerawaiFacts) -> list[Block]:
    blocks: list[Block] = []
    if facts.speaker_ratings:
        ranked = sorted(facts.speaker_ratings, key=lambda s: (-s.overall, s.speaker))
        blocks.append(
            Table(
                "Penilaian peserta terhadap penyaji",
                (
                    Column("Penyaji"),
                    Column("Sesi"),
                    Column("Penguasaan materi", "dec2"),
                    Column("Penyampaian", "dec2"),
                    Column("Relevansi", "dec2"),
                    Column("Rata-rata", "dec2"),
                    Column("Jumlah penilai", "int"),
                ),
                [
                    [
                        s.speaker,
                        s.session_title,
                        s.mastery,
                        s.delivery,
                        s.relevance,
                        s.overall,
                        s.n,
                    ]
                    for s in ranked
                ],
                "Nilai penyaji",
            )
        )
    else:
        blocks.append(Paragraph("Belum ada penilaian penyaji pada periode ini."))
    if facts.host_ratings:
        blocks.append(
            Table(
                "Penilaian CAN Provinsi terhadap penyelenggara",
                (
                    Column("Kantor penyelenggara"),
                    Column("Sesi"),
                    Column("Nilai", "dec2"),
                    Column("Jumlah penilai", "int"),
                    Column("Catatan"),
                ),
                [
                    [h.office, h.session_title, h.score, h.n, h.note or None]
                    for h in sorted(facts.host_ratings, key=lambda h: (-h.score, h.office))
                ],
                "Nilai penyelenggara",
            )
        )
    else:
        blocks.append(Paragraph("Belum ada penilaian penyelenggara pada periode ini."))
    best = []
    if facts.best_speaker:
        best.append(f"Penyaji terbaik periode ini: {facts.best_speaker}.")
    if facts.best_host:
        best.append(f"Penyelenggara kabupaten/kota terbaik: {facts.best_host}.")
    blocks += [Paragraph(b) for b in best]
    return blocks


def serawai_report(
    facts: SerawaiFacts, calendar: WorkCalendar, *, generated_on: date | None = None
) -> Report:
    """The Serawai report for the facts' period."""
    figures = serawai_figures(facts, calendar)
    if not facts.rounds and not facts.sessions:
        return empty_report(TITLE, SUBTITLE, facts.period, figures, generated_on)
    sessions = sorted(facts.sessions, key=lambda s: (s.held_on, s.id))
    narrative = [
        f"Pada {facts.period.label} Serawai berjalan dalam {len(facts.rounds)} putaran dengan "
        f"{len(sessions)} sesi terlaksana dan {sum(s.attendance for s in sessions)} "
        "kehadiran peserta."
    ]
    sections = []
    if facts.rounds:
        sections += [
            section("Putaran, jadwal dan usulan tema", _round_blocks(facts.rounds)),
            section("Partisipasi pemungutan suara", _turnout_blocks(facts.rounds)),
            section("Hasil pemungutan suara", _vote_blocks(facts.rounds)),
        ]
    sections += [
        section("Pelaksanaan sesi dan laporan", _session_blocks(sessions)),
        section("Evaluasi penyaji dan penyelenggara", _evaluation_blocks(facts)),
    ]
    issues = [
        f"{s.title}: kelengkapan belum lengkap ({', '.join(missing_items(s))})."
        for s in sessions
        if missing_items(s)
    ]
    issues += [
        f"{s.title}: laporan {cc_label(s.cc_status).lower()}."
        for s in sessions
        if s.cc_status != "approved"
    ]
    return program_report(
        title=TITLE,
        subtitle=SUBTITLE,
        period=facts.period,
        program=Program.SERAWAI,
        steps=facts.steps,
        calendar=calendar,
        figures=figures,
        summary=(),
        sections=sections,
        issues=issues,
        generated_on=generated_on,
        sop="SOP-098/17000/2025",
        purpose=(
            "Serawai adalah kegiatan berbagi pengetahuan antarpegawai se-Provinsi Bengkulu: "
            "BPS kabupaten/kota mengusulkan tema, pegawai memilih tema melalui pemungutan "
            "suara, dan tema terpilih disajikan dalam sesi yang diselenggarakan bergiliran."
        ),
        narrative=narrative,
        conclusions=[
            f"Serawai menyelenggarakan {len(sessions)} sesi pada {facts.period.label}.",
        ],
        recommendations=[
            "Penyelenggara melengkapi administrasi setiap sesi sebelum laporan diajukan "
            "kepada CC.",
        ],
    )
