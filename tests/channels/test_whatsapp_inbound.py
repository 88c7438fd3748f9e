"""Twilio webhooks: signed requests become Inbound values; anything unsigned is refused."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from twilio.request_validator import RequestValidator

from bot.config import Settings
from bot.handlers.whatsapp import EMPTY_TWIML, InboundJobs, media_kind, whatsapp_routes
from bot.messages import Channel
from tests.channels.conftest import PUBLIC_BASE_URL, Sink, StatusSink
from tests.fakes._server import wait_until
from tests.fakes.twilio_api import FakeTwilioAPI

MESSAGE_SID = "SM" + "5" * 32
INBOUND = "/whatsapp/inbound"


@pytest.fixture
def jobs() -> InboundJobs:
    return InboundJobs()


@pytest_asyncio.fixture
async def client(
    wa_settings: Settings, sink: Sink, status_sink: StatusSink, jobs: InboundJobs
) -> AsyncIterator[httpx.AsyncClient]:
    web = Starlette(routes=whatsapp_routes(wa_settings, sink, status_sink, jobs))
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://internal:8080") as c:
        yield c


Post = Callable[[dict[str, str]], Awaitable[httpx.Response]]


@pytest.fixture
def post(client: httpx.AsyncClient, wa_settings: Settings, jobs: InboundJobs) -> Post:
    """POST a signed incoming-message webhook, then wait for what it started to end."""

    async def send(form: dict[str, str]) -> httpx.Response:
        headers = _signed(wa_settings, INBOUND, form)
        response = await client.post(INBOUND, data=form, headers=headers)
        await jobs.idle()
        return response

    return send


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
@pytest.mark.parametrize(
    "pressed",
    [
        {"Body": "Ya", "ButtonText": "Ya", "ButtonPayload": "f:hadir:1"},  # a quick reply
        {"Body": "Ya", "ListTitle": "Ya", "ListId": "f:hadir:1"},  # a list-picker item
    ],
    ids=["quick-reply", "list-picker"],
)
async def test_a_pressed_button_carries_its_id_as_the_payload(
    post: Post, sink: Sink, pressed: dict[str, str]
) -> None:
    await post(_message(**pressed))
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
    post: Post, sink: Sink, twilio_api: FakeTwilioAPI, wa_settings: Settings
) -> None:
    picture = b"\xff\xd8\xff\xe0 whatsapp photo"
    url = twilio_api.add_media(picture, "image/jpeg")
    form = _message(Body="bukti", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    await post(form)
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
    post: Post, sink: Sink, twilio_api: FakeTwilioAPI
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
    await post(form)
    (inbound,) = sink.items
    audio, other, document = inbound.media
    assert (audio.kind, audio.path) == ("audio", "")
    assert (other.kind, other.path) == ("other", "")
    assert document.kind == "document"
    assert Path(document.path).read_bytes() == b"pdf"
    assert inbound.text is None


@pytest.mark.asyncio
async def test_failed_media_download_keeps_the_message(
    post: Post, sink: Sink, twilio_api: FakeTwilioAPI
) -> None:
    url = twilio_api.add_media(b"jpeg", "image/jpeg")
    twilio_api.fail(500, endpoint="media")
    form = _message(NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    response = await post(form)
    assert response.status_code == 200
    assert sink.items[0].media[0].path == ""


@pytest.mark.asyncio
async def test_a_media_url_that_never_answers_does_not_hold_the_webhook(
    client: httpx.AsyncClient,
    wa_settings: Settings,
    sink: Sink,
    twilio_api: FakeTwilioAPI,
    jobs: InboundJobs,
) -> None:
    gate = twilio_api.hold(endpoint="media")
    photo = _message(
        MessageSid="SM" + "6" * 32,
        Body="",
        NumMedia="1",
        MediaUrl0=twilio_api.add_media(b"\xff\xd8 foto", "image/jpeg"),
        MediaContentType0="image/jpeg",
    )
    after = _message(MessageSid="SM" + "7" * 32, Body="sudah saya kirim")
    for form in (photo, after):
        # The fake holds the media request until the gate opens, so an answer that waited
        # for the download would never come (the bound only turns such a hang into a failure).
        post = client.post(
            "/whatsapp/inbound", data=form, headers=_signed(wa_settings, "/whatsapp/inbound", form)
        )
        response = await asyncio.wait_for(post, timeout=60)
        assert response.status_code == 200
        assert response.text == EMPTY_TWIML
    await wait_until(lambda: twilio_api.unanswered() == 1)  # the download is waiting
    assert sink.items == []  # and the text after it waits its turn
    gate.set()
    await jobs.idle()
    first, second = sink.items
    assert first.message_id == f"wa:{photo['MessageSid']}"
    assert Path(first.media[0].path).read_bytes() == b"\xff\xd8 foto"
    assert second.text == "sudah saya kirim"


@pytest.mark.asyncio
@pytest.mark.parametrize("sender", ["+6281234567890", "messenger:1234567890", "sms:+62812"])
async def test_only_whatsapp_senders_are_served(
    post: Post, sink: Sink, sender: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.handlers.whatsapp"):
        response = await post(_message(From=sender))
    assert (response.status_code, response.text) == (200, EMPTY_TWIML)
    assert sink.items == []
    assert "not from whatsapp" in caplog.text
    assert "1234567890" not in caplog.text
    assert "62812" not in caplog.text


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
