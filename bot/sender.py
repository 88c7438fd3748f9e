"""The sender: drains the outbox per channel at the platform's pace, and loses nothing.

Each pass claims due messages (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two running
instances never take the same row), sends them concurrently across recipients but one at a
time per recipient (Telegram allows about one message a second per chat), under one overall
rate (Telegram about 30/s; Twilio as configured). A 429, a 5xx or a timeout is retried with
exponential backoff, honouring `retry_after`; a permanent failure is marked failed with its
reason and reported to the admins. A crash between claim and send leaves the row `sending`;
the scheduler returns it to the queue after a few minutes (delivery is at least once).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.app import App
from bot.handlers.base import ChannelSender, Delivery, PermanentSendError, TransientSendError
from bot.messages import Channel, Text, reply_from_dict
from bot.services import notices
from bot.services.context import ServiceCtx
from storage.db import transaction
from storage.models import Employee, OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
ALERT_KIND = "admin_alert"


@dataclass
class Pace:
    """How fast one channel may send."""

    per_second: float  # overall
    per_chat_interval: float = 0.0  # seconds between two messages to one recipient
    group_per_minute: int = 0  # Telegram groups and channels (negative chat ids)


class RateLimiter:
    """An even-spaced overall limit: never more than `per_second` in any one second."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next_at = 0.0
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        """Wait for this send's turn."""
        async with self.lock:
            now = time.monotonic()
            at = max(now, self.next_at)
            self.next_at = at + self.interval
        if at > now:
            await asyncio.sleep(at - now)


