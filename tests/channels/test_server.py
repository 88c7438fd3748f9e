"""The whole bot behind its server: real python-telegram-bot and twilio clients, fake platforms.

These tests run the real application (dispatch, database, outbox, sender) with the real
platform libraries, talking HTTP on loopback to the fake Bot API and the fake Twilio API.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session
from telegram import Update
from twilio.request_validator import RequestValidator

from bot.app import App, build_app
from bot.calendar import to_wib, utcnow, wib_to_utc
from bot.config import Settings
from bot.handlers.console import Console
from bot.messages import Channel, Choices, Image, Reply, Text
from bot.server import Runtime
from bot.services.context import ServiceCtx
from storage.db import transaction
from storage.models import Employee, InboundLedger, OutboxMessage
from storage.seed import seed_demo
from tests.channels.conftest import (
    PUBLIC_BASE_URL,
    both_settings,
    demo_runtime,
    drain,
    make_settings,
)
from tests.fakes._server import wait_until
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.twilio_api import FakeTwilioAPI

IRFAN_PHONE = "+6281200000021"
IRFAN_TG = 7001


def _settings(tmp_path: Path, bot_api: FakeBotAPI, twilio_api: FakeTwilioAPI) -> Settings:
    return both_settings(tmp_path, bot_api, twilio_api)


class Bot:
    """The running bot, and ways to talk to it as a Telegram or WhatsApp user."""

    def __init__(self, runtime: Runtime, asgi: Any, bot_api: FakeBotAPI, twilio: FakeTwilioAPI):
        self.runtime = runtime
        self.app: App = runtime.app
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=asgi), base_url=PUBLIC_BASE_URL
        )
        self.bot_api = bot_api
        self.twilio = twilio
        self.validator = RequestValidator(twilio.auth_token)

    async def whatsapp(
        self,
        text: str = "",
        *,
        sid: str | None = None,
        phone: str = IRFAN_PHONE,
        forged: bool = False,
        **extra: str,
    ) -> httpx.Response:
        """POST a signed Twilio webhook, as Twilio would."""
        form = self.twilio.incoming(phone, text, sid=sid, **extra)
        url = f"{PUBLIC_BASE_URL}/whatsapp/inbound"
        signature = self.validator.compute_signature(url, form)
        headers = {"X-Twilio-Signature": "forged" if forged else signature}
        return await self.http.post("/whatsapp/inbound", data=form, headers=headers)

    async def telegram(self, update: dict[str, Any]) -> None:
        """Feed one update to the real PTB application."""
        telegram = self.runtime.telegram
        assert telegram is not None
        await telegram.process_update(Update.de_json(update, telegram.bot))  # type: ignore[attr-defined]

    async def deliver(self) -> None:
        """Let WhatsApp messages still being handled end, then the sender drain what is due."""
        await drain(self.runtime)


def office_hours_clock() -> Callable[[], datetime]:
    """Real time that flows (the sender's retries come due), shifted to start at 10.00 WIB
    today: proactive messages wait out the quiet hours, so a test must not depend on when
    the machine runs it."""
    offset = wib_to_utc(to_wib(utcnow()).date(), wall_time(10)) - utcnow()
    return lambda: utcnow() + offset


@contextlib.asynccontextmanager
async def started(
    tmp_path: Path,
    engine: Engine,
    bot_api: FakeBotAPI,
    twilio_api: FakeTwilioAPI,
    clock: Callable[[], datetime] | None = None,
) -> AsyncIterator[Bot]:
    """The bot with both channels on, over a demo directory; Irfan is on Telegram too."""
    settings = _settings(tmp_path, bot_api, twilio_api)

    def link_irfan(session: Session) -> None:
        session.execute(
            update(Employee).where(Employee.phone == IRFAN_PHONE).values(telegram_id=str(IRFAN_TG))
        )

    async with demo_runtime(settings, engine, link_irfan, clock=clock or office_hours_clock()) as (
        runtime,
        asgi,
    ):
        bot = Bot(runtime, asgi, bot_api, twilio_api)
        yield bot
        await bot.http.aclose()


@pytest_asyncio.fixture
async def running(
    tmp_path: Path, engine: Engine, bot_api: FakeBotAPI, twilio_api: FakeTwilioAPI
) -> AsyncIterator[Bot]:
    """The bot with both channels on, on the wall clock."""
    async with started(tmp_path, engine, bot_api, twilio_api) as bot:
        yield bot


# -- one conversation, three channels -------------------------------------------------------

CONVERSATION = ["menu", "4", "/bahasa", "2", "menu"]


def _shape(reply: Reply) -> tuple[str, tuple[str, ...]]:
    if isinstance(reply, Choices):
        return reply.text, tuple(o.label for o in reply.options)
    assert isinstance(reply, Text)
    return reply.text, ()


def _wa_shape(twilio: FakeTwilioAPI, message: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """What a WhatsApp message shows as (text, labels): its buttons, or its numbered list."""
    body, labels = twilio.shown(message)
    if labels:
        return body, labels
    parts = body.split("\n\n")
    if len(parts) >= 3 and parts[-1].startswith("Balas dengan angka"):
        labels = tuple(re.sub(r"^\d+\. ", "", line) for line in parts[-2].splitlines())
        return "\n\n".join(parts[:-2]), labels
    return body, ()


def _tg_shape(params: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    markup = params.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", [])
    return params["text"], tuple(button["text"] for row in rows for button in row)


async def test_one_conversation_reads_the_same_on_console_telegram_and_whatsapp(
    running: Bot, tmp_path: Path
) -> None:
    # Console: a separate, fresh application over its own database.
    console_settings = make_settings(tmp_path / "console")
    from storage.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'console.sqlite3'}")
    migrate(engine)
    app = build_app(
        console_settings, engine=engine, channels={Channel.CONSOLE}, run_migrations=False
    )
    with transaction(app.sessions) as session:
        seed_demo(session, app.clock())
    console = Console(app, IRFAN_PHONE, out=lambda _s: None)
    console_transcript = []
    for line in CONVERSATION:
        console_transcript += [_shape(r) for r in console.say(line)]

    for line in CONVERSATION:
        await running.telegram(running.bot_api.user_text(IRFAN_TG, line))
        await running.deliver()
    telegram_transcript = [_tg_shape(c.params) for c in running.bot_api.sent()]

    with transaction(running.app.sessions) as session:  # the same person starts afresh
        session.execute(update(Employee).values(language="id"))
    for line in CONVERSATION:
        assert (await running.whatsapp(line)).status_code == 200
        await running.deliver()
    whatsapp_transcript = [_wa_shape(running.twilio, m) for m in running.twilio.messages]

    assert console_transcript[0][0] == "Halo, Irfan! Apa yang bisa saya bantu? Pilih salah satu:"
    assert any("Language changed to English." in text for text, _ in console_transcript)
    assert telegram_transcript == console_transcript
    assert whatsapp_transcript == console_transcript


# -- webhooks are authenticated and idempotent ----------------------------------------------


def _count(app: App, model: type[Any]) -> int:
    with app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


async def test_forged_or_missing_signature_gets_403_and_changes_nothing(running: Bot) -> None:
    response = await running.whatsapp("menu", forged=True)
    assert response.status_code == 403
    unsigned = await running.http.post("/whatsapp/inbound", data={"Body": "menu"})
    assert unsigned.status_code == 403
    status = await running.http.post("/whatsapp/status", data={"MessageSid": "SM1"})
    assert status.status_code == 403
    assert _count(running.app, InboundLedger) == 0
    assert _count(running.app, OutboxMessage) == 0


async def test_a_repeated_message_sid_is_processed_once(running: Bot) -> None:
    sid = "SM" + "ab" * 16
    for _ in range(3):
        assert (await running.whatsapp("menu", sid=sid)).status_code == 200
    await running.deliver()
    assert len(running.twilio.messages) == 1


async def test_a_repeated_telegram_update_is_processed_once(running: Bot) -> None:
    update = running.bot_api.user_text(IRFAN_TG, "menu")
    await running.telegram(update)
    await running.telegram(update)
    await running.deliver()
    assert len(running.bot_api.sent()) == 1


async def test_unknown_whatsapp_number_gets_one_polite_sentence(running: Bot) -> None:
    await running.whatsapp("halo", phone="+628999000111")
    await running.deliver()
    assert [m["Body"] for m in running.twilio.messages] == [
        "Mohon maaf, nomor Anda belum terdaftar di direktori pegawai CAN Bot. "
        "Silakan hubungi admin CAN BPS Provinsi Bengkulu."
    ]


async def test_delivery_status_callbacks_are_recorded(running: Bot) -> None:
    await running.whatsapp("menu")
    await running.deliver()
    sid = running.twilio.messages[0]["sid"]
    form = {
        "MessageSid": sid,
        "MessageStatus": "delivered",
        "AccountSid": running.twilio.account_sid,
    }
    url = f"{PUBLIC_BASE_URL}/whatsapp/status"
    signature = running.validator.compute_signature(url, form)
    response = await running.http.post(
        "/whatsapp/status", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code in (200, 204)
    with running.app.sessions() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert (row.status, row.delivered_at is not None) == ("delivered", True)


# -- the 24-hour window, media links ----------------------------------------------------------


def _notify(app: App, phone: str, reply: Reply, kind: str) -> None:
    with transaction(app.sessions) as session:
        employee = session.scalars(select(Employee).where(Employee.phone == phone)).one()
        employee.preferred_channel = "whatsapp"
        ServiceCtx(env=app.env, session=session, now=app.clock()).notify(
            employee, [reply], kind=kind
        )


async def test_images_on_whatsapp_go_out_as_expiring_media_links(running: Bot) -> None:
    picture = running.app.settings.media_dir / "poster.png"
    picture.parent.mkdir(parents=True, exist_ok=True)
    from PIL import Image as PILImage

    PILImage.new("RGB", (8, 8), "blue").save(picture)
    await running.whatsapp("menu")  # inside the window now
    _notify(running.app, IRFAN_PHONE, Image(str(picture), "Poster minggu ini"), "notification")
    await running.deliver()
    media_url = running.twilio.messages[-1]["MediaUrl"]
    media_url = media_url[0] if isinstance(media_url, list) else media_url
    assert media_url.startswith(f"{PUBLIC_BASE_URL}/media/")
    path = media_url.removeprefix(PUBLIC_BASE_URL)
    fetched = await running.http.get(path)
    assert fetched.status_code == 200
    assert fetched.content == picture.read_bytes()
    running.app.clock = time_travel(running.app, hours=73)
    assert (await running.http.get(path)).status_code == 404
    assert (await running.http.get("/media/not-a-token.png")).status_code == 404


def time_travel(app: App, **delta: float) -> Callable[[], datetime]:
    """The app's clock, moved on by `delta`."""
    clock = app.clock
    return lambda: clock() + timedelta(**delta)


# -- the sender loses nothing and sends nothing twice -----------------------------------------


async def _queue_telegram(app: App, n: int, first_chat: int = 9000) -> None:
    with transaction(app.sessions) as session:
        from bot.outbox import put

        for i in range(n):
            put(
                session,
                channel=Channel.TELEGRAM,
                recipient=str(first_chat + i),
                replies=[Text(f"pesan {i}")],
                now=app.clock(),
                kind="notification",
            )


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 429, "retry_after": 1},
        {"status": 500},
        {"hold": True},  # answered only after the sender gave up waiting
    ],
    ids=["429-retry-after", "500", "timeout"],
)
async def test_each_transient_failure_ends_in_exactly_one_delivered_message(
    running: Bot, failure: dict[str, Any]
) -> None:
    from bot.handlers.telegram import TelegramSender, build_application
    from bot.sender import Sender

    held = running.bot_api.hold("sendMessage") if "hold" in failure else None
    if held is None:
        running.bot_api.fail(
            "sendMessage", failure["status"], retry_after=failure.get("retry_after")
        )
    quick = build_application(
        running.app.settings, running.runtime.sink, request_timeout=3.0, rate_limit=False
    )
    await quick.initialize()
    sender = Sender(
        running.app, {Channel.TELEGRAM: TelegramSender(quick.bot, per_chat_interval=0)}
    )
    await _queue_telegram(running.app, 1)
    for _attempt in range(5):  # one failure, then the retry; more would show in `attempts`
        await sender.drain_once()
        if held is not None:
            held.set()  # the first call timed out: its late answer may come now
        with running.app.sessions() as session:
            status = session.scalars(select(OutboxMessage.status)).one()
        if status == "sent":
            break
        # Retries wait by the clock: let time pass faster than real time.
        with transaction(running.app.sessions) as session:
            session.execute(update(OutboxMessage).values(next_attempt_at=running.app.clock()))
    # A timed-out call is still answered late by the fake: wait for that answer, then count.
    await wait_until(lambda: running.bot_api.unanswered_sends() == 0, timeout=60)
    await quick.shutdown()
    delivered = [c for c in running.bot_api.sent() if c.params.get("text") == "pesan 0"]
    assert len(delivered) == 1
    with running.app.sessions() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.status == "sent"
        assert row.attempts == 2


