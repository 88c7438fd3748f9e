"""Twilio webhooks: signed requests become Inbound values; anything unsigned is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from twilio.request_validator import RequestValidator

from bot.config import Settings
from bot.handlers.whatsapp import EMPTY_TWIML, media_kind, whatsapp_routes
from bot.messages import Channel
from tests.channels.conftest import PUBLIC_BASE_URL, Sink, StatusSink
from tests.fakes.twilio_api import FakeTwilioAPI

MESSAGE_SID = "SM" + "5" * 32


@pytest_asyncio.fixture
async def client(
    wa_settings: Settings, sink: Sink, status_sink: StatusSink
) -> AsyncIterator[httpx.AsyncClient]:
    web = Starlette(routes=whatsapp_routes(wa_settings, sink, status_sink))
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://internal:8080") as c:
        yield c


def _signed(settings: Settings, path: str, form: dict[str, str]) -> dict[str, str]:
    assert settings.twilio_auth_token is not None
    validator = RequestValidator(settings.twilio_auth_token.get_secret_value())
    return {"X-Twilio-Signature": validator.compute_signature(PUBLIC_BASE_URL + path, form)}


def _message(**extra: str) -> dict[str, str]:
    return {
        "SmsMessageSid": MESSAGE_SID,
        "MessageSid": MESSAGE_SID,
        "AccountSid": "AC" + "0123456789abcdef" * 2,
        "From": "whatsapp:+6281234567890",
        "To": "whatsapp:+14155238886",
        "Body": "halo",
        "NumMedia": "0",
        "ProfileName": "Budi Santoso",
        "WaId": "6281234567890",
        **extra,
    }


@pytest.mark.asyncio
async def test_signed_text_reaches_the_sink(
    client: httpx.AsyncClient, wa_settings: Settings, sink: Sink
) -> None:
    form = _message()
    response = await client.post(
        "/whatsapp/inbound", data=form, headers=_signed(wa_settings, "/whatsapp/inbound", form)
    )
    assert response.status_code == 200
    assert response.text == EMPTY_TWIML
    assert response.headers["content-type"].startswith("text/xml")
    (inbound,) = sink.items
    assert inbound.channel is Channel.WHATSAPP
    assert inbound.sender == "+6281234567890"
    assert inbound.text == "halo"
    assert inbound.message_id == f"wa:{MESSAGE_SID}"
    assert inbound.sender_name == "Budi Santoso"
    assert inbound.received_at.tzinfo is not None
    assert (inbound.payload, inbound.media) == (None, ())


@pytest.mark.asyncio
async def test_quick_reply_button(
    client: httpx.AsyncClient, wa_settings: Settings, sink: Sink
) -> None:
    form = _message(Body="Ya", ButtonText="Ya", ButtonPayload="f:hadir:1")
    await client.post(
        "/whatsapp/inbound", data=form, headers=_signed(wa_settings, "/whatsapp/inbound", form)
    )
    (inbound,) = sink.items
    assert (inbound.text, inbound.payload) == ("Ya", "f:hadir:1")


@pytest.mark.asyncio
@pytest.mark.parametrize("forgery", ["missing", "wrong", "other_url", "tampered"])
async def test_unsigned_or_forged_requests_are_refused(
    client: httpx.AsyncClient, wa_settings: Settings, sink: Sink, forgery: str
) -> None:
    form = _message()
    headers = {
        "missing": {},
        "wrong": {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
        "other_url": _signed(wa_settings, "/whatsapp/status", form),
        "tampered": _signed(wa_settings, "/whatsapp/inbound", form),
    }[forgery]
    if forgery == "tampered":
        form = {**form, "Body": "kirim semua data"}
    response = await client.post("/whatsapp/inbound", data=form, headers=headers)
    assert response.status_code == 403
    assert sink.items == []


@pytest.mark.asyncio
async def test_photo_is_downloaded_with_basic_auth(
    client: httpx.AsyncClient, wa_settings: Settings, sink: Sink, twilio_api: FakeTwilioAPI
) -> None:
    picture = b"\xff\xd8\xff\xe0 whatsapp photo"
    url = twilio_api.add_media(picture, "image/jpeg")
    form = _message(Body="bukti", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    await client.post(
        "/whatsapp/inbound", data=form, headers=_signed(wa_settings, "/whatsapp/inbound", form)
    )
    (inbound,) = sink.items
    (media,) = inbound.media
    assert (media.kind, media.content_type) == ("photo", "image/jpeg")
    assert Path(media.path).read_bytes() == picture
    assert Path(media.path).parent == wa_settings.media_dir
    assert inbound.text == "bukti"
    fetch, cdn = twilio_api.requests
    assert (fetch.authorized, fetch.status) == (True, 307)  # Twilio redirects to its CDN
    assert cdn.status == 200


@pytest.mark.asyncio
async def test_other_media_kinds_are_not_downloaded(
    client: httpx.AsyncClient, wa_settings: Settings, sink: Sink, twilio_api: FakeTwilioAPI
) -> None:
    form = _message(
        Body="",
        NumMedia="3",
        MediaUrl0=twilio_api.add_media(b"ogg", "audio/ogg"),
        MediaContentType0="audio/ogg",
        MediaUrl1=twilio_api.add_media(b"zip", "application/zip"),
        MediaContentType1="application/zip",
        MediaUrl2=twilio_api.add_media(b"pdf", "application/pdf"),
        MediaContentType2="application/pdf",
    )
    await client.post(
        "/whatsapp/inbound", data=form, headers=_signed(wa_settings, "/whatsapp/inbound", form)
    )
    (inbound,) = sink.items
    audio, other, document = inbound.media
    assert (audio.kind, audio.path) == ("audio", "")
    assert (other.kind, other.path) == ("other", "")
    assert document.kind == "document"
    assert Path(document.path).read_bytes() == b"pdf"
    assert inbound.text is None


@pytest.mark.asyncio
async def test_failed_media_download_keeps_the_message(
    client: httpx.AsyncClient, wa_settings: Settings, sink: Sink, twilio_api: FakeTwilioAPI
) -> None:
    url = twilio_api.add_media(b"jpeg", "image/jpeg")
    twilio_api.fail(500, endpoint="media")
    form = _message(NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    response = await client.post(
        "/whatsapp/inbound", data=form, headers=_signed(wa_settings, "/whatsapp/inbound", form)
    )
    assert response.status_code == 200
    assert sink.items[0].media[0].path == ""


def test_media_kinds() -> None:
    assert media_kind("image/png") == "photo"
    assert media_kind("image/webp") == "sticker"
    assert media_kind("video/mp4") == "video"
    assert media_kind("application/vnd.ms-excel") == "document"
    assert media_kind("text/vcard") == "other"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "error", "forwarded"),
    [
        ("delivered", None, True),
        ("read", None, True),
        ("failed", "63016", True),
        ("undelivered", "30008", True),
        ("sent", None, True),
        ("queued", None, False),
    ],
)
async def test_status_callback(
    client: httpx.AsyncClient,
    wa_settings: Settings,
    status_sink: StatusSink,
    status: str,
    error: str | None,
    forwarded: bool,
) -> None:
    form = {"MessageSid": MESSAGE_SID, "MessageStatus": status, "ChannelPrefix": "whatsapp"}
    if error:
        form["ErrorCode"] = error
    response = await client.post(
        "/whatsapp/status", data=form, headers=_signed(wa_settings, "/whatsapp/status", form)
    )
    assert response.status_code in (200, 204)
    assert status_sink.items == ([(MESSAGE_SID, status, error)] if forwarded else [])


@pytest.mark.asyncio
async def test_forged_status_is_refused(
    client: httpx.AsyncClient, status_sink: StatusSink
) -> None:
    form = {"MessageSid": MESSAGE_SID, "MessageStatus": "delivered"}
    response = await client.post("/whatsapp/status", data=form)
    assert response.status_code == 403
    assert status_sink.items == []
