"""Serawai, a code typed after /hadir (`serawai_hadir`) or /verifikasi (`serawai_verifikasi`)
without one: fast tier, no database."""

from __future__ import annotations

import pytest

from tests.quick.harness import SAME, Row, Table, check, flow, params

TABLE: Table = {
    "serawai_hadir": [
        Row("code", "123 456", None, does=("CheckIn",)),
        Row("code", "  ", SAME, says=("serawai.checkin_prompt",), why="empty"),
        Row("code", "1" * 81, SAME, says=("serawai.checkin_prompt",), why="too long"),
    ],
    "serawai_verifikasi": [
        Row("code", "https://can.example/verifikasi/AbC-123_xyz0123456", None, does=("Verify",)),
        Row("code", "", SAME, says=("serawai.verify_prompt",), why="empty"),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