async def test_two_senders_on_one_database_send_each_message_once(running: Bot) -> None:
    from bot.handlers.telegram import TelegramSender
    from bot.sender import Sender

    await _queue_telegram(running.app, 120)
    telegram = running.runtime.telegram
    other_app = build_app(running.app.settings, engine=running.app.engine, run_migrations=False)
    senders = [
        Sender(
            app,
            {Channel.TELEGRAM: TelegramSender(telegram.bot, per_chat_interval=0)},  # type: ignore[attr-defined]
            worker=name,
            batch=10,
        )
        for app, name in ((running.app, "one"), (other_app, "two"))
    ]

    async def drain(sender: Sender) -> None:
        while await sender.drain_once():
            pass

    await asyncio.gather(*(drain(s) for s in senders))
    texts = [c.params["text"] for c in running.bot_api.sent()]
    assert len(texts) == 120
    assert len(set(texts)) == 120
    assert sum(s.stats.sent for s in senders) == 120
    # Which sender takes how many is the scheduler's business (one may claim them all while
    # the other waits on its lock): what holds is that every message went once.


async def test_a_user_who_blocked_the_bot_fails_for_good_and_admins_hear_of_it(
    running: Bot,
) -> None:
    running.bot_api.blocked_chats.add(9000)
    await _queue_telegram(running.app, 1)
    await running.deliver()
    with running.app.sessions() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "9000")).one()
        assert row.status == "failed"
        assert "blocked" in (row.error or "").lower()


