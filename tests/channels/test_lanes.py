"""Answers first: a person's answer never waits behind a broadcast, bulk still drains, and two
instances on one PostgreSQL database keep to the platform's rate together.

Everything goes through the outbox sender to the fake Bot API, on a driven clock the fake
counts on too, so nothing here waits for real seconds.
"""

from __future__ import annotations

import asyncio
import itertools
import math
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bot.app import App, build_app
from bot.config import Settings
from bot.dispatch import dispatch
from bot.handlers.telegram import TelegramApp, TelegramSender
from bot.messages import Channel, Inbound, Text
from bot.outbox import put
from bot.sender import CLAIM_HORIZON, Pace, Sender
from storage.db import transaction
from storage.models import Lane, OutboxMessage
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.clock import DrivenClock, drive, most_in_a_second

STEP = 1 / 128
BROADCAST_FIRST_CHAT = 20_000
_ids = itertools.count(1)


def _app(tg_settings: Settings, engine: Engine) -> App:
    return build_app(tg_settings, engine=engine, run_migrations=False)


@pytest.fixture
def driven(bot_api: FakeBotAPI) -> DrivenClock:
    """The sender's pace clock, on which the fake Bot API counts Telegram's limits (30/s)."""
    clock = DrivenClock()
    bot_api.enforce_rate_limits(30, 1.0, slack=0.0, clock=clock.now)
    return clock


@pytest.fixture
def one(
    engine: Engine, tg_settings: Settings, unpaced_tg_app: TelegramApp, driven: DrivenClock
) -> tuple[App, Sender]:
    """One instance: its application and its outbox sender (29/s, a second per chat)."""
    app = _app(tg_settings, engine)
    return app, _sender(app, unpaced_tg_app, driven)


def _broadcast(app: App, n: int) -> None:
    """What a Serawai ballot queues: one bulk message to each of `n` people."""
    with transaction(app.sessions) as session:
        for i in range(n):
            put(
                session,
                channel=Channel.TELEGRAM,
                recipient=str(BROADCAST_FIRST_CHAT + i),
                replies=[Text(f"Surat suara {i}")],
                now=app.clock(),
                kind="broadcast",
                key=f"ballot:{i}",
                lane=Lane.BULK,
            )


def _write(app: App, user_id: int) -> None:
    """Someone new writes to the bot on Telegram; dispatch queues its answer."""
    dispatch(
        app,
        Inbound(
            channel=Channel.TELEGRAM,
            sender=str(user_id),
            received_at=app.clock(),
            text="halo",
            message_id=f"tg-{next(_ids)}",
        ),
    )


def _sender(app: App, telegram: TelegramApp, clock: DrivenClock, worker: str = "sender") -> Sender:
    return Sender(
        app,
        {Channel.TELEGRAM: TelegramSender(telegram.bot, per_chat_interval=0)},
        worker=worker,
        paces={Channel.TELEGRAM: Pace(29.0, per_chat_interval=1.0)},
        clock=clock,
    )


async def _one_pass(sender: Sender, clock: DrivenClock, bot_api: FakeBotAPI) -> int:
    """One claim, sent to the end, with the clock driven meanwhile."""
    passing = asyncio.ensure_future(sender.drain_once())
    await drive(
        clock, sender.limiters.values(), lambda: len(bot_api.arrivals()), passing.done, step=STEP
    )
    return await passing


def _chats(bot_api: FakeBotAPI) -> list[int]:
    return [int(c.params["chat_id"]) for c in bot_api.sent()]


def _pending_bulk(app: App) -> int:
    with app.sessions() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "pending", OutboxMessage.lane == Lane.BULK)
            )
            or 0
        )


