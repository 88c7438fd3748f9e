"""Event Team, a member's side: declining an assignment (fast tier, no database)."""

from __future__ import annotations

import pytest

from tests.quick.harness import SAME, Row, Table, check, flow, params

TABLE: Table = {
    "et_tolak": [
        Row(
            "reason",
            "Sakit, ada surat dokter",
            None,
            does=("DeclineAssignment",),
            data={"assignment_id": 3, "title": "Rapat"},
            roles=("et_member",),
        ),
        Row(
            "reason",
            "ok",
            SAME,
            says=("event_team.decline_prompt",),
            data={"assignment_id": 3, "title": "Rapat"},
            roles=("et_member",),
            why="too short",
        ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