async def test_healthz_answers(running: Bot) -> None:
    response = await running.http.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_a_pegasus_post_reaches_the_office_telegram_group(running: Bot) -> None:
    from PIL import Image as PILImage

    from bot.outbox import put

    poster = running.app.settings.media_dir / "pegasus" / "poster.png"
    poster.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (64, 64), "navy").save(poster)
    group = "-1001234567890"
    with transaction(running.app.sessions) as session:
        put(
            session,
            channel=Channel.TELEGRAM,
            recipient=group,
            replies=[Image(str(poster), "Pegasus pekan ini")],
            now=running.app.clock(),
            kind="post",
            key="pegasus:post:1",
        )
    await running.deliver()
    photos = running.bot_api.calls_to("sendPhoto")
    assert [(c.params["chat_id"], c.params["caption"], c.status) for c in photos] == [
        (int(group), "Pegasus pekan ini", 200)
    ]


async def test_the_sender_keeps_going_after_a_database_error(running: Bot) -> None:
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    from bot.handlers.telegram import TelegramSender
    from bot.sender import Sender

    failures = {"left": 1}

    def database_gone(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if failures["left"] and "outbox" in statement:  # the first claim meets a dead database
            failures["left"] -= 1
            raise OperationalError(statement, {}, Exception("server closed the connection"))

    telegram = running.runtime.telegram
    sender = Sender(
        running.app,
        {Channel.TELEGRAM: TelegramSender(telegram.bot, per_chat_interval=0)},  # type: ignore[attr-defined]
    )
    stop = asyncio.Event()
    await _queue_telegram(running.app, 3)
    event.listen(running.app.engine, "before_cursor_execute", database_gone)
    try:
        loop = asyncio.create_task(sender.run(stop, poll=0.05))
        await wait_until(lambda: len(running.bot_api.sent()) >= 3, timeout=60, interval=0.05)
        stop.set()
        await asyncio.wait_for(loop, timeout=60)
    finally:
        event.remove(running.app.engine, "before_cursor_execute", database_gone)
    assert failures["left"] == 0  # the failure happened, and the loop outlived it
    assert sorted(c.params["text"] for c in running.bot_api.sent()) == [
        "pesan 0",
        "pesan 1",
        "pesan 2",
    ]
