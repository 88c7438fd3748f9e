"""Serawai, CAN opens a round (`serawai_buka`): fast tier, no database."""

from __future__ import annotations

import pytest

from bot.messages import Media
from tests.quick.harness import SAME, Files, Press, Row, Table, check, fake, flow, params

NO_ROUND = fake(open_round_name=lambda: None)
OPEN = fake(open_round_name=lambda: "Serawai Triwulan I 2026")
READY = {"name": "Serawai Triwulan II 2026", "started_at": "2026-03-25T02:00:00+00:00"}
LETTER = Media("/tmp/surat.pdf", "application/pdf", "document", "surat.pdf")
PHOTO = Media("/tmp/foto.jpg", "image/jpeg", "photo", "foto.jpg")


def _row(state: str, given: str | Press | Files, then: str | None, **kw: object) -> Row:
    return Row(state, given, then, roles=("can",), **kw)  # type: ignore[arg-type]


TABLE: Table = {
    "serawai_buka": [
        _row("name", "Serawai Triwulan II 2026", "proposal_days", lookup=NO_ROUND),
        _row("name", "   ", SAME, says=("core.text_meaningless",), lookup=NO_ROUND, why="empty"),
        _row("name", "🎉", SAME, says=("core.text_meaningless",), lookup=NO_ROUND, why="emoji"),
        _row("name", "Q", SAME, says=("core.text_short",), lookup=NO_ROUND, why="one letter"),
        _row("name", "X" * 101, SAME, says=("core.text_long",), lookup=NO_ROUND),
        _row("name", "Lagi", None, says=("serawai.open_already",), lookup=OPEN, why="one open"),
        _row("proposal_days", "7", "voting_days", data=READY),
        _row("proposal_days", "31", SAME, says=("serawai.number_bad",), data=READY),
        _row("proposal_days", "tujuh", SAME, says=("serawai.number_bad",), data=READY),
        _row("voting_days", "15", "themes", says=("serawai.open_themes_prompt",), data=READY),
        _row("voting_days", "0", SAME, says=("serawai.number_bad",), data=READY),
        _row("themes", Press("3"), "per_office", data=READY),
        _row("themes", "11", SAME, says=("serawai.number_bad",), data=READY),
        _row("per_office", Press("1"), "max_choices", data=READY),
        _row("per_office", "6", SAME, says=("serawai.number_bad",), data=READY),
        _row("max_choices", Press("2"), "letter", says=("serawai.letter_prompt",), data=READY),
        _row("max_choices", "9", SAME, says=("serawai.number_bad",), data=READY),
        _row("letter", Press("skip"), "confirm", says=("serawai.open_confirm",), data=READY),
        _row("letter", Files((LETTER,)), "confirm", says=("serawai.open_confirm",), data=READY),
        _row("letter", Files((PHOTO,)), SAME, says=("serawai.letter_bad",), data=READY),
        _row("confirm", Press("yes"), None, does=("CreateRound",), data=READY),
        _row("confirm", Press("no"), None, says=("core.cancelled",), data=READY),
        _row("confirm", "ya dong", SAME, says=("core.choose_from_buttons",), data=READY),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
