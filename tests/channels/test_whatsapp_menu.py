"""The menu on WhatsApp: at most 10 items a list, grouped by program, one list per message (through
the signed webhook and the fake Twilio). Before, an admin's menu was one list of 29 items."""

from __future__ import annotations

from sqlalchemy import update

from storage.db import transaction
from storage.models import Employee
from storage.seed import DEMO_ADMIN_NIP
from tests.channels.test_server import Bot, _wa_shape
from tests.channels.test_server import running as running  # the fixture

ANDI_PHONE = "+6281200000001"


async def test_an_admin_menu_on_whatsapp_is_grouped_in_lists_of_at_most_ten(running: Bot) -> None:
    bot = running
    with transaction(bot.app.sessions) as session:
        session.execute(
            update(Employee).where(Employee.nip == DEMO_ADMIN_NIP).values(telegram_id=None)
        )

    async def say(text: str) -> tuple[str, tuple[str, ...]]:
        before = len(bot.twilio.messages)
        assert (await bot.whatsapp(text, phone=ANDI_PHONE)).status_code == 200
        await bot.deliver()
        new = bot.twilio.messages[before:]
        bodies = [bot.twilio.shown(m)[0] for m in new]
        lists = [b for b in bodies if "Balas dengan angka" in b]
        assert len(lists) <= 1, bodies  # one list per message, never two in one
        return _wa_shape(bot.twilio, new[-1])

    text, groups = await say("menu")
    assert text.startswith("Halo, Andi!")
    assert groups == (
        "🤝 Event Team (6)",
        "📚 Serawai (7)",
        "📣 Pegasus (8)",
        "📊 Laporan (1)",
        "🛠️ Admin (5)",
        "⚙️ Umum (3)",
    )
    text, admin = await say("5")
    assert text.startswith("🛠️ Admin: pilih salah satu")
    assert len(admin) == 5
    assert "📭 Pesan yang belum sampai" in admin  # /gagal
    assert "🛡️ Kelola peran" in admin
    _text, pegasus = await say("menu")
    _text, pegasus = await say("3")
    assert len(pegasus) == 8
    assert all(len(labels) <= 10 for labels in (groups, admin, pegasus))


async def test_a_crafted_menu_button_is_refused(running: Bot) -> None:
    for payload in ("menu:nothing:0", "menu:admin:0", "menu:core:-1", "menu:core:5"):
        response = await running.whatsapp("", ButtonPayload=payload)  # Irfan: no admin role
        assert response.status_code == 200
        await running.deliver()
        answer = str(running.twilio.messages[-1].get("Body", ""))
        assert answer in ("Pilihan itu sudah tidak berlaku.", "Tombol itu tidak dikenal."), payload
