"""Taking back what one recorded: Event Team `/tersedia`, Pegasus `/batalcuti` (fast tier)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.quick.harness import SAME, Press, Row, Table, check, flow, params


def rows(items: list[tuple[str, str]], command: str, roles: tuple[str, ...]) -> list[Row]:
    """The same pick-and-confirm table for one instance of the shared flow."""
    one: dict[str, Any] = {"items": items}
    chosen: dict[str, Any] = {"items": items, "chosen": [items[0][0]]}
    return [
        Row("pick", Press(items[0][0]), "confirm", data=one, roles=roles, why="one"),
        Row("pick", Press("*"), "confirm", data=one, roles=roles, why="Semua"),
        Row("pick", "besok", SAME, says=("core.choose_from_buttons",), data=one, roles=roles),
        Row("confirm", Press("yes"), None, does=(command,), data=chosen, roles=roles),
        Row("confirm", Press("no"), None, says=("core.cancelled",), data=chosen, roles=roles),
        Row(
            "confirm",
            "ya",
            SAME,
            says=("core.choose_from_buttons",),
            data=chosen,
            roles=roles,
            why="typed",
        ),
        Row(
            "confirm",
            Press("yes"),
            SAME,
            says=("core.choose_from_buttons",),
            data=one,
            roles=roles,
            why="nothing chosen",
        ),
    ]


DATES = [("2026-03-30", "Senin, 30 Maret 2026"), ("2026-03-31", "Selasa, 31 Maret 2026")]
ABSENCES = [("7", "30 Maret - 3 April 2026"), ("9", "20 April 2026")]

TABLE: Table = {
    "et_tersedia": rows(DATES, "ClearUnavailable", ("et_member",)),
    "pegasus_batalcuti": rows(ABSENCES, "CancelAbsences", ()),
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_semua_takes_back_every_entry(name: str) -> None:
    pick_all = TABLE[name][1]
    played = check(flow(name), pick_all)
    assert played.step.data is not None
    assert played.step.data.model_dump()["chosen"] == [v for v, _ in pick_all.data["items"]]
