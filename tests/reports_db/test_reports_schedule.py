"""At each quarter's and half-year's end the reports go to CAN and the CC, once."""

from __future__ import annotations

import shutil
import threading
from datetime import date, time

from sqlalchemy import select

from bot.app import App
from bot.calendar import to_wib
from bot.messages import Document
from scheduler import run_due
from storage.models import AuditEntry, Reminder, StepRecord
from tests.reports_db.story import ADMIN, CAN, CC, EMPLOYEE, LEAD, half_year, pegasus_quarter
from tests.support import Clock, Delivered, Harness

PDF = shutil.which("soffice") is not None
RECIPIENTS = (ADMIN, CAN, CC)  # Andi holds admin and CAN; Putri CAN; Sri is the CC


def reminders(app: App) -> dict[str, tuple[str, str | None]]:
    """Report reminders: key -> (when due in WIB, outcome)."""
    with app.sessions() as session:
        rows = session.scalars(select(Reminder).where(Reminder.kind == "report.period"))
        return {r.key: (f"{to_wib(r.due_at):%Y-%m-%d %H.%M}", r.outcome) for r in rows}


def files(got: list[Delivered]) -> list[str]:
    """The file names among some messages."""
    return [m.reply.filename for m in got if isinstance(m.reply, Document)]


def test_a_fresh_install_schedules_the_first_reports_and_an_idle_quarter_says_so(
    bot: Harness, clock: Clock
) -> None:
    run_due(bot.app)  # Wednesday 26 March 2025: Idul Fitri and cuti bersama follow the quarter
    assert reminders(bot.app) == {
        "report:2025Q1": ("2025-04-08 08.00", None),
        "report:2025H1": ("2025-07-01 08.00", None),
    }
    clock.set_wib(date(2025, 4, 8), time(8, 30))
    run_due(bot.app)
    for person in RECIPIENTS:
        (only,) = bot.inbox(person)
        assert "Triwulan I 2025 telah berakhir" in only.text
        assert "tidak ada laporan yang dilampirkan" in only.text
    assert bot.inbox(EMPLOYEE) == []
    assert reminders(bot.app)["report:2025Q2"] == ("2025-07-01 08.00", None)
    assert reminders(bot.app)["report:2025Q1"][1] == "sent"
    # SOP-330 step 6, the quarterly report, ran from the quarter's end until it was sent.
    with bot.app.sessions() as session:
        step = session.scalars(select(StepRecord).where(StepRecord.program == "sop330")).one()
    assert (step.step, step.ref, step.standard) == (6, "2025Q1", "5wd")
    assert f"{to_wib(step.started_at):%Y-%m-%d %H.%M}" == "2025-04-01 00.00"
    assert f"{to_wib(step.ended_at or step.started_at):%Y-%m-%d %H.%M}" == "2025-04-08 08.30"


def test_quarter_and_half_year_reports_reach_can_and_cc_once_though_two_ticks_race(
    bot: Harness, clock: Clock
) -> None:
    half_year(bot.app, clock)  # ends on Tuesday 1 July 2025, 10.00 WIB
    pegasus_quarter(bot.app, clock)
    clock.set_wib(date(2025, 6, 20))
    run_due(bot.app)  # installed in June: the quarter and the half-year are scheduled
    for _ in range(2):  # again: the CC hears of a form sent once it was read
        for person in (*RECIPIENTS, EMPLOYEE, LEAD):
            bot.inbox(person)
    clock.set_wib(date(2025, 7, 1), time(10))

    barrier = threading.Barrier(2)

    def scheduler() -> None:
        barrier.wait()
        run_due(bot.app)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_due(bot.app)  # and a later tick does nothing more

    for person in RECIPIENTS:
        got = bot.inbox(person)
        suffixes = (".docx", ".pdf", ".xlsx") if PDF else (".docx", ".xlsx")
        assert sorted(files(got)) == [
            f"laporan-{name}{suffix}"
            for name in ("event-team-2025Q2", "pegasus-2025Q2", "semester-2025H1")
            for suffix in suffixes
        ]
        words = "\n".join(m.text for m in got)
        assert (
            "Triwulan II 2025 telah berakhir. Laporannya sudah tersusun (Event Team dan Pegasus)"
            in words
        )
        assert "Tidak ada kegiatan Serawai pada periode ini" in words
        assert "Semester I 2025 telah berakhir. Laporannya sudah tersusun (Laporan MP" in words
        # two notes, then per report the DOCX, the PDF (or a line saying why not), the XLSX
        assert len(got) == 11
    assert bot.inbox(EMPLOYEE) == []
    assert bot.inbox(LEAD) == []

    due = reminders(bot.app)
    assert due["report:2025Q2"][1] == due["report:2025H1"][1] == "sent"
    assert due["report:2025Q3"] == ("2025-10-01 08.00", None)
    assert due["report:2025H2"] == ("2026-01-02 08.00", None)
    with bot.app.sessions() as session:
        done = session.scalars(select(AuditEntry).where(AuditEntry.action == "report_period"))
        assert sorted((a.subject, tuple(a.detail["sent"])) for a in done) == [
            ("2025H1", ("semester",)),
            ("2025Q2", ("event-team", "pegasus")),
        ]
