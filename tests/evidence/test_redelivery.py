"""Every inbound delivered twice, as Twilio and Telegram redeliver: one effect each.

A seeded walk through the bot as the demo admin (every role: every command, every flow it
reaches), through the real webhook and the real python-telegram-bot application. Each
message is delivered, its replies are sent, and then it is delivered again: the second
delivery must change no table, queue nothing, send nothing.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import func, select, update

from bench.fakes import webhook_form
from bot.app import App
from bot.sender import Pace, Sender
from storage.models import Employee, InboundLedger, OutboxMessage
from tests.channels.conftest import PUBLIC_BASE_URL
from tests.channels.test_server import Bot
from tests.evidence.driver import ADMIN, Driver, Move, Said, random_move
from tests.evidence.state import digest
from tests.support import Clock

STEPS = 40
ADMIN_PHONE = "+6281200000001"
ADMIN_TG = 7100


def _unpaced(bot: Bot) -> None:
    """Deliver replies at once: the fakes enforce no rate here, and pacing only adds waits."""
    sender = bot.runtime.sender
    assert sender is not None
    fast = {channel: Pace(1000.0) for channel in sender.channels}
    bot.runtime.sender = Sender(bot.app, sender.channels, paces=fast)


def _everything(app: App) -> tuple[Any, ...]:
    with app.sessions() as session:
        outbox = session.scalar(select(func.count()).select_from(OutboxMessage))
        ledger = session.scalar(select(func.count()).select_from(InboundLedger))
    return digest(app.engine), outbox, ledger


def _moves(seed: int) -> list[Move]:
    """A command every fifth step (to reach the flows), random moves between; no files."""
    rng = random.Random(seed)
    moves = [Move("command", i) if i % 5 == 0 else random_move(rng) for i in range(STEPS)]
    return [m if m.kind != "media" else Move("corpus", m.n) for m in moves]


async def test_whatsapp_redeliveries_have_no_effect(running: Bot) -> None:
    _unpaced(running)
    driver = Driver(running.app, Clock())
    url = f"{PUBLIC_BASE_URL}/whatsapp/inbound"
    for move in _moves(7):
        said = driver.choose(ADMIN, move)
        form = webhook_form(running.twilio.account_sid, ADMIN_PHONE, said.text or "", said.payload)
        headers = {"X-Twilio-Signature": running.validator.compute_signature(url, form)}
        assert (
            await running.http.post("/whatsapp/inbound", data=form, headers=headers)
        ).is_success
        await running.deliver()
        once, sent = _everything(running.app), len(running.twilio.messages)
        assert (
            await running.http.post("/whatsapp/inbound", data=form, headers=headers)
        ).is_success
        await running.deliver()
        assert _everything(running.app) == once, said
        assert len(running.twilio.messages) == sent, said
    assert len(running.twilio.messages) >= STEPS


async def test_telegram_redeliveries_have_no_effect(running: Bot) -> None:
    app, api = running.app, running.bot_api
    with app.sessions.begin() as session:
        session.execute(
            update(Employee).where(Employee.nip == ADMIN).values(telegram_id=str(ADMIN_TG))
        )
    _unpaced(running)
    driver = Driver(app, Clock())
    for move in _moves(11):
        said = driver.choose(ADMIN, move)
        update_ = _telegram_update(running, said)
        await running.telegram(update_)
        await running.deliver()
        once, sent = _everything(app), len(api.sent())
        await running.telegram(update_)
        await running.deliver()
        assert _everything(app) == once, said
        assert len(api.sent()) == sent, said
    presses = [c for c in api.calls_to("answerCallbackQuery") if c.status == 200]
    assert presses, "the walk pressed no inline button"


def _telegram_update(bot: Bot, said: Said) -> dict[str, Any]:
    """A text message, or a press under the latest keyboard the bot sent that has the button."""
    api = bot.bot_api
    if said.payload is not None:
        with api._lock:
            keyboards = [
                m
                for (chat, _id), m in api.messages.items()
                if chat == ADMIN_TG and m.get("reply_markup")
            ]
        for message in reversed(keyboards):
            rows = message["reply_markup"]["inline_keyboard"]
            if any(b.get("callback_data") == said.payload for row in rows for b in row):
                return api.user_presses(ADMIN_TG, message, said.payload)
        if keyboards:  # a stale or forged button, pressed under the latest keyboard
            return api.user_presses(ADMIN_TG, keyboards[-1], said.payload)
    return api.user_text(ADMIN_TG, said.text or "menu")
