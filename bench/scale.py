"""A national deployment on PostgreSQL: 16,000 employees in 548 offices.

A broadcast to everyone is queued the way a service queues one (`ServiceCtx.notify`, kind
"broadcast", one idempotency key per person, one transaction), then drained by two running
bot instances (`python -m bot run`, WhatsApp only) on the one database, each paced at half
of the WhatsApp sender's throughput (Twilio's default: 80 messages a second), to a fake
Twilio that answers 429 above 80 a second. Every person must get the message exactly once.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.common import (
    Row,
    bot_env,
    free_port,
    fresh_database,
    process,
    seed_bench_people,
    tail,
    wait_healthy,
)
from bench.fakes import whatsapp_env
from bot.app import build_app
from bot.calendar import utcnow
from bot.config import Settings
from bot.messages import Channel, Text
from bot.services.context import ServiceCtx
from storage.db import make_engine, transaction
from storage.models import Employee, OutboxMessage
from storage.seed import DEMO_PEOPLE
from storage.seed import OFFICES as OFFICE_CODES
from tests.fakes.twilio_api import FakeTwilioAPI

EMPLOYEES, OFFICES = 16_000, 548
PLATFORM_RATE = 80.0  # Twilio's default throughput for one WhatsApp sender
INSTANCES = 2
TARGET = 0.95
BROADCAST_SID = "HX" + "d4" * 16
TEXT = (
    "Informasi Serawai: pemungutan suara tema Serawai Triwulan II dibuka hari ini sampai "
    "Jumat, 11 April 2025 pukul 16.00 WIB."
)


def _queue_broadcast(url: str, folder: Path) -> float:
    """Queue one message to every employee in one transaction; seconds taken."""
    settings = Settings(
        _env_file=None,
        database_url=url,
        data_dir=folder / "scale-queue",
    )
    engine = make_engine(url)
    app = build_app(settings, engine=engine, channels={Channel.WHATSAPP}, run_migrations=False)
    started = time.perf_counter()
    with transaction(app.sessions) as session:
        ctx = ServiceCtx(app=app, session=session, now=app.clock())
        for employee in session.scalars(select(Employee).where(Employee.active)):
            ctx.notify(employee, [Text(TEXT)], kind="broadcast", key=f"bench:siaran:{employee.id}")
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def _outbox(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        counts = dict(
            conn.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
    engine.dispose()
    return {str(k): int(v) for k, v in counts.items()}


def run(folder: Path) -> list[Row]:
    """Seed, start two instances, queue the broadcast, wait until it is all sent."""
    url = fresh_database("postgresql", folder, "scale")
    engine = make_engine(url)
    seed_started = time.perf_counter()
    seed_bench_people(
        engine,
        EMPLOYEES - len(DEMO_PEOPLE),
        utcnow(),
        preferred="whatsapp",
        offices=OFFICES - len(OFFICE_CODES),
    )
    with engine.connect() as conn:
        people = conn.scalar(select(func.count()).select_from(Employee)) or 0
    engine.dispose()
    seed_seconds = time.perf_counter() - seed_started
    ports = [free_port() for _ in range(INSTANCES)]
    with FakeTwilioAPI() as twilio, contextlib.ExitStack() as stack:
        twilio.enforce_rate_limit(PLATFORM_RATE)
        children = [
            stack.enter_context(
                process(
                    [sys.executable, "-m", "bot", "run"],
                    bot_env(
                        url,
                        folder / f"scale-{n}",
                        port,
                        **whatsapp_env(
                            twilio.account_sid,
                            twilio.auth_token,
                            twilio.url,
                            templates=f"broadcast={BROADCAST_SID}",
                            per_second=PLATFORM_RATE / INSTANCES,
                        ),
                    ),
                    log=folder / f"scale-{n}.log",
                )
            )
            for n, port in enumerate(ports)
        ]
        for child, port in zip(children, ports, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}/healthz", child)
        queue_seconds = _queue_broadcast(url, folder)
        deadline = time.monotonic() + 2.5 * EMPLOYEES / PLATFORM_RATE
        while time.monotonic() < deadline:
            counts = _outbox(url)
            if counts.get("sent", 0) + counts.get("failed", 0) >= EMPLOYEES:
                break
            if any(child.poll() is not None for child in children):
                raise RuntimeError("a bot instance died: " + tail(folder / "scale-0.log"))
            time.sleep(1.0)
        stack.close()  # both instances stopped before the fake's records are read
        created = sorted(float(m["created"]) for m in twilio.messages)
        recipients = [str(m["To"]) for m in twilio.messages]
        rate_limited = twilio.rate_limited
    counts = _outbox(url)
    unique = len(set(recipients))
    twice = len(recipients) - unique
    lost = EMPLOYEES - unique
    rate = (len(created) - 1) / (created[-1] - created[0]) if len(created) > 1 else 0.0
    share = rate / PLATFORM_RATE
    return [
        Row(
            "Scale: 16,000-person broadcast, 2 instances",
            "postgresql",
            f"{rate:.1f}/s, {lost} lost, {twice} twice, {rate_limited} × 429",
            f"{PLATFORM_RATE:g}/s allowed",
            f"{share:.2f}",
            f"≥ {TARGET} of the rate, none lost or twice",
            share >= TARGET and lost == 0 and twice == 0,
            f"{people:,} employees in {OFFICES} offices (seeded in {seed_seconds:.1f} s); the "
            f"broadcast queued in {queue_seconds:.1f} s in one transaction; drained by "
            f"{INSTANCES} `python -m bot run` instances at "
            f"{PLATFORM_RATE / INSTANCES:g}/s each; outbox afterwards: {counts}",
        )
    ]
