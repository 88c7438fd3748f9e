"""Fixtures for channel tests: fake Bot API and Twilio servers on 127.0.0.1, settings, a sink."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.app import build_app
from bot.config import Settings
from bot.handlers.telegram import ALLOWED_UPDATES, TelegramApp, build_application
from bot.messages import Inbound
from bot.server import Runtime
from storage.db import transaction
from storage.seed import seed_demo
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.twilio_api import BOT_NUMBER, FakeTwilioAPI

PUBLIC_BASE_URL = "https://canbot.example.id"
WHATSAPP_FROM = BOT_NUMBER
OPENER_SID = "HX" + "a1" * 16
ALERT_SID = "HX" + "b2" * 16
TEMPLATES = f"opener={OPENER_SID},admin_alert={ALERT_SID}"
CHOICES2_SID = "HX" + "c3" * 16


class Sink:
    """Collects what a handler passes on."""

    def __init__(self) -> None:
        self.items: list[Inbound] = []

    async def __call__(self, inbound: Inbound) -> None:
        self.items.append(inbound)


class StatusSink:
    """Collects status callbacks."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str | None]] = []

    async def __call__(self, sid: str, status: str, error_code: str | None) -> None:
        self.items.append((sid, status, error_code))


@pytest.fixture(scope="session")
def bot_api_server() -> Iterator[FakeBotAPI]:
    """One fake Bot API for the session."""
    with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
def bot_api(bot_api_server: FakeBotAPI) -> FakeBotAPI:
    """The fake Bot API, with clean state."""
    bot_api_server.reset()
    return bot_api_server


@pytest.fixture(scope="session")
def twilio_server() -> Iterator[FakeTwilioAPI]:
    """One fake Twilio API for the session."""
    with FakeTwilioAPI() as fake:
        yield fake


@pytest.fixture
def twilio_api(twilio_server: FakeTwilioAPI) -> FakeTwilioAPI:
    """The fake Twilio API, with clean state."""
    twilio_server.reset()
    return twilio_server


@pytest.fixture
def sink() -> Sink:
    """Collects inbound messages."""
    return Sink()


@pytest.fixture
def status_sink() -> StatusSink:
    """Collects delivery statuses."""
    return StatusSink()


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings isolated from the environment's .env, data under tmp_path."""
    values: dict[str, Any] = {
        "database_url": "sqlite:///unused",
        "data_dir": tmp_path / "data",
        "public_base_url": PUBLIC_BASE_URL,
        **overrides,
    }
    return Settings(_env_file=None, **values)


def both_settings(
    tmp_path: Path, bot_api: FakeBotAPI, twilio_api: FakeTwilioAPI, **overrides: Any
) -> Settings:
    """Telegram and WhatsApp on, pointed at the fakes, with the opener and alert templates."""
    return make_settings(
        tmp_path,
        telegram_bot_token=bot_api.token,
        telegram_api_base_url=bot_api.base_url,
        telegram_file_base_url=bot_api.base_file_url,
        twilio_account_sid=twilio_api.account_sid,
        twilio_auth_token=twilio_api.auth_token,
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_api_base_url=twilio_api.url,
        twilio_templates=TEMPLATES,
        # Twilio's fake takes any rate: a broadcast to the demo directory drains in moments.
        **{"twilio_messages_per_second": 1000.0, **overrides},
    )


async def drain(runtime: Runtime) -> None:
    """Let WhatsApp messages still being handled end, then the sender deliver what is due."""
    assert runtime.sender is not None
    if runtime.whatsapp_jobs is not None:
        await runtime.whatsapp_jobs.idle()
    for _ in range(1000):
        if not await runtime.sender.drain_once():
            return
    raise AssertionError("the outbox never drained")


@asynccontextmanager
async def demo_runtime(
    settings: Settings,
    engine: Engine,
    prepare: Callable[[Session], object],
    **app_options: Any,
) -> AsyncIterator[tuple[Runtime, Any]]:
    """The whole bot over a demo directory (`prepare` adjusts it), and its ASGI application."""
    app = build_app(settings, engine=engine, run_migrations=False, **app_options)
    with transaction(app.sessions) as session:
        seed_demo(session, app.clock())
        prepare(session)
    runtime = Runtime(app)
    asgi = runtime.build()
    telegram = runtime.telegram
    await telegram.initialize()  # type: ignore[attr-defined]
    try:
        yield runtime, asgi
    finally:
        await telegram.shutdown()  # type: ignore[attr-defined]


@pytest.fixture
def tg_settings(tmp_path: Path, bot_api: FakeBotAPI) -> Settings:
    """Telegram pointed at the fake Bot API."""
    return make_settings(
        tmp_path,
        telegram_bot_token=bot_api.token,
        telegram_api_base_url=bot_api.base_url,
        telegram_file_base_url=bot_api.base_file_url,
    )


@pytest.fixture
def wa_settings(tmp_path: Path, twilio_api: FakeTwilioAPI) -> Settings:
    """WhatsApp pointed at the fake Twilio API, with the opener and admin-alert templates."""
    return make_settings(
        tmp_path,
        twilio_account_sid=twilio_api.account_sid,
        twilio_auth_token=twilio_api.auth_token,
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_api_base_url=twilio_api.url,
        twilio_templates=TEMPLATES,
    )


@pytest_asyncio.fixture
async def tg_app(tg_settings: Settings, sink: Sink) -> AsyncIterator[TelegramApp]:
    """The real PTB Application, initialised (getMe) against the fake."""
    app = build_application(tg_settings, sink, request_timeout=3.0)
    await app.initialize()
    yield app
    await app.shutdown()


@pytest_asyncio.fixture
async def unpaced_tg_app(tg_settings: Settings, sink: Sink) -> AsyncIterator[TelegramApp]:
    """The PTB Application without its own rate limiter: the outbox sender paces alone."""
    app = build_application(tg_settings, sink, request_timeout=3.0, rate_limit=False)
    await app.initialize()
    yield app
    await app.shutdown()


@pytest_asyncio.fixture
async def polling(tg_app: TelegramApp) -> AsyncIterator[TelegramApp]:
    """The application running and long-polling the fake's getUpdates."""
    assert tg_app.updater is not None
    await tg_app.start()
    await tg_app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
    yield tg_app
    await tg_app.updater.stop()
    await tg_app.stop()
