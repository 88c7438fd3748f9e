"""Fan-out: 1,000 reminders due at once, through the sender, to a Bot API that enforces 30/s.

1,000 employees linked on Telegram each have a reminder due now. The scheduler's tick turns
them into outbox messages; the sender, built as `python -m bot run` builds it (the
python-telegram-bot client with its rate limiter), delivers them to the fake Bot API, which
answers 429 to anything over 30 messages a second or one a second per chat. The achieved
rate is measured between the first and the last accepted message.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.common import Row, fresh_database, seed_bench_people
from bot.app import App, build_app
from bot.calendar import utcnow
from bot.config import Settings
from bot.handlers.telegram import TelegramSender, build_application
from bot.messages import Channel, Inbound, Text
from bot.sender import Sender
from bot.services.context import ServiceCtx
from scheduler import run_due
from storage.db import make_engine, transaction
from storage.models import OutboxMessage, Reminder
from tests.fakes.bot_api import FakeBotAPI

PEOPLE = 1_000
ALLOWED = 30.0
TARGET = 0.95
KIND = "bench.fanout"


def remind(ctx: ServiceCtx, row: Reminder, overdue: int) -> bool:
    """The bench reminder: one text to its employee."""
    assert row.employee_id is not None
    ctx.notify(
        row.employee_id,
        [Text(f"Pengingat uji {row.key}")],
        kind="reminder",
        key=f"{row.key}:sent",
    )
    return True


def _schedule(app: App, employee_ids: list[int]) -> None:
    now = app.clock()
    with transaction(app.sessions) as session:
        ctx = ServiceCtx(env=app.env, session=session, now=now)
        for employee_id in employee_ids:
            ctx.schedule(f"fanout:{employee_id}", KIND, now, employee_id=employee_id)


def _delivered(app: App) -> int:
    with app.sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_(("sent", "failed")))
            )
            or 0
        )


async def _drain(app: App, fake: FakeBotAPI) -> float:
    """Tick, then let the sender run until every message is sent; seconds it took."""
    telegram = build_application(app.settings, _ignore, rate_limit=False)
    await telegram.initialize()
    sender = Sender(app, {Channel.TELEGRAM: TelegramSender(telegram.bot, per_chat_interval=0)})
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    started = time.perf_counter()
    while (await asyncio.to_thread(run_due, app)).sent:
        pass
    deadline = time.monotonic() + 300
    while await asyncio.to_thread(_delivered, app) < PEOPLE and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
    seconds = time.perf_counter() - started
    stop.set()
    await task
    await telegram.shutdown()
    return seconds


async def _ignore(_inbound: Inbound) -> None:
    return None


def run(backend: str, folder: Path, fake: FakeBotAPI) -> list[Row]:
    """1,000 reminders, one tick, the sender against the enforcing fake."""
    url = fresh_database(backend, folder, "fanout")
    engine = make_engine(url)
    now = utcnow()
    ids = seed_bench_people(engine, PEOPLE, now, telegram=True, preferred="telegram")
    settings = Settings(
        _env_file=None,
        database_url=url,
        data_dir=folder / f"fanout-{backend}",
        telegram_bot_token=fake.token,
        telegram_api_base_url=fake.base_url,
        telegram_file_base_url=fake.base_file_url,
    )
    app = build_app(settings, engine=engine, channels={Channel.TELEGRAM}, run_migrations=False)
    app.registry.reminder(KIND, remind)
    app.clock = lambda: utcnow() + timedelta(seconds=1)
    _schedule(app, ids)
    fake.reset()
    fake.enforce_rate_limits(ALLOWED, 1.0)
    seconds = asyncio.run(_drain(app, fake))
    sends = sorted(call.at for call in fake.sent())
    chats = {call.params.get("chat_id") for call in fake.sent()}
    with app.sessions() as session:
        sent = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        )
    engine.dispose()
    rate = (len(sends) - 1) / (sends[-1] - sends[0]) if len(sends) > 1 else 0.0
    share = rate / ALLOWED
    lost = PEOPLE - len(chats)
    twice = len(sends) - len(chats)
    return [
        Row(
            "Fan-out: 1,000 due reminders to a 30/s Bot API",
            backend,
            f"{rate:.1f}/s, {fake.rate_limited} × 429",
            f"{ALLOWED:g}/s allowed",
            f"{share:.2f}",
            f"≥ {TARGET} of the rate, no 429",
            share >= TARGET and fake.rate_limited == 0 and lost == 0 and twice == 0,
            f"all {PEOPLE:,} delivered in {seconds:.1f} s from the first tick "
            f"({sent:,} outbox rows sent, {lost} lost, {twice} twice)",
        )
    ]


def main() -> int:
    """`python -m bench.fanout BACKEND FOLDER`: run against a fake of its own; rows as JSON."""
    backend, folder = sys.argv[1], Path(sys.argv[2])
    with FakeBotAPI() as fake:
        rows = run(backend, folder, fake)
    print(json.dumps([dataclasses.asdict(row) for row in rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
