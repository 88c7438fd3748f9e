"""Periods as people and scripts write them, and the programs a report can be asked for."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reports.choice import HALF, QUARTER, PeriodRef, ReportProgram, parse_period, parse_program


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2025Q2", "2025Q2"),
        ("2025-q3", "2025Q3"),
        ("Q4 2025", "2025Q4"),
        ("2025H1", "2025H1"),
        ("Triwulan III 2025", "2025Q3"),
        ("triwulan 2 2025", "2025Q2"),
        ("TW IV 2024", "2024Q4"),
        ("Semester I 2025", "2025H1"),
        ("semester 2 tahun 2025", "2025H2"),
    ],
)
def test_periods_are_read_as_people_type_them(typed: str, code: str) -> None:
    found = parse_period(typed)
    assert found is not None
    assert found.code == code


@pytest.mark.parametrize(
    "typed", ["Triwulan V 2025", "Semester III 2025", "2025Q0", "kemarin", ""]
)
def test_what_is_not_a_period_is_refused(typed: str) -> None:
    assert parse_period(typed) is None


def test_labels_dates_neighbours_and_quarters_of_a_half() -> None:
    q2 = PeriodRef(2025, QUARTER, 2)
    assert q2.label == "Triwulan II 2025"
    assert (q2.period.start, q2.period.end) == (date(2025, 4, 1), date(2025, 6, 30))
    assert q2.shifted(-2).code == "2024Q4"
    assert q2.shifted(3).code == "2026Q1"
    h2 = PeriodRef(2025, HALF, 2)
    assert h2.shifted(1).code == "2026H1"
    assert [q.code for q in h2.quarters()] == ["2025Q3", "2025Q4"]
    assert PeriodRef.containing(date(2025, 8, 17), HALF) == h2
    assert PeriodRef.from_code("2025H2") == h2


def test_the_semester_report_takes_half_years_only() -> None:
    assert parse_program("Event Team") is ReportProgram.EVENT_TEAM
    assert parse_program("mp-semesteran") is ReportProgram.SEMESTER
    assert parse_program("rapat") is None
    assert not ReportProgram.SEMESTER.accepts(PeriodRef(2025, QUARTER, 1))
    assert ReportProgram.EVENT_TEAM.accepts(PeriodRef(2025, HALF, 1))
