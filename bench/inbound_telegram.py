"""Telegram inbound through the python-telegram-bot application, beside a bare echo handler.

Both runs use the application `build_application` makes for `python -m bot run` (the same
handlers, the same translation of updates); updates go in through its update queue, as
webhook mode puts them. The real run's sink is the bot's (dispatch in a thread: a step of the
language flow, committed); the floor's sink only echoes the text into a list.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import Update

from bench.common import BENCH_TELEGRAM_BASE, Row, fresh_database, ratio, seed_bench_people
from bot.app import build_app
from bot.calendar import utcnow
from bot.config import Settings
from bot.handlers.telegram import build_application
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


async def measure(settings: Settings, sink: Sink, batch: list[dict[str, Any]]) -> float:
    """Updates per second through a started application whose handlers call `sink`."""
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
        started = time.perf_counter()
        for data in batch:
            await application.update_queue.put(Update.de_json(data, application.bot))
        await asyncio.wait_for(done.wait(), timeout=600)
        return len(batch) / (time.perf_counter() - started)
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

    async def both() -> tuple[float, float]:
        await measure(settings, echo, updates(1, 1))  # warm-up
        floor = await measure(settings, echo, updates(ROUNDS, 10_000))
        real_sink = Runtime(app).telegram_sink
        await measure(settings, real_sink, updates(1, 20_000))
        real = await measure(settings, real_sink, updates(ROUNDS, 30_000))
        return real, floor

    real, floor = asyncio.run(both())
    engine.dispose()
    return [
        Row(
            "Telegram inbound: updates/s",
            backend,
            f"{real:.0f}/s",
            f"{floor:.0f}/s",
            ratio(real, floor),
            f"≥ {TARGET}×",
            real >= TARGET * floor,
            f"{PEOPLE * ROUNDS:,} updates from {PEOPLE} linked employees into the update "
            "queue of the application `python -m bot run` builds; it handles one update at a "
            "time (python-telegram-bot's default), so the rate is one over the time of a "
            "whole step",
        )
    ]
