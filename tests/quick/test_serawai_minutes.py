"""Serawai, minutes and photos of a session (`serawai_notula`): fast tier, no database."""

from __future__ import annotations

import pytest

from bot.messages import Media
from tests.quick.harness import SAME, Files, Press, Row, Table, check, flow, params

SESSION = {"session_id": 4, "title": "Literasi Data"}
MINUTES = Media("/tmp/notulen.pdf", "application/pdf", "document", "notulen.pdf")

TABLE: Table = {
    "serawai_notula": [
        Row(
            "files", Files((MINUTES,)), SAME, does=("StoreDocuments",), data=SESSION, why="a file"
        ),
        Row("files", Press("done"), None, says=("serawai.minutes_done",), data=SESSION),
        Row(
            "files",
            "ini notulennya",
            SAME,
            says=("serawai.minutes_prompt",),
            data=SESSION,
            why="no file",
        ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
