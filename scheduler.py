"""The scheduler: a tick that carries out due reminders, prompts and deadlines, once each.

`python scheduler.py` runs it on its own (APScheduler, every SCHEDULER_INTERVAL_SECONDS);
`python scheduler.py --once` does the due work (and the daily jobs, bot/ops/daily.py) once
and exits; `python -m bot run` hosts it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.app import App, build_app
from bot.health import record_tick
from bot.logs import configure_logging
from bot.ops.daily import run_daily
from bot.outbox import release_stuck
from bot.tick import TickReport, ensure_recurring, tick
from storage.db import transaction

log = logging.getLogger("scheduler")


def run_due(app: App) -> TickReport:
    """One tick: recurring work ensured, due reminders into the outbox, stuck messages released.

    The tick's time is recorded last, with the release, for /readyz: a tick that fails
    leaves the previous time, and readiness fails once three intervals pass without one.
    """
    ensure_recurring(app)
    report = tick(app)
    with transaction(app.sessions) as session:
        release_stuck(session, app.clock(), timedelta(minutes=5))
        record_tick(session, app.clock())
    if report.sent or report.past or report.failed:
        log.info(
            "tick: %d sent, %d collapsed, %d past, %d skipped, %d failed",
            report.sent,
            report.collapsed,
            report.past,
            report.skipped,
            report.failed,
        )
    if report.sent:
        app.on_queued()
    return report


def make_scheduler(app: App, *, background: bool) -> BaseScheduler:
    """An APScheduler running the tick; never two ticks at once, missed ticks coalesced."""
    scheduler: BaseScheduler = (
        BackgroundScheduler(timezone="UTC") if background else BlockingScheduler(timezone="UTC")
    )
    scheduler.add_job(
        run_due,
        "interval",
        args=[app],
        seconds=app.settings.scheduler_interval_seconds,
        id="tick",
        max_instances=1,
        coalesce=True,
        next_run_time=app.clock(),
    )
    # Backups and retention (bot/ops/daily.py): checked every 10 minutes, in a job of their
    # own so a long backup never holds up the tick.
    scheduler.add_job(
        run_daily,
        "interval",
        args=[app],
        seconds=600,
        id="daily",
        max_instances=1,
        coalesce=True,
        next_run_time=app.clock() + timedelta(seconds=60),
    )
    return scheduler


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description="CAN Bot scheduler")
    parser.add_argument("--once", action="store_true", help="do the due work once and exit")
    args = parser.parse_args(argv)
    from bot.config import ConfigError, load_settings

    try:
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format)
        app = build_app(settings)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.once:
        report = run_due(app)
        run_daily(app)
        print(
            f"sent {report.sent}, collapsed {report.collapsed}, past {report.past}, "
            f"skipped {report.skipped}, failed {report.failed}"
        )
        return 0
    make_scheduler(app, background=False).start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
