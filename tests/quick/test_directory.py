"""Importing the directory from chat (fast tier, no database)."""

from __future__ import annotations

import pytest

from bot.flows.directory import ImportPreview, ImportRefusal
from bot.messages import Media
from tests.quick.harness import SAME, Files, Press, Row, Table, check, fake, flow, params

XLSX = Files(
    (Media("/data/in/pegawai.xlsx", "application/vnd.ms-excel", "document", "pegawai.xlsx"),)
)
PDF = Files((Media("/data/in/surat.pdf", "application/pdf", "document", "surat.pdf"),))
GOOD = fake(preview=lambda _path: ImportPreview(2, 1, 5, ("Andi", "Budi"), ("Citra",), ("Dewi",)))
BAD = fake(preview=lambda _path: ImportRefusal(7, "NIP harus 18 angka"))
PLANNED = {"path": "/data/in/pegawai.xlsx", "added": 2, "changed": 1, "unchanged": 5}

TABLE: Table = {
    "impor": [
        Row("file", XLSX, "confirm", says=("directory.import_preview",), lookup=GOOD,
            roles=("admin",)),
        Row("file", "ini filenya", SAME, says=("directory.import_send_file",), roles=("admin",),
            why="no file"),
        Row("file", PDF, SAME, says=("directory.import_wrong_file",), roles=("admin",),
            why="pdf"),
        Row("file", XLSX, SAME, says=("directory.import_rejected",), lookup=BAD,
            roles=("admin",), why="bad row"),
        Row("confirm", Press("yes"), None, does=("ApplyImport",), data=PLANNED, roles=("admin",)),
        Row("confirm", Press("no"), None, says=("core.cancelled",), data=PLANNED,
            roles=("admin",), why="batal"),
        Row("confirm", "mungkin", SAME, says=("core.choose_from_buttons",), data=PLANNED,
            roles=("admin",), why="typed"),
    ],
}  # fmt: skip


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
