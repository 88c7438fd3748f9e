"""Telegram inbound through the python-telegram-bot application, beside a bare echo handler.

Both runs use the application `build_application` makes for `python -m bot run` (the same
handlers, the same translation of updates, the same update processor: up to 16 chats at once,
each chat's updates in order); updates go in through its update queue, as webhook mode puts
them. The real run's sink is the bot's Telegram sink (dispatch in a thread of its own pool: a
step of the language flow, committed); the floor's sink only echoes the text into a list.
Beside the rate, the note gives what bounds it: this process's CPU time and the SQL
statements per update.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import event
from telegram import Update

from bench.common import BENCH_TELEGRAM_BASE, Row, fresh_database, ratio, seed_bench_people
from bot.app import build_app
from bot.calendar import utcnow
from bot.config import Settings
from bot.handlers.telegram import CONCURRENT_UPDATES, build_application
from bot.messages import Channel, Inbound, Text
from bot.server import Runtime
from storage.db import make_engine

PEOPLE = 200
ROUNDS = 6  # 1,200 updates measured
TARGET = 0.3


def updates(rounds: int, first_update: int) -> list[dict[str, Any]]:
    """Private messages from every bench employee: `/bahasa`, then `1`, alternately."""
    out: list[dict[str, Any]] = []
    now = int(time.time())
    for round_ in range(rounds):
        for person in range(PEOPLE):
            n = first_update + len(out)
            user = BENCH_TELEGRAM_BASE + person
            text = "/bahasa" if round_ % 2 == 0 else "1"
            message: dict[str, Any] = {
                "message_id": n,
                "from": {"id": user, "is_bot": False, "first_name": "Uji", "language_code": "id"},
                "chat": {"id": user, "type": "private", "first_name": "Uji"},
                "date": now,
                "text": text,
            }
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
            out.append({"update_id": n, "message": message})
    return out


Sink = Callable[[Inbound], Awaitable[None]]


class Measured(NamedTuple):
    """Updates per second, and this process's CPU milliseconds per update (ordered by rate)."""

    rate: float
    cpu_ms: float


async def measure(settings: Settings, sink: Sink, batch: list[dict[str, Any]]) -> Measured:
    """Updates per second through a started application whose handlers call `sink`."""
    # Collect the garbage left by migrating and seeding now: collected during the first run
    # of a process, it doubled the echo's time per update and flattered the ratio.
    gc.collect()
    done = asyncio.Event()
    count = 0

    async def counting(inbound: Inbound) -> None:
        nonlocal count
        await sink(inbound)
        count += 1
        if count == len(batch):
            done.set()

    application = build_application(settings, counting)
    await application.initialize()
    await application.start()
    try:
        started, cpu = time.perf_counter(), time.process_time()
        for data in batch:
            await application.update_queue.put(Update.de_json(data, application.bot))
        await asyncio.wait_for(done.wait(), timeout=600)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        return Measured(len(batch) / elapsed, cpu * 1000 / len(batch))
    finally:
        await application.stop()
        await application.shutdown()


def run(backend: str, folder: Path, fakes: dict[str, Any]) -> list[Row]:
    """The echo floor, then the bot."""
    url = fresh_database(backend, folder, "telegram")
    engine = make_engine(url)
    seed_bench_people(engine, PEOPLE, utcnow(), telegram=True)
    settings = Settings(
        _env_file=None,
        database_url=url,
        data_dir=folder / f"telegram-{backend}",
        telegram_bot_token=fakes["bot_api"]["token"],
        telegram_api_base_url=fakes["bot_api"]["base_url"],
        telegram_file_base_url=fakes["bot_api"]["base_file_url"],
    )
    app = build_app(settings, engine=engine, channels={Channel.TELEGRAM}, run_migrations=False)
    echoed: list[Text] = []

    async def echo(inbound: Inbound) -> None:
        echoed.append(Text(inbound.text or ""))

    statements = 0

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    async def both() -> tuple[Measured, Measured]:
        nonlocal statements
        await measure(settings, echo, updates(1, 1))  # warm-up
        real_sink = Runtime(app).telegram_sink
        await measure(settings, real_sink, updates(1, 2_000))
        # Each twice, alternately, and the better of the two: the machine is shared, and a
        # burst of other work in one run should not decide the ratio either way.
        floors, reals = [], []
        for run in range(2):
            floors.append(await measure(settings, echo, updates(ROUNDS, 10_000 * (2 * run + 1))))
            statements = 0
            reals.append(
                await measure(settings, real_sink, updates(ROUNDS, 10_000 * (2 * run + 2)))
            )
        return max(reals), max(floors)

    real, floor = asyncio.run(both())
    engine.dispose()
    count = PEOPLE * ROUNDS
    return [
        Row(
            "Telegram inbound: updates/s",
            backend,
            f"{real.rate:.0f}/s",
            f"{floor.rate:.0f}/s",
            ratio(real.rate, floor.rate),
            f"≥ {TARGET}×",
            real.rate >= TARGET * floor.rate,
            f"{count:,} updates from {PEOPLE} linked employees into the update queue of the "
            "application `python -m bot run` builds, which handles up to "
            f"{CONCURRENT_UPDATES} chats at once; each update took {real.cpu_ms:.1f} ms of "
            f"this process's CPU (the echo: {floor.cpu_ms:.2f} ms) and "
            f"{statements / count:.1f} SQL statements; Python runs under one interpreter "
            f"lock, about one core: at most about {1000 / real.cpu_ms:.0f} updates/s at any "
            "concurrency",
        )
    ]
