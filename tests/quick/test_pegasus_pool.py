"""Pegasus `/petugas`: the PJ puts a community or one person in the pool, or takes one out."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.quick.harness import SAME, Press, Row, Table, check, fake, flow, params

BUDI = SimpleNamespace(id=5, name="Budi Santoso", office_name="BPS Kota Bengkulu")
MATCHES = {"matches": [(5, "Budi Santoso (BPS Kota Bengkulu)")]}
LOOKUP = fake(
    pool_size=lambda: 3,
    communities=lambda: [("profstat", 22)],
    pool_lines=lambda: ["• Budi Santoso (Kota Bengkulu): 1×"],
    search_people=lambda q: [BUDI] if "budi" in q.casefold() else [],
    search_pool=lambda q: [BUDI] if "budi" in q.casefold() else [],
)
EMPTY = fake(pool_size=lambda: 0, communities=list, pool_lines=list)
PJ = ("pj_pegasus",)

TABLE: Table = {
    "pegasus_petugas": [
        Row(
            "action",
            Press("community"),
            "community",
            says=("pegasus.pool_community_prompt",),
            lookup=LOOKUP,
            roles=PJ,
        ),
        Row(
            "action",
            Press("community"),
            SAME,
            says=("pegasus.pool_no_community", "pegasus.pool_prompt"),
            lookup=EMPTY,
            roles=PJ,
            why="no community in the directory",
        ),
        Row("action", Press("add"), "person", says=("pegasus.person_prompt",), roles=PJ),
        Row("action", Press("remove"), "person", says=("pegasus.person_prompt",), roles=PJ),
        Row("action", Press("list"), None, says=("pegasus.pool_listing",), lookup=LOOKUP),
        Row(
            "action",
            Press("list"),
            None,
            says=("pegasus.pool_empty",),
            lookup=EMPTY,
            why="empty pool",
        ),
        Row("action", "tambah", SAME, says=("core.choose_from_buttons",), lookup=LOOKUP),
        Row(
            "community",
            Press("0"),
            None,
            does=("AddCommunity",),
            data={"communities": ["profstat"]},
            roles=PJ,
        ),
        Row(
            "community",
            Press("3"),
            SAME,
            says=("core.choose_from_buttons",),
            data={"communities": ["profstat"]},
            lookup=LOOKUP,
            why="no such community",
        ),
        Row(
            "community",
            "profstat",
            SAME,
            says=("core.choose_from_buttons",),
            data={"communities": ["profstat"]},
            lookup=LOOKUP,
            why="typed, not pressed",
        ),
        Row(
            "person",
            "budi",
            "pick",
            says=("pegasus.person_pick",),
            data={"mode": "add"},
            lookup=LOOKUP,
        ),
        Row(
            "person",
            "budi",
            "pick",
            says=("pegasus.person_pick",),
            data={"mode": "remove"},
            lookup=LOOKUP,
            why="from the pool",
        ),
        Row(
            "person",
            "Zainal",
            SAME,
            says=("pegasus.person_none",),
            data={"mode": "add"},
            lookup=LOOKUP,
            why="nobody found",
        ),
        Row("pick", Press("5"), None, does=("AddToPool",), data={"mode": "add", **MATCHES}),
        Row(
            "pick",
            Press("5"),
            None,
            does=("RemoveFromPool",),
            data={"mode": "remove", **MATCHES},
        ),
        Row(
            "pick",
            Press("9"),
            SAME,
            says=("core.choose_from_buttons",),
            data={"mode": "add", **MATCHES},
            why="not one of the matches",
        ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
