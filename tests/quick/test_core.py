"""Core conversations: choosing a language (fast tier, no database)."""

from __future__ import annotations

import pytest

from tests.quick.harness import SAME, Press, Row, Table, check, flow, params

TABLE: Table = {
    "bahasa": [
        Row("choose", Press("en"), None, does=("SetLanguage",)),
        Row("choose", Press("id"), None, does=("SetLanguage",)),
        Row(
            "choose",
            "Jawa",
            SAME,
            says=("core.choose_from_buttons", "core.language_prompt"),
            why="typed",
        ),
        Row("choose", Press("fr"), SAME, says=("core.choose_from_buttons",), why="no such"),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
