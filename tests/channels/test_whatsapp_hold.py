"""Hold and open, through the real webhook and the fake Twilio that checks Twilio's spec.

A person outside WhatsApp's 24-hour window gets one opener and nothing else; pressing *Buka*
(or writing anything) delivers every held message, files and buttons, in order; a held
message past its moment is dropped and listed in /gagal. A Twilio outage of 50 minutes loses
nothing and sends nothing twice; an admin alert that cannot reach WhatsApp reaches Telegram.
The clock is the test's: nothing sleeps.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from bot.app import App
from bot.buttons import CommandButton
from bot.messages import Channel, Choices, Document, Image, Option, Reply, Text
from bot.server import Runtime
from bot.services.context import ServiceCtx
from storage.db import transaction
from storage.models import Employee, OutboxMessage
from tests.channels.conftest import (
    ALERT_SID,
    OPENER_SID,
    PUBLIC_BASE_URL,
    both_settings,
    demo_runtime,
    drain,
)
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.twilio_api import FakeTwilioAPI, Recorded
from tests.support import Clock

RATNA = "+6281200000022"  # never wrote to the bot: outside the window
IRFAN = "+6281200000021"
ANDI = "+6281200000001"  # the demo admin
ANDI_TG = 7100


class Bot:
    """The running bot on a clock the test moves; talk to it as Twilio would."""

    def __init__(self, runtime: Runtime, asgi: Any, clock: Clock, twilio: FakeTwilioAPI):
        self.runtime = runtime
        self.app: App = runtime.app
        self.clock = clock
        self.twilio = twilio
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=asgi), base_url=PUBLIC_BASE_URL
        )
        self.validator = RequestValidator(twilio.auth_token)
        self.seen = 0

    async def post(self, path: str, form: dict[str, str]) -> httpx.Response:
        signature = self.validator.compute_signature(f"{PUBLIC_BASE_URL}{path}", form)
        return await self.http.post(path, data=form, headers={"X-Twilio-Signature": signature})

    async def whatsapp(self, phone: str, text: str, **extra: str) -> None:
        form = self.twilio.incoming(phone, text, **extra)
        response = await self.post("/whatsapp/inbound", form)
        assert response.status_code == 200

    async def deliver(self) -> None:
        """Let the sender drain everything due now."""
        await drain(self.runtime)

    def new(self, phone: str | None = None) -> list[Recorded]:
        """Messages Twilio accepted since the last look (to `phone` when given)."""
        created = self.twilio.created()
        fresh, self.seen = created[self.seen :], len(created)
        return [r for r in fresh if phone is None or r.param("To") == f"whatsapp:{phone}"]

    def notify(
        self, phone: str, reply: Reply, kind: str, key: str, valid_for: timedelta | None = None
    ) -> None:
        with transaction(self.app.sessions) as session:
            person = session.scalars(select(Employee).where(Employee.phone == phone)).one()
            now = self.app.clock()
            ServiceCtx(env=self.app.env, session=session, now=now).notify(
                person,
                [reply],
                kind=kind,
                key=key,
                expires_at=now + valid_for if valid_for else None,
            )
        self.app.on_queued()

    async def states(self) -> dict[str, float]:
        """canbot_outbox_messages{channel="whatsapp"} by state, as /metrics tells it."""
        text = (await self.http.get("/metrics")).text
        return {
            sample.labels["state"]: sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == "canbot_outbox_messages" and sample.labels["channel"] == "whatsapp"
        }

    def statuses(self, phone: str) -> list[tuple[str, str, str | None]]:
        with self.app.sessions() as session:
            rows = session.execute(
                select(OutboxMessage.kind, OutboxMessage.status, OutboxMessage.reason)
                .where(OutboxMessage.recipient == phone)
                .order_by(OutboxMessage.id)
            ).all()
        return [(kind, status, reason) for kind, status, reason in rows]


@pytest_asyncio.fixture
async def bot(
    tmp_path: Path, engine: Engine, bot_api: FakeBotAPI, twilio_api: FakeTwilioAPI
) -> AsyncIterator[Bot]:
    """Both channels on, the opener and admin-alert templates approved, a demo directory."""
    settings = both_settings(tmp_path, bot_api, twilio_api, twilio_messages_per_second=1000.0)
    clock = Clock()

    def prepare(session: Session) -> None:
        session.execute(update(Employee).values(preferred_channel="whatsapp"))
        session.execute(
            update(Employee).where(Employee.phone == ANDI).values(telegram_id=str(ANDI_TG))
        )

    async with demo_runtime(settings, engine, prepare, clock=clock) as (runtime, asgi):
        running = Bot(runtime, asgi, clock, twilio_api)
        yield running
        await running.http.aclose()


def _files(app: App) -> tuple[str, str]:
    media = app.settings.media_dir
    media.mkdir(parents=True, exist_ok=True)
    (media / "jadwal.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (media / "surat.pdf").write_bytes(b"%PDF-1.4\n")
    return str(media / "jadwal.png"), str(media / "surat.pdf")


def _queue_three(bot: Bot) -> None:
    """An Event Team task with buttons, a Pegasus roster image, a Pegasus reminder file."""
    picture, letter = _files(bot.app)
    task = Choices(
        "Anda ditugaskan ke acara Rapat Koordinasi.",
        (Option("Lihat profil", CommandButton("profil").pack()), Option("Bantuan", "x:y")),
    )
    bot.notify(RATNA, task, "notification", "et:1:r0:a1:assign")
    bot.notify(RATNA, Image(picture, "Jadwal Pegasus"), "notification", "pegasus:1:roster")
    bot.notify(RATNA, Document(letter, "surat.pdf", "Pengingat H-5"), "reminder", "pegasus:1:h5")


def _media_name(request: Recorded) -> str:
    urls = request.form.get("MediaUrl") or []
    assert len(urls) == 1
    return urls[0].split("/media/", 1)[1].split("?", 1)[0]


async def test_outside_the_window_one_opener_then_buka_delivers_everything_in_order(
    bot: Bot,
) -> None:
    _queue_three(bot)
    await bot.deliver()

    (opener,) = bot.new()  # one message, nothing else
    assert opener.param("To") == f"whatsapp:{RATNA}"
    assert opener.param("ContentSid") == OPENER_SID
    assert json.loads(opener.param("ContentVariables") or "") == {
        "1": "tugas Event Team, pemberitahuan Pegasus, pengingat Pegasus"
    }
    assert opener.param("Body") is None
    assert opener.form.get("MediaUrl") is None
    assert [s for _, s, _ in bot.statuses(RATNA)] == ["held", "held", "held", "sent"]
    assert await bot.states() == {"held": 3, "opened": 1}
    await bot.deliver()
    assert bot.new() == []  # held messages stay held: no second opener either

    bot.clock.advance(hours=30)
    await bot.whatsapp(RATNA, "Buka", ButtonPayload="buka", ButtonText="Buka")
    await bot.deliver()
    task, roster, reminder = bot.new()
    # The task came with its buttons, real ones (a Content API quick reply).
    (shown,) = [
        bot.twilio.shown(m)
        for m in bot.twilio.messages
        if m.get("ContentSid") and m["ContentSid"] == task.param("ContentSid")
    ]
    assert shown == ("Anda ditugaskan ke acara Rapat Koordinasi.", ("Lihat profil", "Bantuan"))
    assert roster.param("Body") == "Jadwal Pegasus"
    assert reminder.param("Body") == "Pengingat H-5"
    links = [_media_name(roster), _media_name(reminder)]
    for link, content in zip(links, (b"\x89PNG\r\n\x1a\n", b"%PDF-1.4\n"), strict=True):
        fetched = await bot.http.get(f"/media/{link}")
        assert (fetched.status_code, fetched.content) == (200, content)
    assert all(r.status == 201 for r in bot.twilio.requests)  # every request met the spec

    assert await bot.states() == {"opened": 1, "delivered": 3}  # Buka itself needs no answer

    # The task's buttons were delivered: a typed 1 answers them.
    await bot.whatsapp(RATNA, "1")
    await bot.deliver()
    (profile,) = bot.new()
    assert "Ratna Dewi" in (profile.param("Body") or "")


async def test_held_messages_take_none_of_the_platforms_rate(bot: Bot) -> None:
    sender = bot.runtime.sender
    assert sender is not None
    limiter = sender.limiters[Channel.WHATSAPP]
    before = limiter.granted
    _queue_three(bot)
    await bot.deliver()

    (opener,) = bot.new()
    assert opener.param("ContentSid") == OPENER_SID
    assert [s for _, s, _ in bot.statuses(RATNA)] == ["held", "held", "held", "sent"]
    # One message went, so one slot of Twilio's rate was spent: a broadcast to people
    # outside the window goes out at the whole rate, as openers.
    assert limiter.granted - before == 1


async def test_writing_anything_opens_too_and_the_answer_comes_after_the_held(
    bot: Bot,
) -> None:
    bot.notify(RATNA, Text("Ronde Serawai dibuka."), "broadcast", "serawai:1:open:22")
    await bot.deliver()
    assert [r.param("ContentSid") for r in bot.new()] == [OPENER_SID]
    await bot.whatsapp(RATNA, "menu")
    await bot.deliver()
    held, menu = bot.new()
    assert held.param("Body") == "Ronde Serawai dibuka."
    shown_text, _labels = bot.twilio.shown({"ContentSid": menu.param("ContentSid")})
    assert (menu.param("Body") or shown_text).startswith("Halo, Ratna!")  # a list of buttons


async def test_a_held_message_past_its_moment_is_dropped_and_listed_in_gagal(
    bot: Bot,
) -> None:
    bot.notify(
        RATNA, Text("Piket Pegasus hari ini."), "reminder", "pegasus:2:h0", timedelta(hours=2)
    )
    bot.notify(RATNA, Text("Surat tugas terlampir."), "notification", "et:2:r0:a3:assign")
    await bot.deliver()
    (opener,) = bot.new()
    # The reminder expires before tomorrow: the opener goes now, naming both.
    assert json.loads(opener.param("ContentVariables") or "") == {
        "1": "pengingat Pegasus, tugas Event Team"
    }

    bot.clock.advance(hours=3)
    await bot.whatsapp(RATNA, "Buka", ButtonPayload="buka", ButtonText="Buka")
    await bot.deliver()
    assert [r.param("Body") for r in bot.new()] == ["Surat tugas terlampir."]
    assert bot.statuses(RATNA)[0] == ("reminder", "dropped", "expired")

    await bot.whatsapp(ANDI, "/gagal")
    await bot.deliver()
    (listing,) = bot.new()
    text = listing.param("Body") or ""
    assert "0 tertahan" in text
    assert "1 dibatalkan karena lewat waktunya" in text
    assert "pengingat Pegasus untuk Ratna Dewi tidak dikirim." in text
    assert "Orangnya belum membuka pesan sampai waktunya lewat" in text


async def test_openers_are_paced_one_a_day(bot: Bot) -> None:
    bot.notify(RATNA, Text("Satu."), "notification", "et:3:r0:one")
    await bot.deliver()
    assert len(bot.new()) == 1
    bot.clock.advance(hours=5)
    bot.notify(RATNA, Text("Dua."), "notification", "pegasus:3:two")
    await bot.deliver()
    assert bot.new() == []  # the second waits for tomorrow's opener
    bot.clock.advance(hours=19, minutes=1)
    await bot.deliver()
    (second,) = bot.new()
    assert json.loads(second.param("ContentVariables") or "") == {
        "1": "tugas Event Team, pemberitahuan Pegasus"
    }


async def test_a_typed_number_never_answers_a_notice_that_did_not_arrive(bot: Bot) -> None:
    await bot.whatsapp(IRFAN, "/profil")  # inside the window, no buttons shown
    await bot.deliver()
    bot.new()
    bot.twilio.unreachable.add(f"whatsapp:{IRFAN}")
    task = Choices("Tugas baru.", (Option("Lihat profil", CommandButton("profil").pack()),))
    bot.notify(IRFAN, task, "notification", "et:4:r0:a9:assign")
    await bot.deliver()
    assert bot.statuses(IRFAN)[-1][1:] == ("failed", "not_on_whatsapp")
    bot.twilio.unreachable.clear()
    await bot.whatsapp(IRFAN, "1")
    await bot.deliver()
    bodies = [r.param("Body") or "" for r in bot.new(IRFAN)]
    assert bodies[0] == "Maaf, saya belum mengerti maksud Anda."
    assert not any("NIP" in body for body in bodies)  # the notice's button was not pressed


async def test_fifty_minutes_of_twilio_down_loses_nothing_and_sends_nothing_twice(
    bot: Bot,
) -> None:
    await bot.whatsapp(IRFAN, "halo")
    bot.twilio.fail(503, times=10**6)
    for number in range(5):
        bot.notify(IRFAN, Text(f"Pesan {number}"), "notification", f"et:5:r0:n{number}")
    started = bot.clock()
    while bot.clock() - started < timedelta(minutes=50):
        await bot.runtime.sender.drain_once()  # type: ignore[union-attr]
        bot.clock.advance(seconds=20)
    assert bot.twilio.created() == []
    bot.twilio.failures.clear()  # Twilio is back
    for _ in range(40):
        await bot.deliver()
        bot.clock.advance(seconds=20)
    bodies = [r.param("Body") for r in bot.twilio.created()]
    assert sorted(b for b in bodies if b and b.startswith("Pesan")) == [
        f"Pesan {n}" for n in range(5)
    ]
    assert [s for _, s, _ in bot.statuses(IRFAN)] == ["sent"] * 6  # the menu, five messages


async def test_a_failed_admin_alert_reaches_the_admin_on_telegram_and_in_gagal(
    bot: Bot, bot_api: FakeBotAPI
) -> None:
    bot.twilio.unreachable.update({f"whatsapp:{IRFAN}", f"whatsapp:{ANDI}"})
    await bot.whatsapp(IRFAN, "menu")
    await bot.deliver()
    (alert,) = [c for c in bot_api.sent() if c.params.get("chat_id") in (ANDI_TG, str(ANDI_TG))]
    text = str(alert.params["text"])
    assert text == (
        "⚠️ Pesan untuk Irfan Maulana lewat WhatsApp tidak dapat terkirim: "
        "Nomor ini tidak terdaftar di WhatsApp."
    )
    # What the admin was tried on first: WhatsApp's admin-alert template, refused (63003).
    refused = [r.param("ContentSid") for r in bot.twilio.requests if r.status == 400]
    assert len(refused) == 2
    assert refused[1] == ALERT_SID
    assert refused[0] != ALERT_SID

    bot.twilio.unreachable.clear()
    await bot.whatsapp(ANDI, "/gagal")
    await bot.deliver()
    (listing,) = bot.new(ANDI)
    body = listing.param("Body") or ""
    assert "pemberitahuan untuk Irfan Maulana lewat WhatsApp, dicoba 1 kali." in body
    assert "peringatan untuk admin untuk Andi Pratama lewat WhatsApp, dicoba 1 kali." in body
    assert "63003" not in body
    assert "twilio" not in body.lower()


async def test_a_later_failed_status_callback_alerts_the_admins(bot: Bot) -> None:
    await bot.whatsapp(IRFAN, "menu")
    await bot.deliver()
    assert len(bot.new()) == 1  # the menu
    sid = bot.twilio.messages[-1]["sid"]
    form = {
        "MessageSid": sid,
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
        "AccountSid": bot.twilio.account_sid,
    }
    assert (await bot.post("/whatsapp/status", form)).status_code == 204
    await bot.deliver()
    (alert,) = bot.new(ANDI)
    assert alert.param("ContentSid") == ALERT_SID  # Andi has not written in 24 hours
    assert json.loads(alert.param("ContentVariables") or "") == {
        "1": "⚠️ Pesan untuk Irfan Maulana lewat WhatsApp tidak dapat terkirim: "
        "Ponselnya tidak dapat dihubungi (mati atau di luar jangkauan)."
    }
    assert (await bot.post("/whatsapp/status", form)).status_code == 204
    await bot.deliver()
    assert bot.new() == []  # the same failure reported twice alerts once


async def test_a_message_that_met_the_closed_window_is_held_not_lost(bot: Bot) -> None:
    await bot.whatsapp(IRFAN, "/profil")
    await bot.deliver()
    bot.new()
    bot.clock.advance(hours=23, minutes=50)  # just inside the window, by the bot's clock
    bot.notify(IRFAN, Text("Undangan rapat Event Team."), "notification", "et:6:r0:invite")
    await bot.deliver()
    (invite,) = bot.new()
    bot.clock.advance(minutes=20)  # WhatsApp saw the window closed: 63016
    form = {
        "MessageSid": bot.twilio.messages[-1]["sid"],
        "MessageStatus": "failed",
        "ErrorCode": "63016",
        "AccountSid": bot.twilio.account_sid,
    }
    assert (await bot.post("/whatsapp/status", form)).status_code == 204
    await bot.deliver()
    (opener,) = bot.new()
    assert opener.param("ContentSid") == OPENER_SID
    assert json.loads(opener.param("ContentVariables") or "") == {"1": "tugas Event Team"}
    await bot.whatsapp(IRFAN, "Buka", ButtonPayload="buka", ButtonText="Buka")
    await bot.deliver()
    assert [r.param("Body") for r in bot.new()] == [invite.param("Body")]


async def test_gagal_is_for_admins_only(bot: Bot) -> None:
    await bot.whatsapp(IRFAN, "/gagal")
    await bot.deliver()
    (answer,) = bot.new()
    assert answer.param("Body") == bot.app.catalog.t("core.not_allowed", "id")
