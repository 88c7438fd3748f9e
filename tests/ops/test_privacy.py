"""Personal data: forgetting a person who left, and the retention of files and message text."""

from __future__ import annotations

import json
import os
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot.app import App
from bot.calendar import to_wib
from bot.ops.daily import run_daily
from bot.ops.privacy import SCRUBBED, ForgetRefused, apply_retention, forget, pseudonym
from bot.reports.choice import QUARTER, PeriodRef, ReportProgram
from storage.db import transaction
from storage.event_team import EventDocumentation
from storage.models import AuditEntry, Employee, InboundLedger, OutboxMessage
from storage.ops import OpsRun
from tests.ops.conftest import table_rows
from tests.reports_db.story import half_year
from tests.reports_db.test_reports_from_db import make
from tests.support import Clock, Harness

Q2 = PeriodRef(2025, QUARTER, 2)
LEAVER = "Dewi Lestari"  # MC twice in Triwulan II, rated by the lead


def _figures(app: App, out: Path) -> tuple[list[str], list[list[Any]]]:
    docx, xlsx = make(app, ReportProgram.EVENT_TEAM, Q2, out)
    summary = [row[1] for row in docx.table("Indikator", "Nilai")[1:]]
    numbers = [
        [cell for cell in row if isinstance(cell, int | float)]
        for name in xlsx.book.sheetnames
        for row in xlsx.rows(name)
    ]
    return summary, numbers


def _everything(engine: Engine) -> str:
    return json.dumps(table_rows(engine), default=str, ensure_ascii=False)


def test_forget_keeps_report_figures_and_leaves_no_name_or_phone(
    app: App, engine: Engine, clock: Clock, tmp_path: Path
) -> None:
    half_year(app, clock)
    with app.sessions() as session:
        person = session.scalars(select(Employee).where(Employee.name == LEAVER)).one()
        nip, phone, person_id = person.nip, person.phone, person.id
    assert phone
    photo = app.settings.media_dir / "wa-SMdoc-0.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(b"her photo")
    with transaction(app.sessions) as session:
        request_id = (
            session.scalars(
                select(EventDocumentation.request_id).order_by(EventDocumentation.id)
            ).first()
            or 1
        )
        session.add(
            EventDocumentation(
                request_id=request_id,
                member_id=person_id,
                path=str(photo),
                content_type="image/jpeg",
                received_at=clock(),
            )
        )
        session.add(
            AuditEntry(at=clock(), action="test", subject=f"{LEAVER} {phone}", detail={"by": nip})
        )
    before = _figures(app, tmp_path / "before")
    assert LEAVER in _everything(engine)
    assert phone in _everything(engine)

    with transaction(app.sessions) as session:
        done = forget(session, nip, clock())

    assert done.pseudonym == pseudonym(person_id)
    assert done.files_removed == [str(photo)]
    assert not photo.exists()
    everything = _everything(engine)
    for trace in (LEAVER, phone, phone.removeprefix("+"), nip):
        assert trace not in everything
    assert _figures(app, tmp_path / "after") == before
    with app.sessions() as session:
        gone = session.get(Employee, person_id)
        assert gone is not None
        assert (gone.nip, gone.phone, gone.telegram_id) == (done.pseudonym, None, None)
    # A second time finds no such NIP: the old one is gone from the directory.
    with pytest.raises(ForgetRefused), transaction(app.sessions) as session:
        forget(session, nip, clock())


def test_retention_removes_old_received_files_and_message_text(
    app: App, bot: Harness, clock: Clock
) -> None:
    bot.say("Andi", "menu")
    media = app.settings.media_dir
    (media / "inbound").mkdir(parents=True, exist_ok=True)
    old_file, new_file, poster = media / "wa-OLD-0.jpg", media / "inbound/new.pdf", media / "p.png"
    for path in (old_file, new_file, poster):
        path.write_bytes(b"x")
    long_ago = (clock() - timedelta(days=400)).timestamp()
    os.utime(old_file, (long_ago, long_ago))
    os.utime(poster, (long_ago, long_ago))  # not a received file: kept

    clock.advance(days=366)
    bot.say("Andi", "menu")  # a recent message, kept
    with transaction(app.sessions) as session:
        report = apply_retention(session, media, clock(), files_days=365, logs_days=365)
    assert (report.files, report.ledger) == (1, 1)
    assert report.messages >= 1
    assert not old_file.exists()
    assert new_file.exists()
    assert poster.exists()
    with app.sessions() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        old = [r for r in rows if r.created_at < clock() - timedelta(days=365)]
        recent = [r for r in rows if r.created_at >= clock() - timedelta(days=1)]
        assert old
        assert recent
        assert all(
            r.payload == {"type": "text", "text": SCRUBBED} and r.recipient == "" for r in old
        )
        assert all(r.payload["text"] != SCRUBBED for r in recent)
        assert session.scalar(select(InboundLedger.id).order_by(InboundLedger.id)) is not None


def test_the_daily_jobs_run_once_a_day_and_write_the_backup(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    app.settings.backup_dir = tmp_path / "backups"
    clock.set_wib(to_wib(clock()).date(), time(1, 0))  # before BACKUP_HOUR_WIB
    assert run_daily(app) == {}
    clock.advance(hours=2)
    done = run_daily(app)
    assert sorted(done) == ["backup", "retention"]
    assert run_daily(app) == {}  # claimed for today
    assert len(list((tmp_path / "backups").glob("canbot-*.tar.gz"))) == 1
    clock.advance(days=1)
    assert sorted(run_daily(app)) == ["backup", "retention"]
    with app.sessions() as session:
        runs = session.execute(select(OpsRun.job, OpsRun.outcome).order_by(OpsRun.day, OpsRun.job))
        assert list(runs) == [("backup", "ok"), ("retention", "ok")] * 2
    assert len(list((tmp_path / "backups").glob("canbot-*.tar.gz"))) == 2
