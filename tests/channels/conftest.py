"""Fixtures for channel tests: fake Bot API and Twilio servers on 127.0.0.1, settings, a sink."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.config import Settings
from bot.handlers.telegram import ALLOWED_UPDATES, TelegramApp, build_application
from bot.messages import Inbound
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.twilio_api import FakeTwilioAPI

PUBLIC_BASE_URL = "https://canbot.example.id"
WHATSAPP_FROM = "whatsapp:+14155238886"
REMINDER_SID = "HX" + "a1" * 16
NOTIFICATION_SID = "HX" + "b2" * 16
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
    """WhatsApp pointed at the fake Twilio API, with two approved templates."""
    return make_settings(
        tmp_path,
        twilio_account_sid=twilio_api.account_sid,
        twilio_auth_token=twilio_api.auth_token,
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_api_base_url=twilio_api.url,
        twilio_templates=f"reminder={REMINDER_SID},notification={NOTIFICATION_SID}",
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
