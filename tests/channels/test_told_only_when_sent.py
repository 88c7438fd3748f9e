"""Nobody hears "they were told" unless they were: through the real webhook and fake platforms.

The SM asks for Event Team support over WhatsApp (every Twilio request checked against
Twilio's spec) or Telegram; the lead and the CC are reached over WhatsApp. When the lead's
message fails at the platform, the SM is told so in plain words and the admins hear of it;
when every message goes out, the SM's confirmation arrives after them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest_asyncio
from PIL import Image as PILImage
from sqlalchemy import select, update

from bot.calendar import to_wib
from bot.sender import Pace, Sender
from bot.services.context import ServiceCtx
from bot.tick import tick
from storage.db import transaction
from storage.models import Employee
from storage.pegasus import Duty, DutyStatus, RosterPeriod
from tests.channels.conftest import PUBLIC_BASE_URL
from tests.channels.test_server import IRFAN_PHONE, IRFAN_TG, Bot, running  # noqa: F401

LEAD_PHONE = "+6281200000003"  # Rudi Hartono, Ketua Event Team in the demo directory
CC_PHONE = "+6281200000002"  # Sri Wahyuni
ADMIN_TG = 7100  # Andi Pratama reads admin alerts on Telegram
CLAIMS = ("diberi tahu", "sudah dikirim", "terkirim ke", "diposting otomatis")


@pytest_asyncio.fixture
async def bot(running: Bot) -> AsyncIterator[Bot]:  # noqa: F811
    """The running bot, its sender unpaced (these tests are about what is said, not pace)."""
    channels = running.runtime.sender.channels if running.runtime.sender else {}
    running.runtime.sender = Sender(
        running.app, channels, paces={channel: Pace(1000.0) for channel in channels}
    )
    yield running


def _event_day(bot: Bot) -> str:
    """A working day three weeks ahead, as the SM would type it."""
    calendar = bot.app.env.live_calendar.current
    day = calendar.next_working_day(to_wib(bot.app.clock()).date() + timedelta(days=21))
    return f"{day.day}/{day.month}/{day.year} 09.00-11.00"


def _admin_on_telegram(bot: Bot) -> None:
    with transaction(bot.app.sessions) as session:
        session.execute(
            update(Employee)
            .where(Employee.name == "Andi Pratama")
            .values(telegram_id=str(ADMIN_TG), preferred_channel="telegram")
        )


async def _request_over_whatsapp(bot: Bot) -> None:
    steps = ["/dukungan", "Rapat Koordinasi", _event_day(bot), "Aula", "MC", "1", "Selesai"]
    for line in [*steps, "Lewati", "Lewati", "Kirim"]:
        assert (await bot.whatsapp(line)).status_code == 200
        await bot.deliver()


def _bodies_to(bot: Bot, phone: str) -> list[str]:
    """The words sent to `phone` (a template's are its variables)."""
    return [
        m.get("Body") or m.get("ContentVariables", "")
        for m in bot.twilio.messages
        if m["To"] == f"whatsapp:{phone}"
    ]


def _sm_after_kirim(bot: Bot) -> list[str]:
    """What the SM got from the moment the request was saved."""
    bodies = _bodies_to(bot, IRFAN_PHONE)
    saved = next(i for i, body in enumerate(bodies) if "Permintaan #1 tersimpan" in body)
    return bodies[saved:]


async def test_a_lead_the_platform_cannot_reach_is_never_said_to_be_told(bot: Bot) -> None:
    _admin_on_telegram(bot)
    bot.twilio.unreachable.add(f"whatsapp:{LEAD_PHONE}")
    await _request_over_whatsapp(bot)

    to_sm = _sm_after_kirim(bot)
    assert not [body for body in to_sm if any(claim in body for claim in CLAIMS)]
    assert to_sm[-1] == (
        "⚠️ Permintaan #1: pemberitahuan untuk Rudi Hartono belum terkirim. Mohon sampaikan "
        "langsung kepada yang bersangkutan. Kami juga melaporkannya kepada admin."
    )
    alerts = [c.params["text"] for c in bot.bot_api.sent() if c.params["chat_id"] == ADMIN_TG]
    assert len(alerts) == 1
    assert "Rudi Hartono" in alerts[0]
    assert _bodies_to(bot, LEAD_PHONE) == []
    assert len(_bodies_to(bot, CC_PHONE)) == 1  # the CC was reached, and is not named


async def test_the_confirmation_follows_the_messages_it_speaks_of(bot: Bot) -> None:
    await _request_over_whatsapp(bot)

    to_sm = _sm_after_kirim(bot)
    assert "diberi tahu" not in to_sm[0]
    assert to_sm[1:] == ["📨 Ketua Event Team dan CC sudah diberi tahu tentang permintaan #1."]
    order = [m["To"] for m in bot.twilio.messages]
    confirmation = len(order) - 1
    assert order[confirmation] == f"whatsapp:{IRFAN_PHONE}"
    assert order.index(f"whatsapp:{LEAD_PHONE}") < confirmation
    assert order.index(f"whatsapp:{CC_PHONE}") < confirmation


async def test_a_blocked_telegram_chat_is_told_as_it_is(bot: Bot) -> None:
    _admin_on_telegram(bot)
    with transaction(bot.app.sessions) as session:  # the CC reads the bot on Telegram
        session.execute(
            update(Employee)
            .where(Employee.phone == CC_PHONE)
            .values(telegram_id="7200", preferred_channel="telegram")
        )
    bot.bot_api.blocked_chats.add(7200)
    steps = ["/dukungan", "Rapat Koordinasi", _event_day(bot), "Aula", "MC", "1"]
    for line in [*steps, "Selesai", "Lewati", "Lewati", "Kirim"]:
        await bot.telegram(bot.bot_api.user_text(IRFAN_TG, line))
        await bot.deliver()

    to_sm = [c.params["text"] for c in bot.bot_api.sent() if c.params["chat_id"] == IRFAN_TG]
    saved = next(i for i, text in enumerate(to_sm) if "Permintaan #1 tersimpan" in text)
    assert not [text for text in to_sm[saved:] if "diberi tahu" in text]
    assert "pemberitahuan untuk Sri Wahyuni belum terkirim" in to_sm[-1]
    alerts = [c.params["text"] for c in bot.bot_api.sent() if c.params["chat_id"] == ADMIN_TG]
    assert ["Sri Wahyuni" in alert for alert in alerts] == [True]


async def _status(bot: Bot, sid: str, status: str, code: str) -> None:
    """POST a signed Twilio status callback, as Twilio would."""
    form = {
        "MessageSid": sid,
        "MessageStatus": status,
        "ErrorCode": code,
        "AccountSid": bot.twilio.account_sid,
    }
    signature = bot.validator.compute_signature(f"{PUBLIC_BASE_URL}/whatsapp/status", form)
    response = await bot.http.post(
        "/whatsapp/status", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code in (200, 204)


async def test_a_lead_whatsapp_reports_undelivered_later_is_corrected(bot: Bot) -> None:
    await _request_over_whatsapp(bot)
    to_lead = [m for m in bot.twilio.messages if m["To"] == f"whatsapp:{LEAD_PHONE}"]
    assert len(to_lead) == 1
    assert _sm_after_kirim(bot)[-1].startswith("📨 Ketua Event Team dan CC sudah diberi tahu")

    await _status(bot, to_lead[0]["sid"], "undelivered", "63016")
    await _status(bot, to_lead[0]["sid"], "undelivered", "63016")  # Twilio may say it twice
    await bot.deliver()
    assert _sm_after_kirim(bot)[-1] == (
        "⚠️ Ralat — Permintaan #1: pemberitahuan untuk Rudi Hartono ternyata tidak sampai. "
        "Mohon sampaikan langsung kepada yang bersangkutan."
    )
    assert sum("Ralat" in body for body in _sm_after_kirim(bot)) == 1


# -- Pegasus: "posted automatically" only once the office group has it --------------------

OFFICE_GROUP = -1001234567890
HUMAS_TG = 7300  # Maya Sari holds the Humas role in the demo directory


def _approved_poster_due_now(bot: Bot) -> None:
    """Irfan's approved poster, its 08:00 posting moment now, the scheduler's reminder set."""
    poster = bot.app.settings.media_dir / "pegasus" / "poster.png"
    poster.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (64, 64), "navy").save(poster)
    bot.app.settings.telegram_office_chat_id = str(OFFICE_GROUP)
    now = bot.app.clock()
    today = to_wib(now).date()
    with transaction(bot.app.sessions) as session:
        for name, chat in (("Maya Sari", HUMAS_TG), ("Irfan Maulana", IRFAN_TG)):
            session.execute(
                update(Employee)
                .where(Employee.name == name)
                .values(telegram_id=str(chat), preferred_channel="telegram")
            )
        irfan = session.scalars(select(Employee).where(Employee.phone == IRFAN_PHONE)).one()
        period = RosterPeriod(
            start_date=today,
            end_date=today,
            weeks=1,
            weekday=min(today.weekday(), 4),  # a weekday, as the roster requires
            per_week=1,
            created_at=now,
        )
        session.add(period)
        session.flush()
        duty = Duty(
            period_id=period.id,
            week=1,
            posting_date=today,
            employee_id=irfan.id,
            status=DutyStatus.APPROVED,
            quote="Satu data, satu semangat.",
            poster_path=str(poster),
            approved_at=now,
        )
        session.add(duty)
        session.flush()
        ServiceCtx(env=bot.app.env, session=session, now=now).schedule(
            f"test:post:{duty.id}", "pegasus.post", now, args={"duty_id": duty.id}
        )


def _texts_to(bot: Bot, chat: int) -> list[str]:
    return [
        c.params.get("text") or c.params.get("caption") or ""
        for c in bot.bot_api.sent()
        if c.params["chat_id"] == chat
    ]


async def test_humas_hears_posted_automatically_only_after_the_group_has_it(bot: Bot) -> None:
    _approved_poster_due_now(bot)
    tick(bot.app)
    await bot.deliver()

    sent = bot.bot_api.sent()
    group = next(i for i, c in enumerate(sent) if c.params["chat_id"] == OFFICE_GROUP)
    humas = next(i for i, c in enumerate(sent) if c.params["chat_id"] == HUMAS_TG)
    assert sent[group].method == "sendPhoto"
    assert group < humas
    assert "sudah diposting otomatis ke grup Telegram kantor" in _texts_to(bot, HUMAS_TG)[0]
    assert "sudah diposting hari ini" in _texts_to(bot, IRFAN_TG)[-1]


async def test_a_failed_group_post_asks_humas_to_post_it(bot: Bot) -> None:
    _admin_on_telegram(bot)
    bot.bot_api.blocked_chats.add(OFFICE_GROUP)
    _approved_poster_due_now(bot)
    tick(bot.app)
    await bot.deliver()

    to_humas = _texts_to(bot, HUMAS_TG)
    assert not [text for text in to_humas if "sudah diposting" in text]
    assert "belum bisa diposting otomatis" in to_humas[0]
    assert len(to_humas) == 4  # the word, the poster, its caption, the proof buttons
    to_author = _texts_to(bot, IRFAN_TG)
    assert not [text for text in to_author if "sudah diposting" in text]
    assert "Humas diminta mempostingnya" in to_author[-1]
    assert len(_texts_to(bot, ADMIN_TG)) == 1  # the failed post, alerted
