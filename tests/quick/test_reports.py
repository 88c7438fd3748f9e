"""`/laporan`: a report and its period (fast tier, no database). Today is 25 March 2026."""

from __future__ import annotations

import pytest

from bot.flows.reports import MakeReport
from tests.quick.harness import SAME, Press, Row, Table, check, flow, params

ROLES = ("can",)
SEMESTER = {"program": "semester"}
SERAWAI = {"program": "serawai"}

TABLE: Table = {
    "laporan": [
        Row(
            "program",
            Press("event-team"),
            "period",
            says=("reports.period_prompt", "reports.period_q0", "reports.period_h1"),
            roles=ROLES,
        ),
        Row(
            "program",
            Press("semester"),
            "period",
            says=("reports.period_prompt_half",),
            roles=ROLES,
            why="half-years only",
        ),
        Row("program", "laporan", SAME, says=("core.choose_from_buttons",), roles=ROLES),
        Row(
            "period",
            Press("q1"),
            None,
            says=("reports.working",),
            does=("MakeReport",),
            data=SERAWAI,
            roles=ROLES,
            why="last quarter",
        ),
        Row(
            "period",
            "Semester II 2025",
            None,
            says=("reports.working",),
            does=("MakeReport",),
            data=SEMESTER,
            roles=ROLES,
            why="typed",
        ),
        Row("period", "kemarin", SAME, says=("reports.period_bad",), data=SERAWAI, roles=ROLES),
        Row(
            "period",
            "2025Q4",
            SAME,
            says=("reports.semester_only",),
            data=SEMESTER,
            roles=ROLES,
            why="a quarter for the semester report",
        ),
        Row(
            "period",
            "Triwulan III 2026",
            SAME,
            says=("reports.period_future",),
            data=SERAWAI,
            roles=ROLES,
            why="not started",
        ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)


def test_the_buttons_mean_periods_counted_from_today() -> None:
    played = check(flow("laporan"), TABLE["laporan"][3])
    assert played.commands == [MakeReport(program="serawai", period="2025Q4")]
