"""The real PTB Application long-polls the fake Bot API; updates reach the sink as Inbound."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.handlers.base import Delivery
from bot.handlers.telegram import TelegramApp, TelegramSender
from bot.messages import Channel, Choices, Inbound, Option
from tests.channels.conftest import Sink
from tests.fakes._server import wait_until
from tests.fakes.bot_api import FakeBotAPI

USER = 111


async def _next(sink: Sink, count: int = 1) -> list[Inbound]:
    await wait_until(lambda: len(sink.items) >= count)
    return sink.items


async def _settle(bot_api: FakeBotAPI, sink: Sink) -> None:
    """Send a sentinel text and wait for it: updates are handled in order, so all are done."""
    before = len(sink.items)
    bot_api.user_text(USER, "sentinel")
    await wait_until(lambda: len(sink.items) > before and sink.items[-1].text == "sentinel")
    sink.items.pop()


@pytest.mark.asyncio
async def test_text_message(bot_api: FakeBotAPI, polling: TelegramApp, sink: Sink) -> None:
    update = bot_api.user_text(USER, "halo bot")
    (inbound,) = await _next(sink)
    message = update["message"]
    assert inbound.channel is Channel.TELEGRAM
    assert inbound.sender == "111"
    assert inbound.text == "halo bot"
    assert inbound.message_id == f"msg:{USER}:{message['message_id']}"
    assert inbound.sender_name == "Budi"
    assert inbound.received_at.tzinfo is not None
    assert inbound.received_at == datetime.fromtimestamp(message["date"], UTC)
    assert (inbound.payload, inbound.media, inbound.contact_phone) == (None, (), None)


@pytest.mark.asyncio
async def test_deep_link_command(bot_api: FakeBotAPI, polling: TelegramApp, sink: Sink) -> None:
    bot_api.user_text(USER, "/start ABC123")
    bot_api.user_text(USER, "/menu@can_bot_test")
    first, second = await _next(sink, 2)
    assert first.text == "/start ABC123"
    assert second.text == "/menu"


@pytest.mark.asyncio
async def test_button_press_is_answered_keyboard_removed_and_passed_on_once(
    bot_api: FakeBotAPI, polling: TelegramApp, sink: Sink
) -> None:
    sender = TelegramSender(polling.bot, per_chat_interval=0)
    choices = Choices("Hadir?", (Option("Ya", "f:hadir:1"), Option("Tidak", "f:hadir:0")))
    message_id = await sender.send(Delivery(str(USER), choices, "reply", outbox_id=1))
    message = bot_api.messages[(USER, int(message_id))]
    first = bot_api.user_presses(USER, message, "f:hadir:1")
    second = bot_api.user_presses(USER, message, "f:hadir:1")  # a quick double tap
    await _settle(bot_api, sink)

    assert [c.params["callback_query_id"] for c in bot_api.calls_to("answerCallbackQuery")] == [
        first["callback_query"]["id"],
        second["callback_query"]["id"],
    ]
    assert all(bot_api.callbacks.values())  # every press answered
    edits = bot_api.calls_to("editMessageReplyMarkup")
    assert [e.status for e in edits] == [200, 400]  # the second finds no keyboard left
    assert "reply_markup" not in bot_api.messages[(USER, message["message_id"])]
    (inbound,) = sink.items
    assert inbound.payload == "f:hadir:1"
    assert inbound.text == "Ya"
    assert inbound.message_id == f"cb:{first['callback_query']['id']}"
    assert inbound.sender == "111"


@pytest.mark.asyncio
async def test_own_contact_gives_the_phone_and_someone_elses_does_not(
    bot_api: FakeBotAPI, polling: TelegramApp, sink: Sink
) -> None:
    bot_api.user_contact(USER, "6281234567890", contact_user_id=USER)
    bot_api.user_contact(USER, "+62 812-9999-0000", contact_user_id=222)
    bot_api.user_contact(USER, "6281200001111", contact_user_id=None)
    own, other, unknown = await _next(sink, 3)
    assert own.contact_phone == "+6281234567890"
    assert other.contact_phone is None
    assert unknown.contact_phone is None


@pytest.mark.asyncio
async def test_photo_is_downloaded_into_media_dir(
    bot_api: FakeBotAPI, polling: TelegramApp, sink: Sink, tg_settings: object
) -> None:
    picture = b"\xff\xd8\xff\xe0 full size jpeg"
    bot_api.user_photo(USER, picture, caption="bukti kegiatan")
    (inbound,) = await _next(sink)
    (media,) = inbound.media
    assert media.kind == "photo"
    assert media.content_type == "image/jpeg"
    assert Path(media.path).read_bytes() == picture  # the largest size, not the thumbnail
    assert Path(media.path).parent == tg_settings.media_dir  # type: ignore[attr-defined]
    assert inbound.text == "bukti kegiatan"
    assert [c.method for c in bot_api.calls if c.method in ("getFile", "download")] == [
        "getFile",
        "download",
    ]


@pytest.mark.asyncio
async def test_document_is_downloaded_with_its_name(
    bot_api: FakeBotAPI, polling: TelegramApp, sink: Sink
) -> None:
    bot_api.user_document(USER, b"%PDF-1.7 laporan", "Laporan Maret.pdf", "application/pdf")
    (inbound,) = await _next(sink)
    (media,) = inbound.media
    assert (media.kind, media.content_type, media.filename) == (
        "document",
        "application/pdf",
        "Laporan Maret.pdf",
    )
    assert media.path.endswith(".pdf")
    assert Path(media.path).read_bytes() == b"%PDF-1.7 laporan"


@pytest.mark.asyncio
async def test_too_big_document_is_not_downloaded(
    bot_api: FakeBotAPI, polling: TelegramApp, sink: Sink
) -> None:
    bot_api.user_document(USER, b"x", "video.zip", "application/zip", size=30 * 1024 * 1024)
    (inbound,) = await _next(sink)
    assert inbound.media[0].kind == "document"
    assert inbound.media[0].path == ""
    assert bot_api.calls_to("getFile") == []


@pytest.mark.asyncio
async def test_sticker_and_voice_are_media_without_download(
    bot_api: FakeBotAPI, polling: TelegramApp, sink: Sink
) -> None:
    bot_api.user_sticker(USER)
    bot_api.user_voice(USER)
    sticker, voice = await _next(sink, 2)
    assert (sticker.media[0].kind, sticker.media[0].path) == ("sticker", "")
    assert (voice.media[0].kind, voice.media[0].content_type) == ("audio", "audio/ogg")
    assert sticker.text is None
    assert bot_api.calls_to("getFile") == []


@pytest.mark.asyncio
async def test_group_messages_are_ignored(
    bot_api: FakeBotAPI, polling: TelegramApp, sink: Sink
) -> None:
    update = bot_api._user_message(USER, text="di grup")
    update["chat"] = {"id": -100123, "type": "supergroup", "title": "Kantor"}
    bot_api.push_update({"message": update})
    await _settle(bot_api, sink)
    assert sink.items == []
