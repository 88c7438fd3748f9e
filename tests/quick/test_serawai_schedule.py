"""Serawai, CAN schedules a session (`serawai_jadwal`): fast tier, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.flows.serawai.common import OfficeItem, SessionItem
from tests.quick.harness import SAME, Press, Row, Table, check, fake, flow, params

SESSION = SessionItem(4, "Literasi Data", 2, "BPS Kabupaten Bengkulu Selatan", None)
OFFICES = [
    OfficeItem(1, "1700", "BPS Provinsi Bengkulu"),
    OfficeItem(2, "1701", SESSION.proposing_office_name),
]
LOOKUP = fake(sessions_to_schedule=lambda: [SESSION], offices=lambda: OFFICES)
NOTHING = fake(sessions_to_schedule=list, offices=lambda: OFFICES)
PICKED = {"session_id": 4, "title": "Literasi Data", "proposing_office_id": 2, "host_office_id": 2}
TIMED = {
    **PICKED,
    "starts_at": datetime(2026, 5, 6, 2, tzinfo=UTC),
    "ends_at": datetime(2026, 5, 6, 4, tzinfo=UTC),
    "host_office_name": SESSION.proposing_office_name,
}
PLACED = {**TIMED, "place": "Aula dan Zoom"}


def _row(state: str, given: str | Press, then: str | None, **kw: object) -> Row:
    return Row(state, given, then, roles=("can",), lookup=kw.pop("lookup", LOOKUP), **kw)  # type: ignore[arg-type]


TABLE: Table = {
    "serawai_jadwal": [
        _row("session", Press("4"), "when", says=("serawai.schedule_when_prompt",)),
        _row("session", Press("5"), SAME, says=("core.choose_from_buttons",)),
        _row("session", Press("4"), None, says=("serawai.schedule_none",), lookup=NOTHING),
        _row(
            "when", "6/5/2026 09.00", "host", says=("serawai.schedule_host_prompt",), data=PICKED
        ),
        _row("when", "kapan-kapan", SAME, says=("serawai.schedule_when_bad",), data=PICKED),
        _row(
            "when",
            "9/5/2026 09.00",
            SAME,
            says=("serawai.schedule_not_working_day",),
            data=PICKED,
            why="Saturday",
        ),
        _row("when", "25/3/2026 08.00", SAME, says=("serawai.schedule_past",), data=PICKED),
        _row("when", "minggu depan", SAME, says=("core.when_vague_week",), data=PICKED),
        _row(
            "when",
            "6/5/2026 jam 7 malam s.d. 23.00",
            "when_check",
            says=("core.odd_hour_check",),
            data=PICKED,
            why="ends at 23.00",
        ),
        _row("when_check", Press("yes"), "host", data=TIMED, why="meant it"),
        _row("when_check", Press("change"), "when", data=TIMED),
        _row("when_check", "ya", SAME, says=("core.choose_from_buttons",), data=TIMED),
        _row("host", Press("1"), "place", says=("serawai.schedule_place_prompt",), data=TIMED),
        _row("host", Press("9"), SAME, says=("core.choose_from_buttons",), data=TIMED),
        _row("place", "Aula dan Zoom", "confirm", says=("serawai.schedule_confirm",), data=TIMED),
        _row("place", " ", SAME, says=("core.text_meaningless",), data=TIMED),
        _row("place", "Z" * 301, SAME, says=("core.text_long",), data=TIMED, why="too long"),
        _row("confirm", Press("yes"), None, does=("SetSchedule",), data=PLACED),
        _row("confirm", Press("no"), None, says=("core.cancelled",), data=PLACED),
        _row("confirm", "sip", SAME, says=("core.choose_from_buttons",), data=PLACED),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
