"""A file over the platform's limit is refused with the limit named, and the step waits.

Through the real python-telegram-bot against the fake Bot API: CAN opens a Serawai round and
sends a 25 MB letter (bots can download at most 20 MB); before, the letter was dropped in
silence and the summary still named it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from storage.db import transaction
from storage.models import Employee
from storage.seed import DEMO_ADMIN_NIP
from tests.channels.test_directory_chat import _press
from tests.channels.test_server import Bot
from tests.channels.test_server import running as running  # the fixture

ANDI_TG = 7002


async def test_a_25_mb_letter_on_telegram_is_refused_with_the_20_mb_limit(running: Bot) -> None:
    bot = running
    with transaction(bot.app.sessions) as session:
        session.execute(
            update(Employee).where(Employee.nip == DEMO_ADMIN_NIP).values(telegram_id=str(ANDI_TG))
        )
    api = bot.bot_api

    async def say(update: dict[str, Any]) -> str:
        await bot.telegram(update)
        await bot.deliver()
        return str(api.sent()[-1].params["text"])

    await say(api.user_text(ANDI_TG, "/serawai"))
    await say(_press(bot, ANDI_TG, "Buka putaran"))
    await say(api.user_text(ANDI_TG, "Serawai Uji"))
    await say(api.user_text(ANDI_TG, "7"))
    await say(api.user_text(ANDI_TG, "15"))
    await say(_press(bot, ANDI_TG, "3 tema"))
    await say(_press(bot, ANDI_TG, "1 usulan"))
    asked = await say(_press(bot, ANDI_TG, "1 pilihan"))
    downloads = len(api.calls_to("getFile"))
    big = 25 * 1024 * 1024
    refused = await say(
        api.user_document(ANDI_TG, b"%PDF-1.4 surat", "surat.pdf", "application/pdf", size=big)
    )
    assert "terlalu besar" in refused
    assert "lewat Telegram saya hanya dapat menerima berkas sampai 20 MB" in refused
    assert len(api.calls_to("getFile")) == downloads  # not even tried
    summary = await say(_press(bot, ANDI_TG, "Lewati"))  # the same step is still waiting
    assert "surat.pdf" not in summary
    assert asked != summary
