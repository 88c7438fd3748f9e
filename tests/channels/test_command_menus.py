"""Telegram's command menu per person: their roles' commands, in their language, none in
groups; set when they link their account and when their language changes.

The real python-telegram-bot against the fake Bot API, which resolves the menu a chat sees
through the scopes as Telegram does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from telegram.ext import Application

from bot.handlers.telegram import set_public_commands
from bot.server import public_menus
from storage.models import Employee
from storage.seed import DEMO_ADMIN_NIP
from tests.channels.test_directory_chat import _press
from tests.channels.test_server import IRFAN_TG, Bot
from tests.channels.test_server import running as running  # the fixture

ANDI_TG, ANDI_PHONE = 7002, "+6281200000001"
GROUP = -1001234567


async def test_each_person_sees_their_own_commands_and_groups_none(running: Bot) -> None:
    bot = running
    api = bot.bot_api
    telegram = bot.runtime.telegram
    assert isinstance(telegram, Application)
    await set_public_commands(telegram, public_menus(bot.app))  # what the bot does at start

    async def say(update: dict[str, Any]) -> None:
        await bot.telegram(update)
        await bot.deliver()

    assert api.menu_seen(GROUP, group=True) == []  # the office group: no menu at all
    stranger = api.menu_seen(4242)
    assert "bantuan" in stranger
    assert "peran" not in stranger
    assert "serawai" not in stranger

    # Andi (admin and CAN) links his account by sharing his contact: his menu has his tools.
    with bot.app.sessions() as session:
        andi = session.scalar(select(Employee).where(Employee.nip == DEMO_ADMIN_NIP))
        assert andi is not None
        assert andi.phone == ANDI_PHONE
    await say(api.user_contact(ANDI_TG, ANDI_PHONE.lstrip("+"), contact_user_id=ANDI_TG))
    andi_menu = api.menu_seen(ANDI_TG)
    assert {"peran", "serawai", "bantuan"} <= set(andi_menu)
    assert api.menu_seen(GROUP, group=True) == []
    assert "peran" not in api.menu_seen(IRFAN_TG)  # someone else's chat is not touched

    # The menu follows his language.
    await say(api.user_text(ANDI_TG, "/bahasa"))
    await say(_press(bot, ANDI_TG, "English"))
    (call,) = [
        c
        for c in api.calls_to("setMyCommands")
        if (c.params.get("scope") or {}).get("chat_id") == ANDI_TG
    ][-1:]
    described = {c["command"]: c["description"] for c in call.params["commands"]}
    assert described["bantuan"] == "❓ Help"
    assert set(described) == set(andi_menu)
