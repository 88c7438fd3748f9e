"""`/laporan` in chat: CAN, the CC and admins get the two files; others are refused."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.flows.reports import MakeReport
from bot.messages import Document
from bot.services import directory
from bot.services.context import ServiceCtx, UserError
from storage.db import transaction
from storage.models import Employee
from tests.reports.reading import DocxReport, XlsxReport
from tests.reports_db.story import ADMIN, CAN, CC, EMPLOYEE, half_year
from tests.support import Clock, Delivered, Harness, texts


def documents(got: list[Delivered]) -> list[Document]:
    """The Word document and the workbook among some messages (the PDF has its own test)."""
    return [
        m.reply
        for m in got
        if isinstance(m.reply, Document) and not m.reply.filename.endswith(".pdf")
    ]


def test_a_can_member_picks_last_quarter_and_gets_both_files(bot: Harness, clock: Clock) -> None:
    half_year(bot.app, clock)
    bot.inbox(CAN)
    menu = bot.say(CAN, "/laporan")
    assert menu[-1].labels == ["Event Team", "Serawai", "Pegasus", "Laporan MP Semesteran"]
    periods = bot.press(CAN, "Event Team")
    assert periods[-1].labels == [
        "Triwulan ini (Triwulan III 2025)",
        "Triwulan lalu (Triwulan II 2025)",
        "Semester ini (Semester II 2025)",
        "Semester lalu (Semester I 2025)",
    ]
    got = bot.press(CAN, "Triwulan lalu")
    assert "Sedang menyusun: Event Team, Triwulan II 2025" in got[0].text
    docx, xlsx = documents(got)
    assert (docx.filename, xlsx.filename) == (
        "laporan-event-team-2025Q2.docx",
        "laporan-event-team-2025Q2.xlsx",
    )
    assert "Laporan Implementasi Event Team Triwulan" in docx.caption
    assert Path(docx.path).is_relative_to(bot.app.settings.data_dir / "reports" / "2025Q2")
    assert DocxReport(Path(docx.path)).key_figure("Permintaan dukungan yang diterima") == "4"
    assert XlsxReport(Path(xlsx.path)).key_figure("Kegiatan terlaksana yang dinilai SM") == 2


def test_the_cc_types_a_half_year_and_an_admin_asks_for_the_semester_report(
    bot: Harness, clock: Clock
) -> None:
    clock.set_wib(date(2025, 7, 2), time(9))
    bot.say(CC, "/laporan")
    bot.press(CC, "Pegasus")
    got = bot.say(CC, "semester 1 2025")
    assert [d.filename for d in documents(got)] == [
        "laporan-pegasus-2025H1.docx",
        "laporan-pegasus-2025H1.xlsx",
    ]
    assert "Laporan Pegasus Semesteran" in documents(got)[0].caption

    bot.say(ADMIN, "/laporan")
    periods = bot.press(ADMIN, "Semesteran")
    assert periods[-1].labels == [
        "Semester ini (Semester II 2025)",
        "Semester lalu (Semester I 2025)",
    ]
    assert "Laporan MP Semesteran disusun per semester" in texts(
        bot.say(ADMIN, "Triwulan II 2025")
    )
    assert "belum dimulai" in texts(bot.say(ADMIN, "Semester I 2026"))
    assert "belum terbaca" in texts(bot.say(ADMIN, "tahun lalu"))
    got = bot.press(ADMIN, "Semester lalu")
    assert [d.filename for d in documents(got)] == [
        "laporan-semester-2025H1.docx",
        "laporan-semester-2025H1.xlsx",
    ]


def test_an_ordinary_employee_is_refused_and_gets_no_file(bot: Harness) -> None:
    refused = bot.app.catalog.t("core.not_allowed")
    assert texts(bot.say(EMPLOYEE, "/laporan")) == refused
    menu = bot.say(EMPLOYEE, "menu")
    assert not any("Laporan" in label for label in menu[-1].labels)
    assert texts(bot.say(EMPLOYEE, payload="cmd:laporan")) == refused
    # The service checks again, should a MakeReport ever come from elsewhere.
    with transaction(bot.app.sessions) as session:
        person = session.scalar(select(Employee).where(Employee.name == EMPLOYEE))
        assert person is not None
        ctx = ServiceCtx(bot.app.env, session, bot.clock(), directory.actor_of(session, person))
        make = bot.app.registry.domain[MakeReport]
        with pytest.raises(UserError) as refusal:
            make(ctx, MakeReport("event-team", "2025Q1"))
    assert refusal.value.message == refused
    assert not (bot.app.settings.data_dir / "reports").exists()
