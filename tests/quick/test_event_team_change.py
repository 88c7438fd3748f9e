"""Event Team, the SM's side: rescheduling and cancelling a request (fast tier, no database)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.quick.harness import SAME, Press, Row, Table, check, flow, params

ASKED: dict[str, Any] = {"request_id": 5, "title": "Rapat Koordinasi"}
MOVED: dict[str, Any] = {**ASKED, "day": "2026-04-07", "start": "13:00", "end": "15:00"}
REASON: dict[str, Any] = {**ASKED, "reason": "Acara ditunda"}

TABLE: Table = {
    "et_jadwal": [
        Row("when", "7/4/2026 13.00-15.00", "confirm", data=ASKED),
        Row("when", "7/4/2026 13.00", "end", data=ASKED, says=("event_team.end_prompt",)),
        Row("when", "minggu depan", SAME, data=ASKED, says=("core.when_vague_week",)),
        Row("when", "7/4/2026 jam 2", "when_check", data=ASKED, says=("core.odd_hour_check",)),
        Row(
            "when_check",
            Press("yes"),
            "end",
            data={**ASKED, "day": "2026-04-07", "start": "02:00"},
            why="meant it",
        ),
        Row(
            "when_check",
            Press("yes"),
            "confirm",
            data={**ASKED, "day": "2026-04-07", "start": "20:00", "end": "23:00"},
        ),
        Row(
            "when_check",
            Press("change"),
            "when",
            data={**ASKED, "day": "2026-04-07", "start": "02:00"},
        ),
        Row(
            "end",
            "23.00",
            "when_check",
            data={**ASKED, "day": "2026-04-07", "start": "13:00"},
            why="ends at 23.00",
        ),
        Row("when", "26/3/2026 13.00", SAME, data=ASKED, says=("event_team.too_late",)),
        Row(
            "end",
            "15.00",
            "confirm",
            data={**ASKED, "day": "2026-04-07", "start": "13:00"},
            says=("event_team.reschedule_confirm",),
        ),
        Row(
            "end",
            "12.00",
            SAME,
            data={**ASKED, "day": "2026-04-07", "start": "13:00"},
            says=("event_team.end_before_start",),
        ),
        Row("confirm", Press("yes"), None, data=MOVED, does=("Reschedule",)),
        Row("confirm", Press("no"), None, data=MOVED, says=("core.cancelled",)),
        Row("confirm", "ya", SAME, data=MOVED, says=("core.choose_from_buttons",), why="typed"),
    ],
    "et_batal": [
        Row("reason", "Acara ditunda", "confirm", data=ASKED, says=("event_team.cancel_confirm",)),
        Row("reason", "no", SAME, data=ASKED, says=("event_team.cancel_reason_prompt",)),
        Row("confirm", Press("yes"), None, data=REASON, does=("CancelOwnRequest",)),
        Row("confirm", Press("no"), None, data=REASON, says=("event_team.cancel_kept",)),
        Row("confirm", "ya", SAME, data=REASON, says=("core.choose_from_buttons",), why="typed"),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
