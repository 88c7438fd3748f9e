"""Event Team, the SM's side: `/dukungan`, requesting support (fast tier, no database).

The clock stands at Wednesday 25 March 2026, 09.00 WIB: 6 April is far enough ahead, 26 March
is under the three working days the SOP asks for, 24 March is past.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.quick.harness import SAME, Press, Row, Table, check, flow, params

READY: dict[str, Any] = {
    "title": "Rapat Koordinasi",
    "day": "2026-04-06",
    "start": "09:00",
    "end": "11:00",
    "place": "Aula BPS Provinsi",
    "roles": [["mc", 1], ["notulis", 2]],
}

TABLE: Table = {
    "dukungan": [
        Row("title", "Rapat Koordinasi", "when", says=("event_team.when_prompt",)),
        Row("title", "ab", SAME, says=("core.text_short",), why="too short"),
        Row("title", "🎉🎉🎉", SAME, says=("core.text_meaningless",), why="emoji only"),
        Row("title", "R" * 201, SAME, says=("core.text_long",), why="too long"),
        Row("when", "6/4/2026 09.00-11.00", "place", says=("event_team.place_prompt",)),
        Row("when", "6/4/2026 09.00", "end", says=("event_team.end_prompt",), why="no end"),
        Row("when", "kapan-kapan", SAME, says=("event_team.when_bad",), why="unreadable"),
        Row("when", "24/3/2026 09.00", SAME, says=("event_team.when_past",), why="past"),
        Row("when", "26/3/2026 09.00", SAME, says=("event_team.too_late",), why="lead time"),
        Row("when", "minggu depan jam 9", SAME, says=("core.when_vague_week",), why="no day"),
        Row("when", "bulan depan", SAME, says=("core.when_vague_month",), why="no date"),
        Row("when", "6/4/2026 jam 2", "when_check", says=("core.odd_hour_check",), why="02.00"),
        Row("when", "6/4/2026 20.00-23.00", "when_check", why="ends at 23.00"),
        Row(
            "when_check",
            Press("yes"),
            "end",
            data={"day": "2026-04-06", "start": "02:00"},
            says=("event_team.end_prompt",),
            why="meant it, no end yet",
        ),
        Row(
            "when_check",
            Press("yes"),
            "place",
            data={"day": "2026-04-06", "start": "20:00", "end": "23:00"},
            says=("event_team.place_prompt",),
        ),
        Row(
            "when_check",
            Press("yes"),
            "summary",
            data={**READY, "start": "20:00", "end": "23:00", "editing": True},
            why="while editing",
        ),
        Row(
            "when_check",
            Press("change"),
            "when",
            data={"day": "2026-04-06", "start": "02:00"},
            says=("event_team.when_prompt",),
        ),
        Row(
            "when_check",
            "ya",
            SAME,
            data={"day": "2026-04-06", "start": "02:00"},
            says=("core.choose_from_buttons",),
            why="typed",
        ),
        Row(
            "end",
            "11.00",
            "place",
            data={"day": "2026-04-06", "start": "09:00"},
            says=("event_team.place_prompt",),
        ),
        Row(
            "end",
            "08.00",
            SAME,
            data={"day": "2026-04-06", "start": "09:00"},
            says=("event_team.end_before_start",),
            why="before start",
        ),
        Row(
            "end",
            "23.00",
            "when_check",
            data={"day": "2026-04-06", "start": "09:00"},
            says=("core.odd_hour_check",),
            why="ends at 23.00",
        ),
        Row(
            "end",
            "nanti",
            SAME,
            data={"day": "2026-04-06", "start": "09:00"},
            says=("event_team.end_bad",),
            why="unreadable",
        ),
        Row("place", "Aula BPS Provinsi", "roles", says=("event_team.roles_prompt",)),
        Row("place", "x", SAME, says=("core.text_short",), why="too short"),
        Row("place", "A" * 3000, SAME, says=("core.text_long",), why="3,000 characters"),
        Row(
            "place",
            "Ruang Rapat 2",
            "summary",
            data={**READY, "editing": True},
            says=("event_team.summary",),
            why="edited: back to the summary",
        ),
        Row("roles", Press("mc"), "count", says=("event_team.count_prompt",)),
        Row("roles", Press("other"), "other", says=("event_team.other_prompt",)),
        Row(
            "roles",
            Press("done"),
            "notes",
            data={"roles": [["mc", 1]]},
            says=("event_team.notes_prompt",),
        ),
        Row("roles", Press("done"), SAME, says=("event_team.roles_empty",), why="no role yet"),
        Row(
            "roles",
            "MC 1, notulis 2",
            "notes",
            says=("event_team.roles_read", "event_team.notes_prompt"),
            why="typed in one message",
        ),
        Row("roles", "mc 1 notulis 2", "notes", why="no comma"),
        Row("roles", "2 notulis dan 1 MC", "notes", why="count first, dan"),
        Row("roles", "notulis -1", SAME, says=("core.number_negative",), why="negative"),
        Row("roles", "mc 0", SAME, says=("core.number_range",), why="zero"),
        Row("roles", "???", SAME, says=("event_team.roles_typed_bad",), why="no role"),
        Row("other", "Penerjemah", "count", says=("event_team.count_prompt",)),
        Row("other", "x", SAME, says=("core.text_short",), why="too short"),
        Row("other", "👋", SAME, says=("core.text_meaningless",), why="emoji only"),
        Row(
            "count",
            Press("2"),
            "roles",
            data={"pending_role": "notulis"},
            says=("event_team.roles_prompt",),
        ),
        Row(
            "count",
            Press("9"),
            SAME,
            data={"pending_role": "notulis"},
            says=("core.choose_from_buttons",),
            why="over the limit",
        ),
        Row(
            "count",
            "-1",
            SAME,
            data={"pending_role": "notulis"},
            says=("core.number_negative",),
            why="negative",
        ),
        Row(
            "count",
            "0",
            SAME,
            data={"pending_role": "notulis"},
            says=("core.number_range",),
            why="zero",
        ),
        Row("notes", "Bawa laptop", "portal", says=("event_team.portal_prompt",)),
        Row("notes", "n" * 2001, SAME, says=("core.text_long",), why="over 2,000: told"),
        Row("portal", "p" * 201, SAME, says=("core.text_long",), why="over 200: told"),
        Row("notes", Press("skip"), "portal", says=("event_team.portal_prompt",), why="skip"),
        Row("portal", "PP-2026-031", "summary", data=READY, says=("event_team.summary",)),
        Row("summary", Press("send"), None, data=READY, does=("SubmitRequest",)),
        Row("summary", Press("edit"), "edit", data=READY, says=("event_team.edit_prompt",)),
        Row("summary", Press("cancel"), None, data=READY, says=("core.cancelled",)),
        Row("summary", "ya", SAME, data=READY, says=("core.choose_from_buttons",), why="typed"),
        Row("edit", Press("place"), "place", data=READY, says=("event_team.place_prompt",)),
        *(
            Row("edit", Press(field), field, data=READY, why=f"edit {field}")
            for field in ("title", "when", "roles", "notes", "portal")
        ),
        Row("edit", Press("judul"), SAME, data=READY, says=("core.choose_from_buttons",)),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
