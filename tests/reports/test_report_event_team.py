"""The Event Team quarterly report: known figures are found in the written DOCX and XLSX."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx.shared import Cm

from bot.calendar import WorkCalendar
from bot.reports.model import Report
from bot.reports.programs import event_team_report
from bot.reports.render import write_report
from tests.reports.factories import event_team_q2
from tests.reports.reading import DocxReport, XlsxReport

AVERAGE = "Rata-rata nilai keseluruhan dari SM (skala 1–5)"
LATE = "Permintaan terlambat (kurang dari 3 hari kerja)"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[DocxReport, XlsxReport]:
    report = event_team_report(event_team_q2(), WorkCalendar(), generated_on=date(2025, 7, 3))
    docx_path, xlsx_path = write_report(report, tmp_path_factory.mktemp("et"), "event-team-q2")
    return DocxReport(docx_path), XlsxReport(xlsx_path)


@pytest.fixture(scope="module")
def docx(files: tuple[DocxReport, XlsxReport]) -> DocxReport:
    return files[0]


@pytest.fixture(scope="module")
def xlsx(files: tuple[DocxReport, XlsxReport]) -> XlsxReport:
    return files[1]


def test_the_first_page_names_the_report_period_and_date(docx: DocxReport) -> None:
    cover = docx.paragraphs[:9]
    assert "LAPORAN IMPLEMENTASI EVENT TEAM TRIWULAN" in cover
    assert "Periode Triwulan II 2025" in cover
    assert "Badan Pusat Statistik Provinsi Bengkulu" in cover
    assert "Bengkulu, 3 Juli 2025" in cover


def test_key_figures_seven_events_two_late_average_4_29(docx: DocxReport) -> None:
    assert docx.key_figure("Permintaan dukungan yang diterima") == "7"
    assert docx.key_figure("Kegiatan terlaksana") == "7"
    assert docx.key_figure(LATE) == "2"
    assert docx.key_figure(AVERAGE) == "4,29"
    assert docx.key_figure("Penugasan peran pada kegiatan terlaksana") == "21"
    assert docx.key_figure("Median lead time permintaan (hari kerja)") == "4"


def test_events_by_month_and_by_requesting_unit(docx: DocxReport) -> None:
    months = docx.table("Bulan", "Kegiatan terlaksana")
    assert months[1:] == [
        ["April 2025", "2", "2"],
        ["Mei 2025", "3", "3"],
        ["Juni 2025", "2", "2"],
    ]
    assert docx.row("BPS Provinsi Bengkulu")[1:] == ["6", "6", "2"]
    events = docx.table("No", "Pengusul (SM)")
    assert len(events) == 8
    assert events[2][1:7] == [
        "Sosialisasi SAKIP",
        "–",
        "BPS Provinsi Bengkulu",
        "24 April 2025",
        "2",
        "Ya",
    ]


def test_lead_time_distribution_and_late_requests(docx: DocxReport) -> None:
    assert docx.row("Kurang dari 3 hari kerja") == ["Kurang dari 3 hari kerja", "2", "28,6%"]
    assert docx.row("Lebih dari 10 hari kerja")[1] == "1"
    assert any("2 dari 7 (28,6%) permintaan diajukan terlambat" in p for p in docx.paragraphs)
    late = docx.table("Kegiatan", "Diajukan")
    assert [r[0] for r in late[1:]] == ["Sosialisasi SAKIP", "Rapat Evaluasi Zona Integritas"]


def test_ratings_per_criterion_and_role_with_suggestions_quoted(docx: DocxReport) -> None:
    assert docx.row("Ketepatan waktu")[1:] == ["4,00", "7", "2"]
    assert docx.row("Kesiapan peralatan")[1] == "4,43"
    assert docx.row("Operator")[1] == "5,00"
    assert "“Perlu gladi bersih sebelum acara dimulai.”" in docx.paragraphs
    assert "“Mohon petugas dokumentasi datang 30 menit lebih awal.”" in docx.paragraphs


def test_rotation_table_and_lead_ratings_per_member(docx: DocxReport) -> None:
    rotation = docx.table("Anggota", "Peran berbeda")
    assert rotation[0] == ["Anggota", "MC", "Dokumentasi", "Operator", "Total", "Peran berbeda"]
    assert sum(int(r[4]) for r in rotation[1:]) == 21
    lead = docx.table("Anggota", "Catatan Ketua")
    budi = next(r for r in lead if r[0] == "Budi")
    assert budi[1:] == ["3,50", "4", "2", "Terlambat hadir"]


def test_issues_raise_low_ratings_and_weak_steps(docx: DocxReport) -> None:
    text = docx.text
    assert "mendapat nilai rendah dari SM untuk Ketepatan waktu (2) dan MC (2)" in text
    assert "Ketua Event Team memberi nilai 2 kepada Budi" in text
    # step 2 is the bot's form, reported as automated: not a weakness of people's work
    assert "Langkah 2 (Input permintaan dukungan Event Team): hanya" not in text
    automated = docx.table("Langkah", "Dijalankan bot")
    assert automated[2][5] == "2 dari 3 (66,7%)"


def test_compliance_table_lists_every_step(docx: DocxReport) -> None:
    people = docx.table("Langkah", "Ditutup tanpa hasil")
    assert [r[0] for r in people[1:]] == ["3", "4", "6", "7"]
    assert people[4][5] == "Tidak ada pada periode ini"
    automated = docx.table("Langkah", "Dijalankan bot")
    assert [r[0] for r in automated[1:]] == ["1", "2", "5"]
    assert automated[2][2:6] == ["10 menit", "3", "8 menit", "2 dari 3 (66,7%)"]


def test_document_is_a4_portrait_with_page_numbers_and_charts(docx: DocxReport) -> None:
    section = docx.doc.sections[0]
    width, height = section.page_width, section.page_height
    assert width is not None
    assert height is not None
    assert abs(width - Cm(21)) < Cm(0.01)
    assert abs(height - Cm(29.7)) < Cm(0.01)
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml
    assert "NUMPAGES" in footer_xml
    assert "Halaman" in section.footer.paragraphs[0].text
    # months, lead time, criteria, roles, member load, the Ketua's ratings
    assert len(docx.doc.inline_shapes) == 6


def test_workbook_keeps_numbers_as_numbers(xlsx: XlsxReport) -> None:
    assert xlsx.key_figure("Permintaan dukungan yang diterima") == 7
    assert xlsx.key_figure(LATE) == 2
    average = xlsx.key_figure(AVERAGE)
    assert isinstance(average, float)
    assert average == pytest.approx(30 / 7)
    lead = xlsx.column("Kegiatan", "Lead time (hari kerja)")
    assert lead == [6, 2, 4, 8, 3, 2, 12]  # working days are whole days
    assert all(isinstance(days, int) for days in lead)
    assert xlsx.column("Kegiatan", "ID permintaan") == [1, 2, 3, 4, 5, 6, 7]
    assert xlsx.column("Per bulan", "Kegiatan terlaksana") == [2, 3, 2]


def test_every_table_is_a_sheet_with_a_bold_frozen_header(xlsx: XlsxReport) -> None:
    names = xlsx.book.sheetnames
    assert names[0] == "Ringkasan"
    assert {"Kegiatan", "Per bulan", "Lead time", "Rotasi peran", "Standar waktu"} <= set(names)
    sheet = xlsx.sheet("Kegiatan")
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    assert sheet["E2"].number_format == "DD/MM/YYYY"
    share = xlsx.column("Lead time", "Persentase")[0]
    assert share == pytest.approx(2 / 7)
    assert xlsx.sheet("Lead time")["C2"].number_format == "0.0%"


def test_write_report_names_both_files_safely(tmp_path: Path) -> None:
    report = Report("Laporan", "Uji", "Triwulan II 2025")
    docx_path, xlsx_path = write_report(report, tmp_path / "out", "Laporan ET/Q2 2025")
    assert docx_path.name == "Laporan-ET-Q2-2025.docx"
    assert xlsx_path.name == "Laporan-ET-Q2-2025.xlsx"
    assert docx_path.parent == xlsx_path.parent == tmp_path / "out"
