"""Serawai, the session report: the host reviews and submits it (`serawai_laporan`); the CC
returns it with a note (`serawai_kembalikan`): fast tier, no database."""

from __future__ import annotations

import pytest

from bot.flows.serawai.common import ReportItem, ReportView
from bot.messages import Media
from tests.quick.harness import SAME, Files, Press, Row, Table, check, fake, flow, params

SESSION = {"session_id": 4, "title": "Literasi Data"}
VIEW = ReportView(
    [ReportItem("invitation", True), ReportItem("minutes", False)], "draft", "", False
)
LOOKUP = fake(report=lambda _session_id: VIEW)
REPORT = Media("/tmp/laporan.pdf", "application/pdf", "document", "laporan.pdf")
PHOTO = Media("/tmp/foto.jpg", "image/jpeg", "photo", "foto.jpg")


def _host(state: str, given: str | Press | Files, then: str | None, **kw: object) -> Row:
    return Row(state, given, then, roles=("ca",), lookup=LOOKUP, data=SESSION, **kw)  # type: ignore[arg-type]


TABLE: Table = {
    "serawai_laporan": [
        _host("review", Press("submit"), None, does=("SubmitReport",)),
        _host("review", Press("upload"), "document", says=("serawai.report_document_prompt",)),
        _host("review", "kirim", SAME, says=("core.choose_from_buttons",)),
        _host(
            "document",
            Files((REPORT,)),
            "review",
            says=("serawai.report_review",),
            does=("StoreDocuments",),
        ),
        _host(
            "document",
            Files((PHOTO,)),
            SAME,
            says=("serawai.report_document_prompt",),
            why="a photo",
        ),
    ],
    "serawai_kembalikan": [
        Row(
            "note",
            "Lampirkan daftar hadir.",
            None,
            does=("ReturnReport",),
            roles=("cc",),
            data=SESSION,
        ),
        Row("note", " ", SAME, says=("serawai.return_note_prompt",), roles=("cc",), data=SESSION),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)
