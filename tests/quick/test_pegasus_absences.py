"""Pegasus `/cuti` (one's own, or the PJ's for anyone) and `/batalcuti`."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.quick.harness import SAME, Press, Row, Table, check, fake, flow, params

PJ = ("pj_pegasus",)
ME = {"employee_id": 1, "employee_name": "Andi Pratama"}
FROM = {**ME, "start": "2026-03-30"}
BOTH = {**FROM, "end": "2026-04-03"}
BUDI = SimpleNamespace(id=5, name="Budi Santoso", office_name="BPS Kota Bengkulu")
PEOPLE = fake(search_people=lambda q: [BUDI] if "budi" in q.casefold() else [])
MATCHES = {"matches": [(5, "Budi Santoso (BPS Kota Bengkulu)")]}
ITEMS = {"items": [("3", "Andi, 30 Maret"), ("4", "Andi, 6 April")]}


def dates(*roles: str) -> list[Row]:
    """The date questions both absence flows share."""
    return [
        Row("start", "30/3/2026", "end", says=("pegasus.absence_end_prompt",), data=ME),
        Row("start", "besok", "end", data=ME, roles=roles, why="a word"),
        Row("start", "kapan", SAME, says=("pegasus.date_bad",), data=ME, roles=roles),
        Row("start", "minggu depan", SAME, says=("core.when_vague_week",), data=ME, roles=roles),
        Row("end", "bulan depan", SAME, says=("core.when_vague_month",), data=FROM),
        Row("start", "2/3/2026", SAME, says=("pegasus.absence_past",), data=ME, why="past"),
        Row("end", Press("2026-03-30"), "confirm", says=("pegasus.absence_confirm",), data=FROM),
        Row("end", "3/4/2026", "confirm", data=FROM, roles=roles, why="typed"),
        Row("end", Press("2026-04-01"), SAME, says=("pegasus.date_bad",), data=FROM),
        Row("end", "28/3/2026", SAME, says=("pegasus.absence_end_before",), data=FROM),
        Row("end", "30/3/2028", SAME, says=("pegasus.absence_too_long",), data=FROM),
        Row("confirm", Press("yes"), None, does=("RecordAbsence",), data=BOTH, roles=roles),
        Row("confirm", Press("no"), None, says=("core.cancelled",), data=BOTH),
        Row("confirm", "ya", SAME, says=("core.choose_from_buttons",), data=BOTH),
    ]


TABLE: Table = {
    "pegasus_cuti": dates(),
    "pegasus_cuti_pj": [
        Row("who", Press("self"), "start", says=("pegasus.absence_start_prompt",), roles=PJ),
        Row("who", Press("other"), "person", says=("pegasus.person_prompt",), roles=PJ),
        Row("who", "saya", SAME, says=("core.choose_from_buttons",), roles=PJ),
        Row("person", "budi", "pick", says=("pegasus.person_pick",), lookup=PEOPLE, roles=PJ),
        Row("person", "Zainal", SAME, says=("pegasus.person_none",), lookup=PEOPLE, roles=PJ),
        Row(
            "pick",
            Press("5"),
            "start",
            says=("pegasus.absence_start_prompt",),
            data=MATCHES,
            roles=PJ,
        ),
        Row("pick", Press("8"), SAME, says=("core.choose_from_buttons",), data=MATCHES, roles=PJ),
        *dates(*PJ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
