"""No database call on the event loop: while another writer holds SQLite, every chat goes on.

A second connection (the scheduler, a backup, an admin's import) holds SQLite's write lock.
Meanwhile a WhatsApp image goes out (publishing its media link is a database write) and
Twilio fetches an earlier image through /media. The loop must keep running all along: a
heartbeat on it keeps ticking (20 beats of 10 ms, which a loop blocked for 100 ms could not
give) while both wait for the lock, and both are served once it is free. Were either
database call made on the loop, the heartbeat would stop until SQLite gave up (30 s), and
the call would have failed by the time it beat again.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from bot.app import build_app
from bot.config import Settings
from bot.handlers.base import Delivery
from bot.handlers.whatsapp import WhatsAppSender
from bot.media import media_url
from bot.messages import Image
from bot.server import Runtime
from tests.channels.conftest import PUBLIC_BASE_URL
from tests.fakes.twilio_api import FakeTwilioAPI

TICKS = 20  # heartbeats of 10 ms


async def test_the_loop_keeps_running_while_another_writer_holds_sqlite(
    engine: Engine, wa_settings: Settings, twilio_api: FakeTwilioAPI
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    app = build_app(wa_settings, engine=engine, run_migrations=False)
    folder = Path(wa_settings.data_dir) / "media"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "earlier.png").write_bytes(b"\x89PNG earlier")
    (folder / "chart.png").write_bytes(b"\x89PNG chart")
    earlier = media_url(app, str(folder / "earlier.png")).removeprefix(PUBLIC_BASE_URL)
    runtime = Runtime(app)
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=runtime.build()), base_url=PUBLIC_BASE_URL
    )
    sender = WhatsAppSender(wa_settings, lambda path, filename="": media_url(app, path, filename))

    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    other = sqlite3.connect(str(engine.url.database), isolation_level=None, timeout=30)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the database
    beating = asyncio.create_task(heartbeat())
    try:
        sending = asyncio.create_task(
            sender.send(Delivery("+6281234567890", Image(str(folder / "chart.png")), "reply", 1))
        )
        fetching = asyncio.create_task(http.get(earlier))
        while ticks < TICKS and not (sending.done() or fetching.done()):
            await asyncio.sleep(0.01)
        # Both wait for the lock (every SQLite transaction here takes it), in threads.
        assert not sending.done()
        assert not fetching.done()
    finally:
        other.rollback()  # the other writer is done
        other.close()
    await sending
    fetched = await fetching
    beating.cancel()
    await http.aclose()
    assert fetched.status_code == 200
    assert fetched.content == b"\x89PNG earlier"
    (created,) = twilio_api.created()
    (link,) = created.form["MediaUrl"]
    assert link.startswith(f"{PUBLIC_BASE_URL}/media/")
