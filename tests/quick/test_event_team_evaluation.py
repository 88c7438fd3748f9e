"""Event Team, the SM's evaluation form (fast tier, no database)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.quick.harness import SAME, Press, Row, Table, check, flow, params

FORM: dict[str, Any] = {
    "request_id": 5,
    "title": "Rapat Koordinasi",
    "aspects": ["readiness", "punctuality", "role:mc", "communication", "overall"],
}
RATED: dict[str, Any] = {**FORM, "ratings": [5, 4, 5, 4, 5]}

TABLE: Table = {
    "et_evaluasi": [
        Row("rate", Press("0.4"), "rate", data=FORM, says=("event_team.rate_prompt",)),
        Row(
            "rate",
            Press("4.5"),
            "suggestions",
            data={**FORM, "ratings": [5, 4, 5, 4]},
            says=("event_team.suggestions_prompt",),
            why="last rating",
        ),
        Row("rate", Press("1.4"), SAME, data=FORM, says=("event_team.rate_bad",), why="stale"),
        Row("rate", "4", SAME, data=FORM, says=("event_team.rate_bad",), why="typed"),
        Row("suggestions", "Lebih awal datang", None, data=RATED, does=("SubmitEvaluation",)),
        Row("suggestions", Press("skip"), None, data=RATED, does=("SubmitEvaluation",)),
        Row("suggestions", "", SAME, data=RATED, says=("event_team.suggestions_prompt",)),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
