"""Pegasus proof of posting: Humas sends a screenshot or a link."""

from __future__ import annotations

import pytest

from bot.messages import Media
from tests.quick.harness import SAME, Files, Row, Table, check, flow, params

POST = {"duty_id": 7, "platform": "wa", "duty_date": "2026-04-03"}
SHOT = Files((Media("/media/inbound/bukti.jpg", "image/jpeg", "photo", "bukti.jpg"),))
HUMAS = ("humas",)

TABLE: Table = {
    "pegasus_bukti": [
        Row("evidence", SHOT, None, does=("RecordProof",), data=POST, roles=HUMAS),
        Row(
            "evidence",
            "sudah, https://instagram.com/p/abc",
            None,
            does=("RecordProof",),
            data=POST | {"platform": "ig"},
            roles=HUMAS,
            why="a link",
        ),
        Row("evidence", "sudah", SAME, says=("pegasus.proof_needed",), data=POST, roles=HUMAS),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
