"""The daily jobs the scheduler runs: the backup (when BACKUP_DIR is set) and retention.

Each job runs once per WIB day, from BACKUP_HOUR_WIB on, by whichever instance claims it
first: the claim is a row of `ops_runs` keyed by (job, day), inserted in its own short
transaction; the work itself runs outside any transaction (a backup must not hold SQLite's
write lock). A job that fails is recorded as failed and tried again the next day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.calendar import to_wib
from bot.ops.backup import Retention, backup, prune
from bot.ops.privacy import apply_retention
from storage.db import transaction
from storage.ops import OpsRun

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


def _claim(app: App, job: str, day: date) -> bool:
    now = app.clock()
    try:
        with transaction(app.sessions) as session:
            if session.scalar(select(OpsRun.job).where(OpsRun.job == job, OpsRun.day == day)):
                return False
            session.add(OpsRun(job=job, day=day, started_at=now))
    except IntegrityError:
        return False  # another instance claimed it a moment before
    return True


def _finish(app: App, job: str, day: date, outcome: str, note: str) -> None:
    with transaction(app.sessions) as session:
        session.execute(
            update(OpsRun)
            .where(OpsRun.job == job, OpsRun.day == day)
            .values(finished_at=app.clock(), outcome=outcome, note=note[:2000])
        )


def _run(app: App, job: str, day: date, work: Callable[[], str]) -> str | None:
    if not _claim(app, job, day):
        return None
    try:
        note = work()
    except Exception as exc:
        log.exception("daily %s failed", job)
        _finish(app, job, day, "failed", f"{type(exc).__name__}: {exc}")
        return None
    _finish(app, job, day, "ok", note)
    return note


def backup_now(app: App) -> str:
    """Write an archive into BACKUP_DIR and prune by the retention settings."""
    settings = app.settings
    assert settings.backup_dir is not None
    url = app.engine.url.render_as_string(hide_password=False)
    archive = backup(url, settings.data_dir, settings.backup_dir, app.clock())
    removed = prune(
        settings.backup_dir,
        Retention(
            settings.backup_keep_daily, settings.backup_keep_weekly, settings.backup_keep_monthly
        ),
    )
    log.info("backup written: %s (%d old archives removed)", archive.name, len(removed))
    return f"{archive.name}; removed {len(removed)}"


def retention_now(app: App) -> str:
    """Apply the personal-data retention rule once."""
    settings = app.settings
    with transaction(app.sessions) as session:
        report = apply_retention(
            session,
            settings.media_dir,
            app.clock(),
            files_days=settings.retention_days_files,
            logs_days=settings.retention_days_logs,
        )
    return f"{report.files} files, {report.messages} messages, {report.ledger} ledger rows"


def run_daily(app: App) -> dict[str, str]:
    """Run each daily job that is due today and not yet claimed; what each did."""
    local = to_wib(app.clock())
    if local.hour < app.settings.backup_hour_wib:
        return {}
    done: dict[str, str] = {}
    jobs: list[tuple[str, Callable[[], str]]] = [("retention", lambda: retention_now(app))]
    if app.settings.backup_dir is not None:
        jobs.append(("backup", lambda: backup_now(app)))
    for job, work in jobs:
        note = _run(app, job, local.date(), work)
        if note is not None:
            done[job] = note
    return done
