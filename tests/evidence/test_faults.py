"""The platforms fail 30% of calls (429, 500 or a timeout): every message arrives, none twice.

Thirty messages for Telegram and thirty for WhatsApp go through the sender as
`python -m bot run` builds it (python-telegram-bot with its rate limiter, the twilio client),
with one-second timeouts. Before each of the first passes, the fakes are told how to answer
the calls coming: 30% of them, at random, a 429 (retry after 1 s), a 500, or a 2-second delay
that the client gives up on. Later passes see no failures, so no message can reach the
sender's give-up limit by bad luck. Retries wait by the clock; the test lets that time pass.

Duplicates: the fake Bot API drops a request whose client left during the delay, so Telegram
must show none. The fake Twilio accepts it anyway, as the real one may: a message whose send
timed out may then arrive twice, and only those.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import select, update

from bot.app import App
from bot.handlers.telegram import TelegramSender, build_application
from bot.handlers.whatsapp import WhatsAppSender
from bot.media import media_url
from bot.messages import Channel, Text
from bot.outbox import put
from bot.sender import Pace, Sender, default_paces
from storage.db import transaction
from storage.models import OutboxMessage
from tests.channels.test_server import Bot
from tests.fakes._server import Failure, wait_until

MESSAGES = 30  # per channel
FAILURE_SHARE = 0.3
FAILING_PASSES = 4  # the sender gives up after 8 attempts; failures stop well before
TIMEOUT, DELAY = 1.0, 2.0


def _queue(app: App) -> None:
    with transaction(app.sessions) as session:
        for i in range(MESSAGES):
            for channel, recipient in (
                (Channel.TELEGRAM, str(9000 + i)),
                (Channel.WHATSAPP, f"+628120009{i:04d}"),
            ):
                put(
                    session,
                    channel=channel,
                    recipient=recipient,
                    replies=[Text(f"pesan {channel.value} {i}")],
                    now=app.clock(),
                )


def _pending(app: App) -> dict[str, int]:
    with transaction(app.sessions) as session:
        # Retries wait by the clock: let that time pass at once.
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .values(next_attempt_at=app.clock())
        )
        rows = session.scalars(
            select(OutboxMessage.channel).where(OutboxMessage.status == "pending")
        )
        return dict(Counter(rows))


def _failures(rng: random.Random, calls: int) -> list[Failure]:
    """How the next `calls` calls are answered: 30% fail, one way or another."""
    out = []
    for _ in range(calls):
        if rng.random() >= FAILURE_SHARE:
            out.append(Failure())  # answered normally
        else:
            out.append(
                rng.choice([Failure(429, retry_after=1), Failure(500), Failure(delay=DELAY)])
            )
    return out


@pytest.mark.slow
async def test_flaky_platforms_lose_nothing_and_repeat_nothing(running: Bot) -> None:
    app, bot_api, twilio = running.app, running.bot_api, running.twilio
    quick = build_application(app.settings, running.runtime.sink, request_timeout=TIMEOUT)
    await quick.initialize()
    sender = Sender(
        app,
        {
            Channel.TELEGRAM: TelegramSender(quick.bot, per_chat_interval=0),
            Channel.WHATSAPP: WhatsAppSender(
                app.settings,
                lambda path, filename="": media_url(app, path, filename),
                timeout=TIMEOUT,
            ),
        },
        # Twilio's default throughput for a WhatsApp sender (the setting defaults to 1/s).
        paces={**default_paces(app), Channel.WHATSAPP: Pace(80.0)},
    )
    _queue(app)
    rng = random.Random(30)
    injected: dict[str, list[Failure]] = {"telegram": [], "whatsapp": []}
    for attempt in range(20):
        pending = _pending(app)
        if not pending:
            break
        bot_api.failures.clear()  # answers meant for calls that never came are dropped
        twilio.failures.clear()
        if attempt < FAILING_PASSES:
            for channel, calls in pending.items():
                answers = _failures(rng, calls)
                injected[channel] += answers
                fake, method = (
                    (bot_api, "sendmessage") if channel == "telegram" else (twilio, "messages")
                )
                for answer in answers:
                    fake.failures.add(method, answer)
        await sender.drain_once()
    # A delayed answer still in flight is given late: wait for every one, then count.
    await wait_until(
        lambda: bot_api.unanswered_sends() == 0 and twilio.unanswered() == 0, timeout=60
    )
    await quick.shutdown()

    with app.sessions() as session:
        statuses = Counter(session.scalars(select(OutboxMessage.status)))
    assert statuses == {"sent": 2 * MESSAGES}

    telegram = Counter(c.params["text"] for c in bot_api.sent())
    assert set(telegram) == {f"pesan telegram {i}" for i in range(MESSAGES)}
    assert max(telegram.values()) == 1

    whatsapp = Counter(str(m["Body"]) for m in twilio.messages)
    assert set(whatsapp) == {f"pesan whatsapp {i}" for i in range(MESSAGES)}
    twice = sum(n - 1 for n in whatsapp.values())
    timeouts = sum(1 for f in injected["whatsapp"] if f.delay)
    assert twice <= timeouts

    for channel, answers in injected.items():  # each kind of failure really happened
        kinds = {f.status or ("timeout" if f.delay else None) for f in answers} - {None}
        assert kinds == {429, 500, "timeout"}, channel
    bot_api.failures.clear()
    twilio.failures.clear()
