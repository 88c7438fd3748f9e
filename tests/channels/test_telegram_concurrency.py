"""Telegram updates of different chats are handled at once; those of one chat in order.

The whole bot runs as `python -m bot run` starts it (long polling the fake Bot API, dispatch,
database, outbox, sender). One thing is added: a gate in front of dispatch, at the sink between
python-telegram-bot and the bot, so a test can hold one user's step as long as it likes, as a
slow step (a report being built) would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy import Engine, select, update
from telegram.ext import BaseUpdateProcessor

from bot.app import build_app
from bot.handlers.telegram import ChatOrderedProcessor
from bot.messages import Channel, Inbound
from bot.sender import Pace
from bot.server import Runtime
from storage.db import transaction
from storage.models import Employee
from storage.seed import seed_demo
from tests.channels.conftest import make_settings
from tests.fakes._server import wait_until
from tests.fakes.bot_api import FakeBotAPI

IRFAN = 7001
RATNA = 7002
LINKED = {"+6281200000021": IRFAN, "+6281200000022": RATNA}

IRFAN_MENU = "Halo, Irfan! Apa yang bisa saya bantu? Pilih salah satu:"
RATNA_MENU = "Halo, Ratna! Apa yang bisa saya bantu? Pilih salah satu:"


@dataclass
class GatedRuntime(Runtime):
    """The bot's runtime; a Telegram user's steps wait at a gate the test opens."""

    held: int = 0
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    reached: list[tuple[int, str]] = field(default_factory=list)

    async def telegram_sink(self, inbound: Inbound) -> None:
        """Note what reaches the bot; hold the held user's step until the gate opens."""
        self.reached.append((int(inbound.sender), inbound.text or ""))
        if int(inbound.sender) == self.held:
            await self.gate.wait()
        await super().telegram_sink(inbound)

    @property
    def processor(self) -> BaseUpdateProcessor:
        """The update processor of the running Telegram application."""
        processor = self.telegram.update_processor  # type: ignore[attr-defined]
        assert isinstance(processor, BaseUpdateProcessor)
        return processor


@pytest_asyncio.fixture
async def bot(tmp_path: Path, engine: Engine, bot_api: FakeBotAPI) -> AsyncIterator[GatedRuntime]:
    """The bot serving Telegram, Irfan and Ratna linked; started, and stopped afterwards."""
    settings = make_settings(
        tmp_path,
        telegram_bot_token=bot_api.token,
        telegram_api_base_url=bot_api.base_url,
        telegram_file_base_url=bot_api.base_file_url,
    )
    app = build_app(settings, engine=engine, channels={Channel.TELEGRAM}, run_migrations=False)
    with transaction(app.sessions) as session:
        seed_demo(session, app.clock())
        for phone, telegram_id in LINKED.items():
            session.execute(
                update(Employee)
                .where(Employee.phone == phone)
                .values(telegram_id=str(telegram_id), preferred_channel="telegram")
            )
    runtime = GatedRuntime(app)
    runtime.build()
    assert runtime.sender is not None
    # Pacing one chat (a message a second) is the sender's business, tested with the sender.
    runtime.sender.paces[Channel.TELEGRAM] = Pace(29.0)
    await runtime.start()
    yield runtime
    runtime.gate.set()
    if not runtime.stop.is_set():
        await runtime.shutdown()


def _texts(bot_api: FakeBotAPI, chat: int) -> list[str]:
    return [c.params["text"] for c in bot_api.sent() if int(c.params["chat_id"]) == chat]


async def test_a_slow_step_in_one_chat_does_not_hold_up_another_chat(
    bot: GatedRuntime, bot_api: FakeBotAPI
) -> None:
    bot.held = IRFAN
    bot_api.user_text(IRFAN, "menu")
    await wait_until(lambda: (IRFAN, "menu") in bot.reached)  # Irfan's step is under way

    bot_api.user_text(RATNA, "menu")
    await wait_until(lambda: _texts(bot_api, RATNA) == [RATNA_MENU])
    assert _texts(bot_api, IRFAN) == []  # still waiting for his own step

    bot.gate.set()
    await wait_until(lambda: _texts(bot_api, IRFAN) == [IRFAN_MENU])


async def test_a_burst_from_one_chat_is_answered_in_the_order_it_was_sent(
    bot: GatedRuntime, bot_api: FakeBotAPI
) -> None:
    bot.held = IRFAN
    burst = ["menu", "4", "/bahasa", "2", "menu"]
    for text in burst:
        bot_api.user_text(IRFAN, text)
    # All five are taken in while the first is held: the four behind it wait for their turn.
    await wait_until(lambda: bot.processor.current_concurrent_updates == len(burst))
    assert [text for _, text in bot.reached] == ["menu"]

    bot.gate.set()
    await wait_until(lambda: len(_texts(bot_api, IRFAN)) == len(burst))
    assert _texts(bot_api, IRFAN) == [
        IRFAN_MENU,
        "⚙️ Umum: pilih salah satu (ketik menu untuk kembali ke menu utama):",  # 4: a group
        "Pilih bahasa yang Anda inginkan:",
        "Language changed to English.",
        "Hello, Irfan! What can I do for you? Choose one:",
    ]
    assert [text for _, text in bot.reached] == burst
    with bot.app.sessions() as session:
        language = session.scalar(
            select(Employee.language).where(Employee.phone == "+6281200000021")
        )
    assert language == "en"
    processor = bot.processor
    assert isinstance(processor, ChatOrderedProcessor)
    await wait_until(lambda: processor.waiting_chats == 0)  # an idle chat is forgotten


async def test_stopping_waits_for_the_step_under_way_and_delivers_its_answer(
    bot: GatedRuntime, bot_api: FakeBotAPI
) -> None:
    bot.held = IRFAN
    bot_api.user_text(IRFAN, "menu")
    await wait_until(lambda: (IRFAN, "menu") in bot.reached)

    stopping = asyncio.create_task(bot.shutdown())  # what SIGTERM does
    telegram: Any = bot.telegram
    await wait_until(lambda: not telegram.running)  # no longer taking updates
    assert not stopping.done()

    bot.gate.set()
    await asyncio.wait_for(stopping, timeout=30)
    assert _texts(bot_api, IRFAN) == [IRFAN_MENU]