@dataclass
class SenderStats:
    """Counts since start, for logs and benchmarks."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    by_channel: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def default_paces(app: App) -> dict[Channel, Pace]:
    """Telegram: 29/s overall (just under its 30), 1/s per chat, 20/min per group; Twilio: set."""
    return {
        Channel.TELEGRAM: Pace(29.0, per_chat_interval=1.0, group_per_minute=20),
        Channel.WHATSAPP: Pace(app.settings.twilio_messages_per_second),
    }


class Sender:
    """Delivers the outbox through the configured channels."""

    def __init__(
        self,
        app: App,
        channels: Mapping[Channel, ChannelSender],
        *,
        worker: str = "sender",
        paces: Mapping[Channel, Pace] | None = None,
        batch: int = 100,
    ) -> None:
        self.app = app
        self.channels = dict(channels)
        self.worker = worker
        self.paces = dict(paces or default_paces(app))
        self.batch = batch
        self.limiters = {
            ch: RateLimiter(self.paces.get(ch, Pace(30.0)).per_second) for ch in self.channels
        }
        self.last_to: dict[tuple[Channel, str], float] = {}
        self.wake = asyncio.Event()
        self.stats = SenderStats()

    def nudge(self) -> None:
        """Wake the loop (safe to call from any thread)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.wake.set)

    _loop: asyncio.AbstractEventLoop | None = None

    async def run(self, stop: asyncio.Event, poll: float = 1.0) -> None:
        """Send until `stop` is set, then finish what is ready and return."""
        self._loop = asyncio.get_running_loop()
        self.app.on_queued = self.nudge
        while not stop.is_set():
            try:
                sent = await self.drain_once()
            except Exception:  # the database went away, a driver hiccup: keep the loop alive
                # Rows claimed by the failed pass are released as stuck sends and retried.
                log.exception("sender pass failed; trying again in %.0f s", poll)
                sent = 0
            if sent:
                continue
            self.wake.clear()
            waiters = [asyncio.ensure_future(self.wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
        # Shutting down: deliver what is already due, so nothing queued waits for a restart.
        for _ in range(20):
            if not await self.drain_once():
                break

    async def drain_once(self) -> int:
        """One pass over every channel; how many messages were handled."""
        handled = 0
        for channel in self.channels:
            rows = await asyncio.to_thread(self._claim, channel)
            if not rows:
                continue
            handled += len(rows)
            by_recipient: dict[str, list[tuple[int, Delivery]]] = defaultdict(list)
            for row_id, delivery in rows:
                by_recipient[delivery.recipient].append((row_id, delivery))
            await asyncio.gather(
                *(self._send_chain(channel, items) for items in by_recipient.values())
            )
        return handled

    def _claim(self, channel: Channel) -> list[tuple[int, Delivery]]:
        now = self.app.clock()
        with transaction(self.app.sessions) as session:
            rows = outbox.claim(session, channel, now, self.worker, self.batch)
            employee_ids = {r.employee_id for r in rows if r.employee_id is not None}
            last_inbound = {
                e.id: e.wa_last_inbound_at
                for e in session.scalars(select(Employee).where(Employee.id.in_(employee_ids)))
            }
            deliveries = []
            for row in rows:
                seen = last_inbound.get(row.employee_id) if row.employee_id else None
                deliveries.append(
                    (
                        row.id,
                        Delivery(
                            recipient=row.recipient,
                            reply=reply_from_dict(row.payload),
                            kind=row.kind,
                            outbox_id=row.id,
                            last_inbound_at=seen.timestamp() if seen else None,
                        ),
                    )
                )
            return deliveries

    async def _send_chain(self, channel: Channel, items: list[tuple[int, Delivery]]) -> None:
        pace = self.paces.get(channel, Pace(30.0))
        for row_id, delivery in items:
            interval = pace.per_chat_interval
            if pace.group_per_minute and delivery.recipient.startswith("-"):
                interval = max(interval, 60.0 / pace.group_per_minute)
            key = (channel, delivery.recipient)
            wait = self.last_to.get(key, 0.0) + interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            await self.limiters[channel].wait()
            self.last_to[key] = time.monotonic()
            await self._send_one(channel, row_id, delivery)

    async def _send_one(self, channel: Channel, row_id: int, delivery: Delivery) -> None:
        try:
            provider_id = await self.channels[channel].send(delivery)
        except TransientSendError as exc:
            await asyncio.to_thread(self._retry, row_id, str(exc), exc.retry_after, channel)
        except PermanentSendError as exc:
            await asyncio.to_thread(self._fail, row_id, str(exc), delivery, channel)
        except Exception as exc:  # an unexpected failure is retried, never dropped
            log.exception("sending outbox %s failed unexpectedly", row_id)
            await asyncio.to_thread(self._retry, row_id, f"unexpected: {exc}", None, channel)
        else:
            await asyncio.to_thread(self._sent, row_id, provider_id, channel)

    def _sent(self, row_id: int, provider_id: str, channel: Channel) -> None:
        with transaction(self.app.sessions) as session:
            outbox.mark_sent(session, row_id, provider_id, self.app.clock())
            self._settled(session, row_id)
        self.stats.sent += 1
        self.stats.by_channel[channel.value] += 1
        self.app.metrics.sent.labels(channel.value).inc()

    def _retry(self, row_id: int, error: str, retry_after: float | None, channel: Channel) -> None:
        with transaction(self.app.sessions) as session:
            row = session.get(OutboxMessage, row_id)
            if row is None:
                return
            if row.attempts >= MAX_ATTEMPTS:
                outbox.mark_failed(session, row_id, f"gave up after {row.attempts}: {error}")
                self._alert(session, row, error)
                self._settled(session, row_id)
                self.stats.failed += 1
                self.app.metrics.failure(channel.value, permanent=True)
                return
            delay = retry_after if retry_after is not None else min(2**row.attempts, 300)
            delay *= 1 + random.uniform(0, 0.1)  # spread retries of a burst apart
            outbox.mark_retry(session, row_id, error, self.app.clock() + timedelta(seconds=delay))
        self.stats.retried += 1
        self.app.metrics.failure(channel.value, permanent=False)

    def _fail(self, row_id: int, error: str, delivery: Delivery, channel: Channel) -> None:
        with transaction(self.app.sessions) as session:
            outbox.mark_failed(session, row_id, error)
            row = session.get(OutboxMessage, row_id)
            if row is not None:
                self._alert(session, row, error)
            self._settled(session, row_id)
        self.stats.failed += 1
        self.app.metrics.failure(channel.value, permanent=True)
        log.warning("outbox %s failed for good: %s", row_id, error)

    def _settled(self, session: Session, row_id: int) -> None:
        """A row is sent, held or failed for good: a "they were told" waiting on it may go."""
        notices.settle(session, self.app.env, row_id, self.app.clock())

    def _alert(self, session: Session, row: OutboxMessage, error: str) -> None:
        """Tell the admins a message could not be delivered (never about an alert itself)."""
        if row.kind == ALERT_KIND:
            return
        ctx = ServiceCtx(env=self.app.env, session=session, now=self.app.clock())
        who = ctx.employee(row.employee_id).name if row.employee_id else row.recipient
        for admin in ctx.holders("admin"):
            if admin.id == row.employee_id:
                continue
            text = ctx.t_for(
                admin, "core.delivery_failed", who=who, channel=row.channel, error=error[:200]
            )
            ctx.notify(admin, [Text(text)], kind=ALERT_KIND, key=f"alert:{row.id}:{admin.id}")
