"""WhatsAppSender drives the real twilio client against the fake, which checks Twilio's spec."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import Settings
from bot.handlers.base import Delivery, PermanentSendError, TransientSendError
from bot.handlers.whatsapp import WhatsAppSender
from bot.messages import Choices, ContactRequest, Document, Image, Option, Reply, Text
from tests.channels.conftest import (
    CHOICES2_SID,
    NOTIFICATION_SID,
    PUBLIC_BASE_URL,
    REMINDER_SID,
    WHATSAPP_FROM,
    make_settings,
)
from tests.fakes.twilio_api import FakeTwilioAPI

NOW = 1_750_000_000.0
TO = "+6281234567890"


def _sender(settings: Settings, **kwargs: object) -> WhatsAppSender:
    return WhatsAppSender(
        settings,
        lambda path: f"{PUBLIC_BASE_URL}/media/{Path(path).name}?sig=abc",
        clock=lambda: NOW,
        **kwargs,  # type: ignore[arg-type]
    )


def _delivery(
    reply: Reply, kind: str = "reply", last_inbound_at: float | None = NOW - 60
) -> Delivery:
    return Delivery(TO, reply, kind, outbox_id=7, last_inbound_at=last_inbound_at)


@pytest.fixture
def sender(wa_settings: Settings) -> WhatsAppSender:
    return _sender(wa_settings)


@pytest.mark.asyncio
async def test_text(twilio_api: FakeTwilioAPI, sender: WhatsAppSender) -> None:
    sid = await sender.send(_delivery(Text("Selamat pagi")))
    (request,) = twilio_api.created()
    assert request.param("To") == "whatsapp:+6281234567890"
    assert request.param("From") == WHATSAPP_FROM
    assert request.param("Body") == "Selamat pagi"
    assert request.param("StatusCallback") == f"{PUBLIC_BASE_URL}/whatsapp/status"
    assert request.authorized
    assert sid.startswith("SM")
    assert len(sid) == 34
    assert twilio_api.messages[0]["sid"] == sid


@pytest.mark.asyncio
async def test_long_text_is_split_under_1600(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender
) -> None:
    await sender.send(_delivery(Text("kata " * 700)))
    bodies = [r.param("Body") or "" for r in twilio_api.created()]
    assert len(bodies) == 3
    assert all(len(b) <= 1600 for b in bodies)
    assert " ".join(bodies).split() == ["kata"] * 700


@pytest.mark.asyncio
async def test_choices_become_a_numbered_list(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender
) -> None:
    choices = Choices("Hadir rapat?", (Option("Ya", "f:q:1"), Option("Tidak", "f:q:0")))
    await sender.send(_delivery(choices))
    (request,) = twilio_api.created()
    assert request.param("Body") == (
        "Hadir rapat?\n\n1. Ya\n2. Tidak\n\nBalas dengan angka atau teks pilihan."
    )
    assert request.param("ContentSid") is None


@pytest.mark.asyncio
async def test_choices_use_a_configured_quick_reply_template(
    twilio_api: FakeTwilioAPI, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path,
        twilio_account_sid=twilio_api.account_sid,
        twilio_auth_token=twilio_api.auth_token,
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_api_base_url=twilio_api.url,
        twilio_templates=f"choices2={CHOICES2_SID}",
    )
    choices = Choices("Hadir rapat?", (Option("Ya", "f:q:1"), Option("Tidak", "f:q:0")))
    await _sender(settings).send(_delivery(choices))
    (request,) = twilio_api.created()
    assert request.param("ContentSid") == CHOICES2_SID
    assert json.loads(request.param("ContentVariables") or "") == {
        "1": "Hadir rapat?",
        "2": "Ya",
        "3": "f:q:1",
        "4": "Tidak",
        "5": "f:q:0",
    }
    assert request.param("Body") is None


@pytest.mark.asyncio
async def test_contact_request_is_plain_text(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender
) -> None:
    await sender.send(_delivery(ContactRequest("Bagikan nomor", "Bagikan")))
    assert twilio_api.created()[0].param("Body") == "Bagikan nomor"


@pytest.mark.asyncio
async def test_image_and_document_send_media_urls(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender
) -> None:
    await sender.send(_delivery(Image("/data/media/chart.png", caption="Rekap")))
    await sender.send(_delivery(Document("/data/media/r.pdf", "Laporan.pdf")))
    image, document = twilio_api.created()
    assert image.form["MediaUrl"] == [f"{PUBLIC_BASE_URL}/media/chart.png?sig=abc"]
    assert image.param("Body") == "Rekap"
    assert document.form["MediaUrl"] == [f"{PUBLIC_BASE_URL}/media/r.pdf?sig=abc"]
    assert document.param("Body") is None


@pytest.mark.asyncio
async def test_outside_the_window_sends_the_approved_template(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender
) -> None:
    text = "Pengingat:\nisi laporan\t hari ini " + "x" * 2000
    await sender.send(_delivery(Text(text), kind="reminder", last_inbound_at=None))
    await sender.send(
        _delivery(Text("Info"), kind="notification", last_inbound_at=NOW - 25 * 3600)
    )
    reminder, notification = twilio_api.created()
    assert reminder.param("ContentSid") == REMINDER_SID
    assert reminder.param("Body") is None
    variable = json.loads(reminder.param("ContentVariables") or "")["1"]
    assert variable.startswith("Pengingat: isi laporan hari ini xxx")  # no newlines or tabs
    assert len(variable) == 1000
    assert notification.param("ContentSid") == NOTIFICATION_SID
    assert json.loads(notification.param("ContentVariables") or "") == {"1": "Info"}


@pytest.mark.asyncio
async def test_inside_the_window_and_replies_send_session_messages(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender
) -> None:
    await sender.send(_delivery(Text("a"), kind="reminder", last_inbound_at=NOW - 3600))
    await sender.send(_delivery(Text("b"), kind="reply", last_inbound_at=None))
    assert [r.param("Body") for r in twilio_api.created()] == ["a", "b"]


@pytest.mark.asyncio
async def test_outside_the_window_without_template_is_permanent(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender
) -> None:
    with pytest.raises(PermanentSendError, match="no approved template for broadcast"):
        await sender.send(_delivery(Text("x"), kind="broadcast", last_inbound_at=None))
    assert twilio_api.requests == []


@pytest.mark.asyncio
async def test_429_is_transient_with_retry_after(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender
) -> None:
    twilio_api.fail(429, retry_after=7)
    with pytest.raises(TransientSendError) as caught:
        await sender.send(_delivery(Text("x")))
    assert caught.value.retry_after == 7


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [500, 503])
async def test_5xx_is_transient(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender, status: int
) -> None:
    twilio_api.fail(status)
    with pytest.raises(TransientSendError):
        await sender.send(_delivery(Text("x")))


@pytest.mark.asyncio
async def test_timeout_is_transient(twilio_api: FakeTwilioAPI, wa_settings: Settings) -> None:
    held = twilio_api.hold()  # answered only once the sender has given up
    try:
        with pytest.raises(TransientSendError, match="unreachable"):
            await _sender(wa_settings, timeout=0.3).send(_delivery(Text("x")))
    finally:
        held.set()


@pytest.mark.asyncio
async def test_connection_refused_is_transient(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token="t",
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_api_base_url="http://127.0.0.1:9",  # discard port: nothing listens
    )
    with pytest.raises(TransientSendError):
        await _sender(settings).send(_delivery(Text("x")))


@pytest.mark.asyncio
async def test_invalid_number_is_permanent(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender
) -> None:
    with pytest.raises(PermanentSendError, match="21211"):
        await sender.send(Delivery("+12", Text("x"), "reply", outbox_id=1, last_inbound_at=NOW))


@pytest.mark.asyncio
async def test_unreachable_number_is_permanent(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender
) -> None:
    twilio_api.unreachable.add("whatsapp:" + TO)
    with pytest.raises(PermanentSendError, match="63003"):
        await sender.send(_delivery(Text("x")))


@pytest.mark.asyncio
async def test_wrong_credentials_are_permanent(twilio_api: FakeTwilioAPI, tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        twilio_account_sid=twilio_api.account_sid,
        twilio_auth_token="not-the-token",
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_api_base_url=twilio_api.url,
    )
    with pytest.raises(PermanentSendError, match="401"):
        await _sender(settings).send(_delivery(Text("x")))


@pytest.mark.asyncio
async def test_every_request_the_sender_makes_passes_the_spec(
    twilio_api: FakeTwilioAPI, sender: WhatsAppSender
) -> None:
    replies: list[Reply] = [
        Text("a"),
        Choices("b", (Option("1", "p:1"),)),
        Image("/m/x.jpg"),
        Document("/m/y.pdf", "y.pdf", "c"),
    ]
    for reply in replies:
        await sender.send(_delivery(reply))
        await sender.send(_delivery(reply, kind="reminder", last_inbound_at=None))
    assert all(r.status == 201 for r in twilio_api.requests)
    assert len(twilio_api.created()) == 8
