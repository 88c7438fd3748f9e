"""What people type into a request, through the real channels: WhatsApp's signed webhook with
the real Twilio client against the fake Twilio, and Telegram's real application against the
fake Bot API. The clock stands at Wednesday 26 March 2025, 09.00 WIB.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, time
from pathlib import Path

import pytest_asyncio
from sqlalchemy import Engine, select

from storage.event_team import EventRequest
from tests.channels.test_directory_chat import _latest_keyboard, _press
from tests.channels.test_server import IRFAN_PHONE, IRFAN_TG, Bot, started
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.twilio_api import FakeTwilioAPI
from tests.support import Clock


@pytest_asyncio.fixture
async def bot(
    tmp_path: Path, engine: Engine, bot_api: FakeBotAPI, twilio_api: FakeTwilioAPI
) -> AsyncIterator[Bot]:
    """Both channels on, over the demo directory, with a clock the test holds."""
    async with started(tmp_path, engine, bot_api, twilio_api, Clock()) as running:
        yield running


async def _wa(bot: Bot, text: str) -> str:
    """Send on WhatsApp; what came back, joined."""
    before = len(bot.twilio.messages)
    assert (await bot.whatsapp(text)).status_code == 200
    await bot.deliver()
    mine = [m for m in bot.twilio.messages[before:] if m["To"] == f"whatsapp:{IRFAN_PHONE}"]
    shown = [bot.twilio.shown(m) for m in mine]  # buttons come as real ones: their labels
    return "\n".join("\n".join([text, *labels]) for text, labels in shown)


async def _tg(bot: Bot, text: str) -> str:
    """Send on Telegram; what came back, joined."""
    before = len(bot.bot_api.sent())
    await bot.telegram(bot.bot_api.user_text(IRFAN_TG, text))
    await bot.deliver()
    return "\n".join(str(c.params.get("text", "")) for c in bot.bot_api.sent()[before:])


def _requests(bot: Bot) -> list[EventRequest]:
    with bot.app.sessions() as session:
        return list(session.scalars(select(EventRequest).order_by(EventRequest.id)))


async def test_a_two_role_request_on_whatsapp_takes_eight_inputs(bot: Bot) -> None:
    inputs = [
        "/dukungan",
        "Rapat\x00 Koordinasi\x1b Triwulan I",  # a NUL and an escape, pasted from somewhere
        "14/4/2025 09.00-11.00",
        "Aula BPS Provinsi Bengkulu",
        "MC 1, notulis 2",
        "1",  # Lewati (notes)
        "1",  # Lewati (Portal Pintar)
    ]
    said = [await _wa(bot, line) for line in inputs]
    assert "Peran tercatat: MC ×1, Notulis ×2." in said[4]
    assert "Rapat Koordinasi Triwulan I" in said[-1]
    assert "Kirim ke Ketua Event Team?" in said[-1]
    done = await _wa(bot, "1")  # Kirim
    assert "Permintaan #1 tersimpan" in done
    assert len(inputs) + 1 <= 10
    (request,) = _requests(bot)
    assert request.title == "Rapat Koordinasi Triwulan I"  # no NUL stored
    assert sorted(tuple(r) for r in request.roles) == [("mc", 1), ("notulis", 2)]


async def test_a_negative_headcount_on_telegram_is_refused_with_the_range(bot: Bot) -> None:
    for line in ("/dukungan", "Rapat Koordinasi", "14/4/2025 09.00-11.00", "Aula", "MC"):
        await _tg(bot, line)
    got = await _tg(bot, "-1")
    assert "tidak boleh negatif" in got
    assert "1 sampai 5" in got
    assert "harus 1 sampai 5" in await _tg(bot, "0")
    assert "Peran yang dibutuhkan" in await _tg(bot, "2")  # a real count still goes through


async def test_emoji_titles_and_overlong_places_are_told_why_on_whatsapp(bot: Bot) -> None:
    await _wa(bot, "/dukungan")
    assert "huruf atau angka" in await _wa(bot, "🎉🎉")
    assert "minimal 3" in await _wa(bot, "R")
    await _wa(bot, "Rapat Koordinasi")
    await _wa(bot, "14/4/2025 09.00-11.00")
    assert "maksimal 500 karakter (tulisan Anda 3000)" in await _wa(bot, "A" * 3000)
    await _wa(bot, "Aula")
    await _wa(bot, "MC 1")
    # A note over 2,000 characters is refused with the limit, not cut without a word.
    assert "maksimal 2000 karakter (tulisan Anda 2001)" in await _wa(bot, "n" * 2001)


async def _tg_press(bot: Bot, label: str) -> str:
    """Press a button of the latest Telegram keyboard; what came back."""
    before = len(bot.bot_api.sent())
    await bot.telegram(_press(bot, IRFAN_TG, label))
    await bot.deliver()
    return "\n".join(str(c.params.get("text", "")) for c in bot.bot_api.sent()[before:])


async def test_a_vague_day_is_asked_back_and_a_night_hour_confirmed_on_telegram(
    bot: Bot,
) -> None:
    await _tg(bot, "/dukungan")
    await _tg(bot, "Rapat Koordinasi")
    assert "Minggu depan hari apa?" in await _tg(bot, "minggu depan jam 9")
    asked = await _tg(bot, "14/4/2025 jam 2")
    assert "Maksudnya pukul 02.00 dini hari?" in asked
    labels = [
        b["text"]
        for row in _latest_keyboard(bot, IRFAN_TG)["reply_markup"]["inline_keyboard"]
        for b in row
    ]
    assert labels == ["Ya", "✏️ Ubah"]
    assert "Kapan kegiatannya?" in await _tg_press(bot, "Ubah")  # not taken: asked again
    await _tg(bot, "14/4/2025 jam 2 siang")  # 14.00: no question
    assert "Sampai pukul berapa" in bot.bot_api.sent()[-1].params["text"]
    assert "Maksudnya pukul 23.00 malam?" in await _tg(bot, "23.00")
    assert "Di mana tempatnya?" in await _tg_press(bot, "Ya")  # meant it: taken


RUDI_PHONE = "+6281200000003"  # the Event Team lead


async def test_a_request_at_night_reaches_the_lead_at_six_and_the_sm_at_once(bot: Bot) -> None:
    clock = bot.app.clock
    assert isinstance(clock, Clock)
    clock.set_wib(date(2025, 3, 26), time(23, 0))
    for line in ("/dukungan", "Rapat Koordinasi", "14/4/2025 09.00-11.00", "Aula", "MC 1"):
        await _wa(bot, line)
    await _wa(bot, "1")  # Lewati
    await _wa(bot, "1")  # Lewati
    assert "Permintaan #1 tersimpan" in await _wa(bot, "1")  # the SM's own answer: at once
    to_lead = [m for m in bot.twilio.messages if m["To"] == f"whatsapp:{RUDI_PHONE}"]
    assert to_lead == []  # 23.00: the lead is not woken
    clock.set_wib(date(2025, 3, 27), time(5, 59))
    await bot.deliver()
    assert [m for m in bot.twilio.messages if m["To"] == f"whatsapp:{RUDI_PHONE}"] == []
    clock.set_wib(date(2025, 3, 27), time(6, 0))
    await bot.deliver()
    to_lead = [m for m in bot.twilio.messages if m["To"] == f"whatsapp:{RUDI_PHONE}"]
    assert len(to_lead) == 1
    # The lead has not written in 24 hours: the 06.00 message is the opener of the task.
    assert "tugas Event Team" in str(to_lead[0].get("ContentVariables", ""))
