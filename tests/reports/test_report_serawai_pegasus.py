"""The Serawai and Pegasus reports: vote counts, turnout, posters and duties in both files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.calendar import WorkCalendar
from bot.reports.programs import pegasus_report, serawai_report
from bot.reports.render import write_report
from tests.reports.factories import pegasus_q2, serawai_q2
from tests.reports.reading import DocxReport, XlsxReport


@pytest.fixture(scope="module")
def serawai(tmp_path_factory: pytest.TempPathFactory) -> tuple[DocxReport, XlsxReport]:
    report = serawai_report(serawai_q2(), WorkCalendar())
    docx_path, xlsx_path = write_report(report, tmp_path_factory.mktemp("sw"), "serawai")
    return DocxReport(docx_path), XlsxReport(xlsx_path)


@pytest.fixture(scope="module")
def pegasus_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pg")


@pytest.fixture(scope="module")
def pegasus(pegasus_folder: Path) -> tuple[DocxReport, XlsxReport]:
    report = pegasus_report(pegasus_q2(pegasus_folder / "media"), WorkCalendar())
    docx_path, xlsx_path = write_report(report, pegasus_folder, "pegasus")
    return DocxReport(docx_path), XlsxReport(xlsx_path)


def test_serawai_votes_per_theme_with_tied_ranks(serawai: tuple[DocxReport, XlsxReport]) -> None:
    docx, xlsx = serawai
    votes = docx.table("Peringkat", "Suara")
    assert [r[0] for r in votes[1:]] == ["1", "2", "3", "3", "5"]
    assert [r[3] for r in votes[1:]] == ["58", "41", "23", "23", "8"]
    assert votes[3][1:] == [
        "Literasi Data untuk Pimpinan",
        "BPS Kabupaten Kaur",
        "23",
        "15%",
        "Ya",
    ]
    assert votes[4][5] == "Tidak"
    assert xlsx.column("Perolehan suara", "Suara") == [58, 41, 23, 23, 8]
    assert xlsx.column("Perolehan suara", "Persentase suara")[0] == pytest.approx(58 / 153)


def test_serawai_winners_and_tie_break_note(serawai: tuple[DocxReport, XlsxReport]) -> None:
    text = serawai[0].text
    assert "Tema terpilih (3 dari 3):" in text
    assert "Literasi Data untuk Pimpinan — BPS Kabupaten Kaur, 23 suara" in text
    assert "terpilih karena diusulkan lebih dahulu" in text


def test_serawai_turnout_per_office(serawai: tuple[DocxReport, XlsxReport]) -> None:
    docx, xlsx = serawai
    assert docx.row("Jumlah") == ["Jumlah", "195", "153", "78,5%"]
    assert docx.row("BPS Kabupaten Seluma")[1:] == ["30", "27", "90%"]
    assert docx.key_figure("Partisipasi pemungutan suara") == "78,5%"
    assert xlsx.key_figure("Partisipasi pemungutan suara") == pytest.approx(153 / 195)
    assert xlsx.column("Partisipasi", "Sudah memilih") == [27, 96, 30, 153]


def test_serawai_sessions_checklist_and_approval(serawai: tuple[DocxReport, XlsxReport]) -> None:
    docx, xlsx = serawai
    sessions = docx.table("Sesi", "Persetujuan CC")
    assert sessions[1][1:] == [
        "22 Mei 2025",
        "BPS Kota Bengkulu",
        "85",
        "88",
        "6 dari 6",
        "Disetujui",
    ]
    assert sessions[2][5:] == ["5 dari 6", "Menunggu persetujuan"]
    checklist = docx.table("Sesi", "Notulensi")
    assert checklist[2][checklist[0].index("Notulensi")] == "Belum"
    assert "Menulis Rilis yang Mudah Dibaca: Notulensi." in docx.text
    assert xlsx.key_figure("Total kehadiran peserta") == 149


def test_serawai_speaker_and_host_ratings(serawai: tuple[DocxReport, XlsxReport]) -> None:
    docx, xlsx = serawai
    assert docx.key_figure("Rata-rata nilai penyaji (skala 1–5)") == "4,39"
    assert docx.row("Rina Marlina")[2:] == ["4,60", "4,40", "4,80", "4,60", "40"]
    hosts = docx.table("Kantor penyelenggara")
    assert hosts[1][:3] == ["BPS Kota Bengkulu", "Analisis Data dengan Python", "4,50"]
    assert "Penyaji terbaik periode ini: Rina Marlina (BPS Kota Bengkulu)." in docx.paragraphs
    assert docx.key_figure("Penyelenggara terbaik") == "BPS Kota Bengkulu"
    assert xlsx.key_figure("Rata-rata nilai penyaji (skala 1–5)") == pytest.approx(307 / 70)


def test_pegasus_duties_and_punctuality(pegasus: tuple[DocxReport, XlsxReport]) -> None:
    docx, xlsx = pegasus
    assert docx.key_figure("Giliran piket") == "13"
    assert docx.key_figure("Ketepatan waktu poster") == "76,9%"
    assert docx.key_figure("Bukti unggah tersedia") == "12"
    duties = docx.table("Minggu", "Petugas")
    assert len(duties) == 14
    assert duties[9][4] == "Terlewat"
    assert duties[6][5] == "Dedi Kurniawan"
    assert (
        "Minggu 19: Siti Aminah menggantikan Dedi Kurniawan (tukar jadwal disetujui PJ)."
        in docx.text
    )
    assert xlsx.column("Piket", "Status").count("Terlambat") == 2
    links = [v for v in xlsx.column("Piket", "Tautan bukti") if v]
    assert links[0] == "https://www.instagram.com/p/bps1700-14"
    assert xlsx.key_figure("Ketepatan waktu poster") == pytest.approx(10 / 13)


def test_pegasus_posters_and_screenshots_are_thumbnails(
    pegasus: tuple[DocxReport, XlsxReport], pegasus_folder: Path
) -> None:
    docx = pegasus[0]
    # 1 chart, 12 posters (the missed week has none), 6 screenshots
    assert len(docx.doc.inline_shapes) == 19
    assert "Minggu 14 · Rahmat Hidayat" in docx.text
    embedded = [
        part.blob for part in docx.doc.part.package.parts if part.content_type == "image/png"
    ]
    original = (pegasus_folder / "media" / "poster-14.png").stat().st_size
    assert max(len(blob) for blob in embedded) < max(original, 60_000)
