"""The directory from chat on both channels: an admin sends the employee workbook, sees the
preview, imports it, and exports the directory back as a workbook.

Telegram through the real python-telegram-bot against the fake Bot API (the file is
downloaded with getFile, the export uploaded with sendDocument); WhatsApp through the signed
webhook and the real Twilio client against the fake Twilio (the file fetched from Twilio's
media URL, the export sent as an expiring media link and fetched back).
"""

from __future__ import annotations

import io
from typing import Any, cast

from openpyxl import Workbook, load_workbook
from sqlalchemy import select, update

from storage.db import transaction
from storage.models import Employee
from storage.seed import DEMO_ADMIN_NIP
from tests.channels.conftest import PUBLIC_BASE_URL
from tests.channels.test_server import Bot, _tg_shape, _wa_shape
from tests.channels.test_server import running as running  # the fixture

ANDI_TG = 7002
ANDI_PHONE = "+6281200000001"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEW_PEOPLE = [
    ("199901012023011001", "Budi Santoso", "1771", "081234567001", "Statistisi"),
    ("199902022023012002", "Citra Kirana", "1702", "+6281234567002", "Pranata Komputer"),
]
PREVIEW = (
    "Pratinjau impor (2 baris):\n"
    "➕ Ditambah: 2 (Budi Santoso, Citra Kirana)\n"
    "✏️ Diubah: 0\n"
    "▫️ Tetap: 0\n\n"
    "Impor sekarang?"
)


def employees_workbook() -> bytes:
    """The file an office keeps: NIP typed as text, the office code as a number."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["NIP", "Nama", "Kantor", "Telepon", "Jabatan"])
    for nip, name, office, phone, position in NEW_PEOPLE:
        sheet.append([nip, name, int(office), phone, position])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _imported(bot: Bot) -> list[tuple[str, str, str]]:
    with bot.app.sessions() as session:
        rows = session.scalars(
            select(Employee)
            .where(Employee.nip.in_([p[0] for p in NEW_PEOPLE]))
            .order_by(Employee.nip)
        )
        return [(e.name, e.office.code, e.phone or "") for e in rows]


def _directory_rows(data: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _latest_keyboard(bot: Bot, chat: int) -> dict[str, Any]:
    with bot.bot_api._lock:
        keyboards = [
            m
            for (c, _id), m in bot.bot_api.messages.items()
            if c == chat and m.get("reply_markup")
        ]
    return keyboards[-1]


def _press(bot: Bot, chat: int, label: str) -> dict[str, Any]:
    message = _latest_keyboard(bot, chat)
    rows = message["reply_markup"]["inline_keyboard"]
    (data,) = [b["callback_data"] for row in rows for b in row if label in b["text"]]
    return bot.bot_api.user_presses(chat, message, data)


async def test_an_admin_imports_and_exports_the_directory_on_telegram(running: Bot) -> None:
    with transaction(running.app.sessions) as session:
        session.execute(
            update(Employee).where(Employee.nip == DEMO_ADMIN_NIP).values(telegram_id=str(ANDI_TG))
        )
    api = running.bot_api

    async def say(update: dict[str, Any]) -> None:
        await running.telegram(update)
        await running.deliver()

    await say(api.user_text(ANDI_TG, "/impor"))
    await say(api.user_document(ANDI_TG, employees_workbook(), "pegawai.xlsx", XLSX))
    assert _tg_shape(api.sent()[-1].params) == (PREVIEW, ("📥 Impor", "❌ Batal"))
    assert _imported(running) == []
    await say(_press(running, ANDI_TG, "Impor"))
    assert api.sent()[-1].params["text"] == "Impor selesai: 2 ditambah, 0 diubah, 0 tetap."
    assert _imported(running) == [
        ("Budi Santoso", "1771", "+6281234567001"),
        ("Citra Kirana", "1702", "+6281234567002"),
    ]

    await say(api.user_text(ANDI_TG, "/ekspor"))
    assert _tg_shape(api.sent()[-1].params)[1][0] == "👥 Direktori pegawai"
    await say(_press(running, ANDI_TG, "Direktori"))
    (upload,) = api.calls_to("sendDocument")
    assert upload.files["document"].filename.startswith("direktori-pegawai-")
    rows = _directory_rows(upload.files["document"].data)
    with running.app.sessions() as session:
        everyone = sorted(session.scalars(select(Employee.nip)))
    assert sorted(row[0] for row in rows[1:]) == everyone
    assert ("199902022023012002", "Citra Kirana", "1702") in [row[:3] for row in rows]


async def test_an_admin_imports_and_exports_the_directory_on_whatsapp(running: Bot) -> None:
    twilio = running.twilio
    with transaction(running.app.sessions) as session:
        session.execute(
            update(Employee).where(Employee.nip == DEMO_ADMIN_NIP).values(telegram_id=None)
        )

    async def say(text: str = "", **extra: str) -> str:
        fields = cast(dict[str, Any], extra)  # extra form fields, never the helper's own flags
        assert (await running.whatsapp(text, phone=ANDI_PHONE, **fields)).status_code == 200
        await running.deliver()
        return str(twilio.messages[-1].get("Body", ""))

    await say("/impor")
    url = twilio.add_media(employees_workbook(), XLSX)
    await say(NumMedia="1", MediaUrl0=url, MediaContentType0=XLSX)
    assert _wa_shape(twilio, twilio.messages[-1]) == (PREVIEW, ("📥 Impor", "❌ Batal"))
    assert _imported(running) == []
    assert await say("1") == "Impor selesai: 2 ditambah, 0 diubah, 0 tetap."
    assert [name for name, _office, _phone in _imported(running)] == [
        "Budi Santoso",
        "Citra Kirana",
    ]

    await say("/ekspor")
    text, labels = _wa_shape(twilio, twilio.messages[-1])
    assert labels[0] == "👥 Direktori pegawai"
    await say("1")
    sent = twilio.messages[-1]
    media_url = sent["MediaUrl"]
    media_url = media_url[0] if isinstance(media_url, list) else media_url
    assert media_url.startswith(f"{PUBLIC_BASE_URL}/media/")
    fetched = await running.http.get(media_url.removeprefix(PUBLIC_BASE_URL))
    assert fetched.status_code == 200
    rows = _directory_rows(fetched.content)
    assert ("199901012023011001", "Budi Santoso", "1771") in [row[:3] for row in rows]
    assert text == "Ekspor apa? Berkas Excel dikirim ke obrolan ini."
