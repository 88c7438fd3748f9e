"""Reports built from the database: the story's known figures are found in the DOCX and XLSX."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.app import App
from bot.reports.choice import HALF, QUARTER, PeriodRef, ReportProgram
from bot.reports.common import EMPTY_TEXT
from bot.services.reports import make_report_files
from tests.reports.reading import DocxReport, XlsxReport
from tests.reports_db.story import half_year, pegasus_quarter, serawai_quarter
from tests.support import Clock

Q2 = PeriodRef(2025, QUARTER, 2)
H1 = PeriodRef(2025, HALF, 1)
AVERAGE = "Rata-rata nilai keseluruhan dari SM (skala 1–5)"


def make(
    app: App, program: ReportProgram, ref: PeriodRef, out: Path
) -> tuple[DocxReport, XlsxReport]:
    """Write a report from the database and open both files."""
    with app.sessions() as session:
        _report, docx, xlsx = make_report_files(
            session, app.calendar, app.catalog, program, ref, out, today=date(2025, 7, 1)
        )
    assert (docx.name, xlsx.name) == (
        f"laporan-{program.value}-{ref.code}.docx",
        f"laporan-{program.value}-{ref.code}.xlsx",
    )
    return DocxReport(docx), XlsxReport(xlsx)


def test_event_team_quarter_counts_requests_months_units_and_ratings(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    half_year(app, clock)
    docx, _xlsx = make(app, ReportProgram.EVENT_TEAM, Q2, tmp_path)

    assert "LAPORAN IMPLEMENTASI EVENT TEAM TRIWULAN" in docx.paragraphs
    assert docx.key_figure("Permintaan dukungan yang diterima") == "4"
    assert docx.key_figure("Kegiatan terlaksana") == "3"
    assert docx.key_figure("Permintaan terlambat (kurang dari 3 hari kerja)") == "1"
    assert docx.key_figure("Kegiatan terlaksana yang dinilai SM") == "2"
    assert docx.key_figure(AVERAGE) == "4,00"
    assert docx.key_figure("Penugasan peran pada kegiatan terlaksana") == "5"
    assert docx.key_figure("Permintaan dibatalkan") == "1"
    assert docx.key_figure("Rata-rata nilai anggota dari Ketua (skala 1–5)") == "3,80"

    months = docx.table("Bulan", "Kegiatan terlaksana")
    assert months[1:] == [
        ["April 2025", "1", "1"],
        ["Mei 2025", "1", "1"],
        ["Juni 2025", "2", "1"],  # the Rapat Kerja was cancelled
    ]
    offices = docx.table("Satuan kerja", "Permintaan terlambat")
    assert offices[1:] == [
        ["BPS Provinsi Bengkulu", "3", "3", "1"],
        ["BPS Kabupaten Bengkulu Selatan", "1", "0", "0"],
    ]
    events = {row[1]: row for row in docx.table("No", "Pengusul (SM)")[1:]}
    assert set(events) == {
        "Rapat Koordinasi Triwulan II",
        "Sosialisasi SAKIP",
        "Bimtek Pengolahan Data",
        "Rapat Kerja Kabupaten",
    }
    assert events["Sosialisasi SAKIP"][2:8] == [
        "Ratna Dewi",
        "BPS Provinsi Bengkulu",
        "22 Mei 2025",
        "2",
        "Ya",
        "Terlaksana, dievaluasi",
    ]
    assert events["Bimtek Pengolahan Data"][7] == "Terlaksana, evaluasi belum lengkap"
    assert events["Rapat Kerja Kabupaten"][7] == "Dibatalkan"


def test_event_team_quarter_ratings_rotation_issues_and_time_standards(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    half_year(app, clock)
    docx, xlsx = make(app, ReportProgram.EVENT_TEAM, Q2, tmp_path)

    assert docx.row("Kesiapan Event Team")[1:] == ["4,00", "2", "3"]
    assert docx.row("Ketepatan waktu")[1:] == ["3,00", "2", "2"]
    assert docx.row("Penilaian keseluruhan")[1:] == ["4,00", "2", "3"]
    assert docx.row("MC")[1:3] == ["4,50", "2"]
    assert docx.row("Notulis")[1] == "4,00"
    assert docx.row("Dokumentasi")[1] == "3,00"
    assert "“Mohon notulen dikirim lebih cepat.”" in docx.paragraphs
    assert "“Perlu koordinasi lebih awal.”" in docx.paragraphs

    rotation = docx.table("Anggota", "Peran berbeda")
    assert rotation[0] == ["Anggota", "MC", "Notulis", "Dokumentasi", "Total", "Peran berbeda"]
    assert rotation[1] == ["Dewi Lestari", "2", "0", "0", "2", "1"]
    lead = {row[0]: row[1:] for row in docx.table("Anggota", "Catatan Ketua")[1:]}
    assert lead["Fajar Nugroho"] == ["2,00", "1", "2", "Terlambat hadir"]
    assert lead["Dewi Lestari"] == ["4,50", "2", "4", "–"]
    text = docx.text
    assert (
        "Ketua Event Team memberi nilai 2 kepada Fajar Nugroho pada “Sosialisasi SAKIP” "
        "dengan catatan “Terlambat hadir”." in text
    )
    assert "1 permintaan diajukan kurang dari 3 hari kerja sebelum kegiatan" in text

    steps = {row[0]: row for row in docx.table("Langkah", "Ditutup tanpa hasil")[1:]}
    assert steps["3"][1:] == [
        "Penugasan peran oleh Ketua",
        "1 hari kerja",
        "3",
        steps["3"][4],
        "2 dari 3 (66,7%)",
        "0",
        "1",  # the Rapat Kerja's assignment, closed when it was cancelled
    ]
    assert xlsx.key_figure("Permintaan dukungan yang diterima") == 4
    assert xlsx.key_figure(AVERAGE) == pytest.approx(4.0)
    assert xlsx.column("Standar waktu", "Sesuai standar (jumlah)")[0] == 2
    assert xlsx.column("Standar waktu", "Persentase sesuai standar")[0] == pytest.approx(2 / 3)
    assert xlsx.column("Standar waktu", "Ditutup tanpa hasil")[0] == 1  # the cancelled one
    assert xlsx.column("Kegiatan", "Pengusul (SM)") == [
        "Irfan Maulana",
        "Ratna Dewi",
        "Irfan Maulana",
        "Yusuf Hidayat",
    ]
    assert xlsx.column("Kegiatan", "Kegiatan") == [
        "Rapat Koordinasi Triwulan II",
        "Sosialisasi SAKIP",
        "Bimtek Pengolahan Data",
        "Rapat Kerja Kabupaten",
    ]


def test_half_year_report_puts_the_quarters_from_the_database_side_by_side(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    half_year(app, clock)
    pegasus_quarter(app, clock)
    serawai_quarter(app, clock)
    docx, xlsx = make(app, ReportProgram.SEMESTER, H1, tmp_path)

    assert docx.row("Permintaan dukungan yang diterima")[1:] == ["1", "4", "5"]
    assert docx.row("Kegiatan terlaksana")[1:] == ["1", "3", "4"]
    assert docx.row(AVERAGE)[1:] == ["5,00", "4,00", "4,33"]
    assert docx.key_figure("Event Team: permintaan dukungan yang diterima") == "5"
    indicators = xlsx.rows("Indikator Event Team")
    requests = next(r for r in indicators if r[0] == "Permintaan dukungan yang diterima")
    assert requests[1:] == (1, 4, 5)
    assert docx.row("Ketepatan waktu poster")[1:] == ["–", "60%", "60%"]
    assert docx.key_figure("Pegasus: giliran piket") == "5"
    assert docx.row("Sesi terlaksana")[1:] == ["0", "2", "2"]
    assert docx.row("Partisipasi pemungutan suara")[1:] == ["–", "50%", "50%"]
    assert EMPTY_TEXT not in docx.paragraphs


@pytest.mark.parametrize("program", list(ReportProgram))
def test_an_empty_period_gives_a_report_that_says_so(
    app: App, program: ReportProgram, tmp_path: Path
) -> None:
    ref = PeriodRef(2025, HALF, 2) if program is ReportProgram.SEMESTER else Q2
    docx, xlsx = make(app, program, ref, tmp_path)
    assert EMPTY_TEXT in docx.paragraphs
    assert xlsx.book.sheetnames == ["Ringkasan"]


def test_pegasus_quarter_lists_every_duty_with_its_poster_proof_and_swap(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    pegasus_quarter(app, clock)
    docx, xlsx = make(app, ReportProgram.PEGASUS, Q2, tmp_path)

    assert "LAPORAN PEGASUS TRIWULAN" in docx.paragraphs
    assert docx.key_figure("Giliran piket") == "5"
    assert docx.key_figure("Poster terbit") == "4"
    assert docx.key_figure("Poster tepat waktu") == "3"
    assert docx.key_figure("Poster terlambat") == "1"
    assert docx.key_figure("Piket terlewat") == "1"
    assert docx.key_figure("Ketepatan waktu poster") == "60%"
    assert docx.key_figure("Tukar jadwal") == "1"
    assert docx.key_figure("Bukti unggah tersedia") == "2"
    duties = docx.table("Minggu", "Petugas")[1:]
    assert [(r[2], r[4], r[5]) for r in duties] == [
        ("Agus Salim", "Tepat waktu", "–"),
        ("Dewi Lestari", "Tepat waktu", "–"),
        ("Irfan Maulana", "Terlambat", "Bayu Saputra"),
        ("Rina Marlina", "Terlewat", "–"),
        ("Fajar Nugroho", "Tepat waktu", "–"),
    ]
    assert duties[0][7] == "Tautan dan Tangkapan layar"
    assert "Pada periode ini terbit 4 poster." in docx.paragraphs
    assert len(docx.doc.inline_shapes) >= 5  # four posters, a screenshot, and the chart
    assert "Minggu 1 (Agus Salim): https://www.instagram.com/p/Agus/" in docx.paragraphs
    text = docx.text
    assert "1 giliran piket terlewat tanpa poster: Rina Marlina (16 Mei 2025)." in text
    assert "Irfan Maulana menggantikan Bayu Saputra (tukar jadwal disetujui PJ)" in text
    steps = {row[0]: row for row in docx.table("Langkah", "Ditutup tanpa hasil")[1:]}
    assert steps["5"][5] == "1 dari 2 (50%)"
    assert xlsx.column("Piket", "Tautan bukti")[4] == "https://www.instagram.com/p/Fajar/"
    assert xlsx.key_figure("Ketepatan waktu poster") == pytest.approx(0.6)


def test_serawai_quarter_from_round_to_approval(app: App, clock: Clock, tmp_path: Path) -> None:
    serawai_quarter(app, clock)
    docx, xlsx = make(app, ReportProgram.SERAWAI, Q2, tmp_path)

    assert docx.key_figure("Putaran Serawai") == "1"
    assert docx.key_figure("Usulan tema") == "3"
    assert docx.key_figure("Pegawai yang memberikan suara") == "11"
    assert docx.key_figure("Partisipasi pemungutan suara") == "50%"
    assert docx.key_figure("Sesi terlaksana") == "2"
    assert docx.key_figure("Total kehadiran peserta") == "10"
    assert docx.key_figure("Sertifikat diterbitkan") == "11"
    assert docx.key_figure("Laporan sesi disetujui CC") == "1"
    assert docx.key_figure("Rata-rata nilai penyaji (skala 1–5)") == "4,21"
    assert docx.key_figure("Rata-rata nilai penyelenggara (skala 1–5)") == "4,00"
    assert docx.key_figure("Penyaji terbaik") == "Yusuf Hidayat"
    assert docx.key_figure("Penyelenggara terbaik") == "BPS Kabupaten Bengkulu Selatan"

    proposals = docx.table("Putaran", "Judul tema")[1:]
    assert [r[2] for r in proposals] == [
        "Literasi Data untuk Pimpinan",
        "Visualisasi Data dengan Python",
        "Manajemen Waktu Kerja",
    ]
    assert docx.row("BPS Provinsi Bengkulu")[1:] == ["12", "8", "66,7%"]
    assert docx.row("Jumlah")[1:] == ["22", "11", "50%"]
    votes = docx.table("Peringkat", "Suara")[1:]
    assert [(r[1], r[3], r[5]) for r in votes] == [
        ("Literasi Data untuk Pimpinan", "5", "Ya"),
        ("Visualisasi Data dengan Python", "3", "Ya"),
        ("Manajemen Waktu Kerja", "3", "Tidak"),
    ]
    text = docx.text
    assert "“Visualisasi Data dengan Python” terpilih karena diusulkan lebih awal." in text
    sessions = {r[0]: r for r in docx.table("Sesi", "Tuan rumah")[1:]}
    assert sessions["Literasi Data untuk Pimpinan"][2:7] == [
        "BPS Kabupaten Bengkulu Selatan",
        "6",
        "7",
        "6 dari 6",
        "Disetujui",
    ]
    assert sessions["Visualisasi Data dengan Python"][3:7] == [
        "4",
        "4",
        "4 dari 6",
        "Perlu perbaikan",
    ]
    assert "Visualisasi Data dengan Python: Draf kata sambutan, Notulensi." in docx.paragraphs
    speakers = {r[0]: r for r in docx.table("Penyaji", "Relevansi")[1:]}
    assert speakers["Yusuf Hidayat"][2:] == ["4,60", "4,00", "5,00", "4,53", "5"]
    hosts = {r[0]: r for r in docx.table("Kantor penyelenggara", "Catatan")[1:]}
    assert hosts["BPS Kabupaten Bengkulu Selatan"][2:] == ["4,50", "2", "Persiapan rapi"]
    assert hosts["BPS Kabupaten Rejang Lebong"][2:] == ["3,00", "1", "–"]
    steps = {row[0]: row for row in docx.table("Langkah", "Ditutup tanpa hasil")[1:]}
    assert steps["9"][5] == "1 dari 2 (50%)"
    assert xlsx.key_figure("Partisipasi pemungutan suara") == pytest.approx(0.5)
    assert xlsx.column("Perolehan suara", "Suara") == [5, 3, 3]
