"""Event Team, a member's side: declining an assignment, `/tidaktersedia`, `/dokumentasi` and
`/tersedia` (fast tier, no database)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.messages import Media
from tests.quick.harness import SAME, Files, Press, Row, Table, check, flow, params

MEMBER = ("et_member",)
DAYS: dict[str, Any] = {"days": ["2026-04-06", "2026-04-07"], "reason": "Cuti"}
PICK: dict[str, Any] = {"choices": [[4, "#4 Rapat"], [5, "#5 Seminar"]]}
EVENT: dict[str, Any] = {"request_id": 4, "choices": [[4, "#4 Rapat"]]}
PHOTO = Media("media/et/1.jpg", "image/jpeg")
AWAY: dict[str, Any] = {
    "items": [["2026-04-06", "Senin, 6 April"], ["2026-04-07", "Selasa, 7 April"]]
}

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
    "tidaktersedia": [
        Row(
            "dates",
            "6/4/2026",
            "reason",
            roles=MEMBER,
            says=("event_team.unavailable_reason_prompt",),
        ),
        Row("dates", "6/4/2026 sampai 8/4/2026", "reason", roles=MEMBER, why="a range"),
        Row("dates", "kapan", SAME, roles=MEMBER, says=("event_team.unavailable_bad",)),
        Row(
            "dates",
            "1/4/2026 sampai 30/5/2026",
            SAME,
            roles=MEMBER,
            says=("event_team.unavailable_bad",),
            why="over 31 days",
        ),
        Row("dates", "20/3/2026", SAME, roles=MEMBER, says=("event_team.unavailable_past",)),
        Row(
            "reason",
            "Cuti",
            "confirm",
            data={"days": ["2026-04-06"]},
            roles=MEMBER,
            says=("event_team.unavailable_confirm",),
        ),
        Row(
            "reason",
            Press("skip"),
            "confirm",
            data={"days": ["2026-04-06"]},
            roles=MEMBER,
            why="skip",
        ),
        Row("confirm", Press("yes"), None, data=DAYS, roles=MEMBER, does=("MarkUnavailable",)),
        Row("confirm", Press("no"), None, data=DAYS, roles=MEMBER, says=("core.cancelled",)),
        Row(
            "confirm",
            "ya",
            SAME,
            data=DAYS,
            roles=MEMBER,
            says=("core.choose_from_buttons",),
            why="typed",
        ),
    ],
    "dokumentasi": [
        Row(
            "collect",
            Press("5"),
            "collect",
            data=PICK,
            roles=MEMBER,
            says=("event_team.doc_prompt",),
            why="pick the event",
        ),
        Row(
            "collect",
            Press("9"),
            SAME,
            data=PICK,
            roles=MEMBER,
            says=("core.choose_from_buttons",),
            why="not offered",
        ),
        Row(
            "collect",
            Files((PHOTO,)),
            "collect",
            data=EVENT,
            roles=MEMBER,
            does=("SaveDocumentation",),
            why="photos",
        ),
        Row(
            "collect", Press("done"), None, data=EVENT, roles=MEMBER, says=("event_team.doc_done",)
        ),
        Row(
            "collect",
            "selesai",
            None,
            data=EVENT,
            roles=MEMBER,
            says=("event_team.doc_done",),
            why="typed done",
        ),
        Row(
            "collect",
            "halo",
            SAME,
            data=EVENT,
            roles=MEMBER,
            says=("event_team.doc_need_photo",),
            why="no photo",
        ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