async def test_an_answer_queued_after_1000_bulk_messages_goes_before_them(
    one: tuple[App, Sender], bot_api: FakeBotAPI, driven: DrivenClock
) -> None:
    app, sender = one
    _broadcast(app, 1000)
    _write(app, 5555)  # queued after the whole broadcast

    await _one_pass(sender, driven, bot_api)

    chats = _chats(bot_api)
    assert chats[0] == 5555  # the answer (asking to share the contact) went first
    (answer,) = [c for c in bot_api.sent() if c.params["chat_id"] == 5555]
    assert answer.params["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert len(chats) < 20  # after one claim the broadcast has hardly begun
    assert _pending_bulk(app) == 1000 - (len(chats) - 1)


async def test_bulk_still_advances_while_answers_keep_coming(
    one: tuple[App, Sender], bot_api: FakeBotAPI, driven: DrivenClock
) -> None:
    app, sender = one
    _broadcast(app, 200)
    users = itertools.count(6000)
    bulk_sent = [0]
    for _ in range(6):
        for _ in range(20):  # more people write than one pass can answer
            _write(app, next(users))
        await _one_pass(sender, driven, bot_api)
        bulk_sent.append(sum(1 for chat in _chats(bot_api) if chat >= BROADCAST_FIRST_CHAT))
    # Every pass moved the broadcast on, by its share of the claim (a fifth).
    assert all(after > before for before, after in itertools.pairwise(bulk_sent))
    assert bulk_sent[-1] >= 6 * 2
    # And answers still came first: most of what went out answered someone.
    answers = sum(1 for chat in _chats(bot_api) if chat < BROADCAST_FIRST_CHAT)
    assert answers > 3 * bulk_sent[-1]


async def test_two_senders_on_one_postgresql_database_keep_to_the_rate_together(
    engine: Engine,
    tg_settings: Settings,
    bot_api: FakeBotAPI,
    unpaced_tg_app: TelegramApp,
    tmp_path: Path,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one instance: its limit is in the process")
    clock = DrivenClock()
    rate = 10.0
    bot_api.enforce_rate_limits(rate, 1.0, slack=0.0, clock=clock.now)
    first = _app(tg_settings, engine)
    _broadcast(first, 90)
    second = _app(tg_settings, engine)  # another instance on the same database
    senders = [
        Sender(
            app,
            {Channel.TELEGRAM: TelegramSender(unpaced_tg_app.bot, per_chat_interval=0)},
            worker=name,
            paces={Channel.TELEGRAM: Pace(rate, per_chat_interval=1.0)},  # each at the limit
            clock=clock,
        )
        for app, name in ((first, "one"), (second, "two"))
    ]

    async def drain(sender: Sender) -> None:
        while await sender.drain_once():
            pass

    draining = asyncio.ensure_future(asyncio.gather(*(drain(s) for s in senders)))
    limiters = [lim for s in senders for lim in s.limiters.values()]
    await drive(clock, limiters, lambda: len(bot_api.arrivals()), draining.done, step=STEP)
    await draining

    chats = _chats(bot_api)
    assert sorted(chats) == [BROADCAST_FIRST_CHAT + i for i in range(90)]  # each once
    assert all(s.stats.sent > 0 for s in senders)  # both instances sent
    assert bot_api.rate_limited == 0
    assert most_in_a_second(bot_api.arrivals(), STEP) <= rate


async def test_an_answer_written_while_a_broadcast_drains_waits_for_one_claim_at_most(
    one: tuple[App, Sender], bot_api: FakeBotAPI, driven: DrivenClock
) -> None:
    app, sender = one
    _broadcast(app, 200)
    stop = asyncio.Event()
    running = asyncio.ensure_future(sender.run(stop))
    limiters = sender.limiters.values()

    def arrived() -> int:
        return len(bot_api.arrivals())

    await drive(driven, limiters, arrived, lambda: arrived() >= 50, step=STEP)
    _write(app, 5555)  # someone writes while the broadcast is a quarter through
    before = len(_chats(bot_api))
    await drive(driven, limiters, arrived, lambda: 5555 in _chats(bot_api), step=STEP)
    chats = _chats(bot_api)
    overtaken = chats.index(5555) - before  # bulk messages sent while the answer waited
    assert overtaken <= 2 * math.ceil(29 * CLAIM_HORIZON)  # two claims of the sender's
    assert len(chats) < 150  # the broadcast was still going
    stop.set()
    await drive(driven, limiters, arrived, running.done, step=STEP)
    await running
    assert sorted(c for c in _chats(bot_api) if c != 5555) == [
        BROADCAST_FIRST_CHAT + i for i in range(200)
    ]
