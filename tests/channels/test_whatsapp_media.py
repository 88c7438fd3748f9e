"""Files on WhatsApp, through the signed webhook and the fake Twilio: what the user sees.

A photo is fetched after the webhook has answered, so a media URL that never answers holds
nothing; a photo that could not be fetched is told to the user; documents go out as media
links named after the document; a calendar entry goes as a link to its .ics.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.messages import Document
from tests.channels.conftest import PUBLIC_BASE_URL
from tests.channels.test_directory_chat import ANDI_PHONE, XLSX, employees_workbook
from tests.channels.test_server import IRFAN_PHONE, Bot, _notify
from tests.channels.test_server import running as running  # the fixture
from tests.fakes._server import wait_until


def _bodies(bot: Bot) -> list[str]:
    return [str(m.get("Body") or "") for m in bot.twilio.messages]


async def test_a_media_url_that_never_answers_holds_neither_the_webhook_nor_the_chat(
    running: Bot,
) -> None:
    await running.whatsapp("menu")
    await running.deliver()
    before = len(running.twilio.messages)
    gate = running.twilio.hold(endpoint="media")
    url = running.twilio.add_media(b"\xff\xd8 foto", "image/jpeg")
    post = running.whatsapp(NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    # The gate stays shut until after the answer: a webhook that waited for the download would
    # never answer (the bound only turns such a hang into a failure).
    response = await asyncio.wait_for(post, timeout=60)
    assert response.status_code == 200
    await wait_until(lambda: running.twilio.unanswered() == 1)  # the download is pending
    gate.set()
    await running.deliver()
    (answer,) = _bodies(running)[before:]
    assert answer.startswith("Berkas diterima")  # it did arrive, just later


async def test_a_photo_that_could_not_be_fetched_is_told_to_the_user(running: Bot) -> None:
    url = running.twilio.add_media(b"\xff\xd8 foto", "image/jpeg")
    running.twilio.fail(500, endpoint="media")
    response = await running.whatsapp(NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    assert response.status_code == 200
    await running.deliver()
    (answer,) = _bodies(running)
    assert answer == "Maaf, foto Anda belum bisa saya terima. Coba kirim lagi."
    assert not any("diterima," in body for body in _bodies(running))


async def test_a_document_link_carries_its_name_and_an_accepted_type(running: Bot) -> None:
    report = running.app.settings.media_dir / "r-5f3a9c.xlsx"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_bytes(b"PK\x03\x04 workbook")
    await running.whatsapp("menu")  # inside the window now
    _notify(
        running.app,
        IRFAN_PHONE,
        Document(str(report), "Rekap Serawai 2025.xlsx", "Rekap terlampir"),
        "notification",
    )
    await running.deliver()
    media = running.twilio.messages[-1]["MediaUrl"]
    media = media[0] if isinstance(media, list) else media
    fetched = await running.http.get(media.removeprefix(PUBLIC_BASE_URL))
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == XLSX
    assert fetched.headers["content-disposition"] == 'inline; filename="Rekap_Serawai_2.xlsx"'


async def test_a_calendar_entry_reaches_whatsapp_as_a_link_to_its_ics(running: Bot) -> None:
    entry = running.app.settings.media_dir / "ics" / "pegasus-7-21.ics"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    await running.whatsapp("menu")
    await running.deliver()
    before = len(running.twilio.messages)
    caption = "Berkas kalender giliran Pegasus Anda (buka untuk menambahkan ke kalender)."
    _notify(
        running.app, IRFAN_PHONE, Document(str(entry), "jadwal-pegasus.ics", caption), "reminder"
    )
    await running.deliver()
    (sent,) = running.twilio.messages[before:]
    assert "MediaUrl" not in sent  # no text/calendar document: WhatsApp refuses those
    text, link = str(sent["Body"]).split("\n")
    assert text == caption
    assert link.startswith(f"{PUBLIC_BASE_URL}/media/")
    assert link.endswith(".ics")
    fetched = await running.http.get(link.removeprefix(PUBLIC_BASE_URL))
    assert fetched.content == Path(entry).read_bytes()
    assert fetched.headers["content-type"].startswith("text/calendar")
    assert fetched.headers["content-disposition"] == 'attachment; filename="jadwal-pegasus.ics"'


async def test_a_file_the_flow_waits_for_can_be_sent_again_after_a_failed_download(
    running: Bot,
) -> None:
    twilio = running.twilio
    await running.whatsapp("/impor", phone=ANDI_PHONE)
    url = twilio.add_media(employees_workbook(), XLSX)
    twilio.fail(500, endpoint="media")
    await running.whatsapp(NumMedia="1", MediaUrl0=url, MediaContentType0=XLSX, phone=ANDI_PHONE)
    await running.deliver()
    assert _bodies(running)[-1] == "Maaf, berkas Anda belum bisa saya terima. Coba kirim lagi."
    await running.whatsapp(NumMedia="1", MediaUrl0=url, MediaContentType0=XLSX, phone=ANDI_PHONE)
    await running.deliver()
    text, labels = twilio.shown(twilio.messages[-1])
    assert text.startswith("Pratinjau impor (2 baris)")  # the import still waited for the file
    assert labels == ("📥 Impor", "❌ Batal")
