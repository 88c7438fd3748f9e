"""Event Team, the lead's side: assigning roles and the internal evaluation (fast tier)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.quick.harness import SAME, Press, Row, Table, check, flow, params

LEAD = ("et_lead",)
PROPOSAL: dict[str, Any] = {
    "request_id": 9,
    "title": "Rapat Koordinasi",
    "starts_at": "2026-04-06T02:00:00Z",
    "ends_at": "2026-04-06T04:00:00Z",
    "slots": [["mc", 1], ["notulis", 1]],
    "picks": [11, 12],
    "members": {11: "Budi", 12: "Citra", 13: "Dewi"},
    "ranked": {"mc": [11, 13, 12], "notulis": [12, 13, 11]},
}
SERVED: dict[str, Any] = {
    "request_id": 9,
    "title": "Rapat Koordinasi",
    "served": [[31, "Budi", "mc"], [32, "Citra", "notulis"]],
}

TABLE: Table = {
    "et_tugas": [
        Row("review", Press("accept"), None, data=PROPOSAL, roles=LEAD, does=("AssignSlots",)),
        Row("review", Press("swap"), "slot", data=PROPOSAL, roles=LEAD),
        Row(
            "review",
            Press("manual"),
            "member",
            data=PROPOSAL,
            roles=LEAD,
            says=("event_team.member_prompt",),
        ),
        Row(
            "review",
            Press("accept"),
            SAME,
            data={**PROPOSAL, "picks": [11, None]},
            roles=LEAD,
            says=("event_team.proposal_gaps_way",),
            why="a slot empty",
        ),
        Row(
            "review",
            Press("partial"),
            None,
            data={**PROPOSAL, "picks": [11, None]},
            roles=LEAD,
            does=("AssignSlots",),
            why="nobody free for one role: the filled ones now, the rest later",
        ),
        Row(
            "review",
            Press("partial"),
            SAME,
            data={**PROPOSAL, "picks": [None, None]},
            roles=LEAD,
            says=("core.choose_from_buttons",),
            why="nothing filled to keep",
        ),
        Row("review", "ok", SAME, data=PROPOSAL, roles=LEAD, says=("core.choose_from_buttons",)),
        Row("slot", Press("1"), "member", data=PROPOSAL, roles=LEAD),
        Row(
            "slot", Press("7"), SAME, data=PROPOSAL, roles=LEAD, says=("core.choose_from_buttons",)
        ),
        Row(
            "member",
            Press("0.13"),
            "review",
            data=PROPOSAL,
            roles=LEAD,
            says=("event_team.proposal",),
        ),
        Row(
            "member",
            Press("0.11"),
            "member",
            data={**PROPOSAL, "picks": [None, None], "manual": True},
            roles=LEAD,
            says=("event_team.member_prompt",),
            why="by hand: the next slot",
        ),
        Row(
            "member",
            Press("0.12"),
            SAME,
            data=PROPOSAL,
            roles=LEAD,
            says=("event_team.member_taken",),
            why="serving the other slot",
        ),
        Row(
            "member",
            Press("1.13"),
            SAME,
            data=PROPOSAL,
            roles=LEAD,
            says=("core.choose_from_buttons",),
            why="another slot's button",
        ),
    ],
    "et_evaluasi_tim": [
        Row(
            "rate",
            Press("0.5"),
            "note",
            data=SERVED,
            roles=LEAD,
            says=("event_team.internal_note_prompt",),
        ),
        Row("rate", Press("1.5"), SAME, data=SERVED, roles=LEAD, says=("event_team.rate_bad",)),
        Row(
            "note",
            "Tepat waktu",
            "rate",
            data={**SERVED, "ratings": [5]},
            roles=LEAD,
            says=("event_team.internal_member",),
        ),
        Row(
            "note",
            Press("skip"),
            None,
            data={**SERVED, "ratings": [5, 4], "notes": ["Tepat waktu"]},
            roles=LEAD,
            does=("SubmitInternalEvaluation",),
            why="last member",
        ),
        Row(
            "note",
            "",
            SAME,
            data={**SERVED, "ratings": [5]},
            roles=LEAD,
            says=("core.choose_from_buttons",),
        ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
