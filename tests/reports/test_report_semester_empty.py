"""The half-year report puts the quarters side by side; an empty period says so plainly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.calendar import WorkCalendar
from bot.reports.common import EMPTY_TEXT
from bot.reports.compliance import half_period, quarter_period
from bot.reports.facts import EventTeamFacts, HalfYearFacts, PegasusFacts, SerawaiFacts
from bot.reports.model import Report
from bot.reports.programs import (
    event_team_report,
    mp_semesteran_report,
    pegasus_report,
    serawai_report,
)
from bot.reports.render import write_report
from tests.reports.factories import (
    Q1,
    event_team_q1,
    event_team_q2,
    pegasus_q1,
    pegasus_q2,
    serawai_q2,
)
from tests.reports.reading import DocxReport, XlsxReport

CAL = WorkCalendar()


@pytest.fixture(scope="module")
def semester(tmp_path_factory: pytest.TempPathFactory) -> tuple[DocxReport, XlsxReport]:
    folder = tmp_path_factory.mktemp("mp")
    facts = HalfYearFacts(
        period=half_period(2025, 1),
        event_team=(event_team_q1(), event_team_q2()),
        serawai=(SerawaiFacts(Q1), serawai_q2()),
        pegasus=(pegasus_q1(folder), pegasus_q2(folder / "media")),
    )
    docx_path, xlsx_path = write_report(mp_semesteran_report(facts, CAL), folder, "mp")
    return DocxReport(docx_path), XlsxReport(xlsx_path)


def test_semester_key_figures_per_quarter_in_columns(
    semester: tuple[DocxReport, XlsxReport],
) -> None:
    docx = semester[0]
    table = docx.table("Indikator", "Triwulan I 2025")
    assert table[0] == ["Indikator", "Triwulan I 2025", "Triwulan II 2025", "Semester I 2025"]
    assert docx.row("Permintaan dukungan yang diterima")[1:] == ["3", "7", "10"]
    assert docx.row("Rata-rata nilai keseluruhan dari SM (skala 1–5)")[1:] == [
        "4,67",
        "4,29",
        "4,40",
    ]
    assert docx.row("Sesi terlaksana")[1:] == ["0", "2", "2"]
    assert docx.row("Ketepatan waktu poster")[1:] == ["100%", "76,9%", "88,5%"]
    assert docx.key_figure("Event Team: permintaan dukungan yang diterima") == "10"


def test_semester_compliance_per_quarter(semester: tuple[DocxReport, XlsxReport]) -> None:
    docx, xlsx = semester
    rows = docx.table("Langkah", "Triwulan II 2025")
    step2 = next(r for r in rows if r[0] == "2")
    assert step2[2:] == [
        "CAN Bot (otomatis)",
        "10 menit",
        "Tidak ada pada periode ini",
        "2 dari 3 (66,7%)",
    ]
    sheet = "Standar waktu Event Team"
    assert xlsx.column(sheet, "Triwulan II 2025: dilaksanakan")[1] == 3
    assert xlsx.column(sheet, "Triwulan II 2025: persentase")[1] == pytest.approx(2 / 3)
    assert xlsx.column(sheet, "Triwulan I 2025: persentase")[1] is None


def test_semester_workbook_has_numbers_side_by_side(
    semester: tuple[DocxReport, XlsxReport],
) -> None:
    xlsx = semester[1]
    rows = xlsx.rows("Indikator Event Team")
    requests = next(r for r in rows if r[0] == "Permintaan dukungan yang diterima")
    assert requests[1:] == (3, 7, 10)
    assert xlsx.key_figure("Event Team: rata-rata nilai dari SM (1–5)") == pytest.approx(4.4)


EMPTY_Q3 = quarter_period(2025, 3)
BUILDERS: dict[str, Callable[[], Report]] = {
    "event_team": lambda: event_team_report(EventTeamFacts(EMPTY_Q3), CAL),
    "serawai": lambda: serawai_report(SerawaiFacts(EMPTY_Q3), CAL),
    "pegasus": lambda: pegasus_report(PegasusFacts(EMPTY_Q3), CAL),
    "semester": lambda: mp_semesteran_report(
        HalfYearFacts(
            half_period(2025, 2),
            (EventTeamFacts(EMPTY_Q3), EventTeamFacts(quarter_period(2025, 4))),
            (SerawaiFacts(EMPTY_Q3), SerawaiFacts(quarter_period(2025, 4))),
            (PegasusFacts(EMPTY_Q3), PegasusFacts(quarter_period(2025, 4))),
        ),
        CAL,
    ),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_an_empty_period_gives_a_report_that_says_so(name: str, tmp_path: Path) -> None:
    report = BUILDERS[name]()
    assert EMPTY_TEXT in report.text()
    docx_path, xlsx_path = write_report(report, tmp_path, name)
    docx, xlsx = DocxReport(docx_path), XlsxReport(xlsx_path)
    assert EMPTY_TEXT in docx.paragraphs
    assert xlsx.book.sheetnames == ["Ringkasan"]
    assert EMPTY_TEXT in [row[0] for row in xlsx.rows("Ringkasan")]
    assert "Semester II 2025" in docx.text or "Triwulan III 2025" in docx.text


def test_a_program_idle_all_semester_says_so_in_its_section(tmp_path: Path) -> None:
    facts = HalfYearFacts(
        half_period(2025, 1),
        (event_team_q1(), event_team_q2()),
        (SerawaiFacts(Q1), SerawaiFacts(quarter_period(2025, 2))),
        (PegasusFacts(Q1), PegasusFacts(quarter_period(2025, 2))),
    )
    report = mp_semesteran_report(facts, CAL, generated_on=date(2025, 7, 10))
    docx = DocxReport(write_report(report, tmp_path, "mp")[0])
    headings = [
        p.text
        for p in docx.doc.paragraphs
        if p.style is not None and p.style.name == "Heading 1" and "SOP-" in p.text
    ][1:]
    assert headings == ["BAB IV SERAWAI (SOP-098)", "BAB V PEGASUS (SOP-330)"]
    assert docx.paragraphs.count(EMPTY_TEXT) == 2
