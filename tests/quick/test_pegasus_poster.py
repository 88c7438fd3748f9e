"""Pegasus poster: the quote and its preview (`pegasus_konten`), the reviewer's note."""

from __future__ import annotations

import pytest

from bot.messages import Media
from tests.quick.harness import SAME, Files, Press, Row, Table, check, flow, params

DUTY = {"duty_id": 7, "duty_date": "2026-04-03", "max_chars": 300, "has_photo": True}
WRITTEN = DUTY | {"quote": "Kerja cerdas, kerja ikhlas."}
WITH_PHOTO = WRITTEN | {"photo": "/media/inbound/foto.jpg"}
PHOTO = Files((Media("/media/inbound/foto.jpg", "image/jpeg", "photo", "foto.jpg"),))
REVIEWER = ("humas",)

TABLE: Table = {
    "pegasus_konten": [
        Row(
            "quote",
            "Kerja cerdas, kerja ikhlas.",
            "confirm",
            says=("pegasus.content_confirm_prompt",),
            does=("RenderPreview",),
            data=DUTY,
        ),
        Row(
            "quote",
            PHOTO,
            SAME,
            says=("pegasus.photo_then_quote", "pegasus.quote_prompt"),
            data=DUTY,
            why="photo first",
        ),
        Row("quote", "   ", SAME, says=("pegasus.quote_needed",), data=DUTY, why="empty"),
        Row("confirm", Press("submit"), None, does=("SubmitPoster",), data=WRITTEN),
        Row("confirm", Press("edit"), "quote", says=("pegasus.quote_current",), data=WRITTEN),
        Row("confirm", Press("photo"), "photo", says=("pegasus.photo_prompt",), data=WRITTEN),
        Row("confirm", Press("nophoto"), SAME, does=("RenderPreview",), data=WITH_PHOTO),
        Row(
            "confirm",
            "Kerja keras, kerja ikhlas.",
            SAME,
            does=("RenderPreview",),
            data=WRITTEN,
            why="a corrected quote typed",
        ),
        Row("confirm", PHOTO, SAME, does=("RenderPreview",), data=WRITTEN, why="a photo sent"),
        Row(
            "confirm",
            Press("nophoto"),
            SAME,
            says=("core.choose_from_buttons",),
            data=WRITTEN,
            why="no photo to remove",
        ),
        Row("photo", PHOTO, "confirm", does=("RenderPreview",), data=WRITTEN),
        Row("photo", "ini fotonya", SAME, says=("pegasus.photo_needed",), data=WRITTEN),
    ],
    "pegasus_catatan": [
        Row(
            "note",
            "Tolong perbaiki ejaan nama kantor.",
            None,
            does=("RequestChanges",),
            data={"duty_id": 7, "author": "Budi Santoso"},
            roles=REVIEWER,
        ),
        Row(
            "note",
            "  ",
            SAME,
            says=("pegasus.note_prompt",),
            data={"duty_id": 7, "author": "Budi Santoso"},
            roles=REVIEWER,
            why="empty",
        ),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
