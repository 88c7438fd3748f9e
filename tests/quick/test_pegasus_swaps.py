"""Pegasus `/tukar`: the person on duty hands the turn to a colleague, or offers it to the pool."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.quick.harness import SAME, Press, Row, Table, check, fake, flow, params

DUTY = {"duty_id": 7, "duty_date": "2026-04-03"}
BUDI = SimpleNamespace(id=5, name="Budi Santoso", office_name="BPS Kota Bengkulu")
FREE = fake(swap_candidates=lambda _duty, q: [BUDI] if q in ("", "budi") else [])
NOBODY = fake(swap_candidates=lambda _duty, _q: [])
MATCHES = {**DUTY, "matches": [(5, "Budi Santoso (BPS Kota Bengkulu)")]}

TABLE: Table = {
    "pegasus_tukar": [
        Row("mode", Press("all"), "confirm", says=("pegasus.swap_confirm_all",), data=DUTY),
        Row(
            "mode",
            Press("pick"),
            "pick",
            says=("pegasus.swap_pick_prompt",),
            data=DUTY,
            lookup=FREE,
        ),
        Row(
            "mode",
            Press("pick"),
            SAME,
            says=("pegasus.swap_no_candidates",),
            data=DUTY,
            lookup=NOBODY,
            why="nobody free",
        ),
        Row("mode", "tukar", SAME, says=("core.choose_from_buttons",), data=DUTY),
        Row("pick", Press("5"), "confirm", says=("pegasus.swap_confirm_one",), data=MATCHES),
        Row("pick", "budi", SAME, says=("pegasus.swap_pick_prompt",), data=MATCHES, lookup=FREE),
        Row(
            "pick",
            "Zainal",
            SAME,
            says=("pegasus.swap_none_match",),
            data=MATCHES,
            lookup=FREE,
            why="typed name finds nobody",
        ),
        Row("pick", Press("9"), SAME, says=("core.choose_from_buttons",), data=MATCHES),
        Row(
            "confirm", Press("yes"), None, does=("RequestSwap",), data={**DUTY, "offer_all": True}
        ),
        Row(
            "confirm",
            Press("yes"),
            None,
            does=("RequestSwap",),
            data={**DUTY, "to_id": 5, "to_name": "Budi Santoso"},
            why="to one colleague",
        ),
        Row("confirm", Press("no"), None, says=("core.cancelled",), data={**DUTY, "to_id": 5}),
        Row(
            "confirm",
            Press("yes"),
            SAME,
            says=("core.choose_from_buttons",),
            data=DUTY,
            why="nobody chosen",
        ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
