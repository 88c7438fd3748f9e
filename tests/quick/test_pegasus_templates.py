"""Pegasus `/desain`: choose the active poster template, or make a variant from a background."""

from __future__ import annotations

import pytest

from bot.messages import Media
from tests.quick.harness import SAME, Files, Press, Row, Table, check, flow, params

PJ = ("pj_pegasus",)
KNOWN = {"templates": [("potret-foto", "Potret foto"), ("polos", "Polos")], "active": "polos"}
BASED = KNOWN | {"base": "polos"}
NAMED = BASED | {"name": "biru-laut", "started_at": "2026-03-25T02:00:00Z"}
BACKGROUND = Files((Media("/media/inbound/latar.png", "image/png", "photo", "latar.png"),))

TABLE: Table = {
    "pegasus_desain": [
        Row(
            "action",
            Press("choose"),
            "choose",
            says=("pegasus.template_choose_prompt",),
            data=KNOWN,
            roles=PJ,
        ),
        Row(
            "action",
            Press("upload"),
            "base",
            says=("pegasus.template_base_prompt",),
            data=KNOWN,
            roles=PJ,
        ),
        Row("action", "ganti", SAME, says=("core.choose_from_buttons",), data=KNOWN, roles=PJ),
        Row("choose", Press("potret-foto"), None, does=("SetTemplate",), data=KNOWN, roles=PJ),
        Row("choose", Press("hilang"), SAME, says=("core.choose_from_buttons",), data=KNOWN),
        Row("base", Press("polos"), "name", says=("pegasus.template_name_prompt",), data=KNOWN),
        Row("base", "polos", SAME, says=("core.choose_from_buttons",), data=KNOWN, why="typed"),
        Row("name", "Biru Laut", "image", says=("pegasus.template_image_prompt",), data=BASED),
        Row("name", Press("polos-2"), "image", data=BASED, why="the suggestion"),
        Row("name", "!!", SAME, says=("pegasus.template_name_bad",), data=BASED),
        Row("name", "Polos", SAME, says=("pegasus.template_name_taken",), data=BASED),
        Row(
            "image",
            BACKGROUND,
            "activate",
            says=("pegasus.template_activate_prompt",),
            does=("MakeVariant",),
            data=NAMED,
            roles=PJ,
        ),
        Row("image", "sudah", SAME, says=("pegasus.template_image_needed",), data=NAMED),
        Row("activate", Press("yes"), None, does=("SetTemplate",), data=NAMED, roles=PJ),
        Row("activate", Press("no"), None, says=("pegasus.template_kept",), data=NAMED),
        Row("activate", "ya", SAME, says=("core.choose_from_buttons",), data=NAMED),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
