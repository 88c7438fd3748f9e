"""The sender: drains the outbox per channel at the platform's pace, and loses nothing.

Each pass claims due messages (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two running
instances never take the same row), sends them concurrently across recipients but one at a
time per recipient (Telegram allows about one message a second per chat), under one overall
rate (Telegram about 30/s; Twilio as configured), which on PostgreSQL every instance shares
(`bot/pacing.py`). A pass claims about half a second's worth of messages, answers first and
bulk with its fixed share (`bot/outbox.py`), so an answer waits for no broadcast. A 429, a 5xx
or a timeout is retried with exponential backoff, honouring `retry_after`, for a little over an
hour (an hour's outage loses nothing); a permanent failure is marked failed with its reason and
reported to the admins. A WhatsApp message outside the 24-hour window is held, not sent
(bot/held.py). A crash between claim and send leaves the row `sending`;
the scheduler returns it to the queue after a few minutes (delivery is at least once).
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import alerts, held, outbox
from bot.app import App
from bot.handlers.base import (
    ChannelSender,
    Delivery,
    HoldSendError,
    PermanentSendError,
    TransientSendError,
)
from bot.messages import Channel, reply_from_dict
from bot.pacing import (
    Limiter,
    MonotonicClock,
    PaceClock,
    RateLimiter,
    SharedRateLimiter,
    WallClock,
)
from bot.services import notices
from storage.db import transaction
from storage.models import Employee, OutboxMessage

log = logging.getLogger(__name__)

# Waits of 2, 4, ... 256 s, then 300 s each: the 20th try comes about 64 minutes after the
# first, so a Twilio or Telegram outage of up to an hour loses nothing.
MAX_ATTEMPTS = 20
MAX_DELAY = 300
ALERT_KIND = alerts.ALERT_KIND
CLAIM_HORIZON = 0.5  # seconds of sending claimed at once: how long a new answer can wait


@dataclass
class Pace:
    """How fast one channel may send."""

    per_second: float  # overall
    per_chat_interval: float = 0.0  # seconds between two messages to one recipient
    group_per_minute: int = 0  # Telegram groups and channels (negative chat ids)


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
        clock: PaceClock | None = None,
    ) -> None:
        self.app = app
        self.channels = dict(channels)
        self.worker = worker
        self.paces = dict(paces or default_paces(app))
        self.batch = batch
        shared = app.engine.dialect.name == "postgresql"  # SQLite: one process
        self.clock = clock or (WallClock() if shared else MonotonicClock())
        self.limiters: dict[Channel, Limiter] = {}
        for ch in self.channels:
            rate = self.paces.get(ch, Pace(30.0)).per_second
            self.limiters[ch] = (
                SharedRateLimiter(app.engine, ch.value, rate, self.clock)
                if shared
                else RateLimiter(rate, self.clock)
            )
        self.bulk_credit: dict[Channel, float] = defaultdict(float)
        self.last_to: dict[tuple[Channel, str], float] = {}
        # Messages claimed and not yet done, each recipient's in order; how many are in hand
        # per channel, and how many chains are ready to send (not waiting for their chat).
        self.chains: dict[tuple[Channel, str], deque[tuple[int, Delivery]]] = {}
        self.in_hand: dict[Channel, int] = defaultdict(int)
        self.ready: dict[Channel, int] = defaultdict(int)
        self.tasks: set[asyncio.Task[None]] = set()
        self.drained: set[Channel] = set()  # channels whose last claim found all there was
        self.wake = asyncio.Event()
        self.stats = SenderStats()

    def nudge(self) -> None:
        """Something was queued: wake the loop (safe to call from any thread)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._queued)

    def _queued(self) -> None:
        self.drained.clear()
        self.wake.set()

    _loop: asyncio.AbstractEventLoop | None = None

    async def run(self, stop: asyncio.Event, poll: float = 1.0) -> None:
        """Send until `stop` is set, then finish what is ready and return.

        Claims top up what is being sent whenever half a claim's worth has gone, so a new
        answer waits for about half a second of sending, not for a whole batch.
        """
        self._loop = loop = asyncio.get_running_loop()
        self.app.on_queued = self.nudge
        looked = loop.time()
        while not stop.is_set():
            self.wake.clear()
            if loop.time() - looked >= poll:  # look again: another instance's rows, retries due
                self.drained.clear()
                looked = loop.time()
            try:
                claimed = await self._top_up()
            except Exception:  # the database went away, a driver hiccup: keep the loop alive
                # Rows claimed by the failed pass are released as stuck sends and retried.
                log.exception("sender pass failed; trying again in %.0f s", poll)
                claimed = 0
            if claimed:
                continue
            waiters = [asyncio.ensure_future(self.wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
        # Shutting down: deliver what is already due, so nothing queued waits for a restart.
        await self._settle()
        for _ in range(20):
            if not await self.drain_once():
                break

    async def drain_once(self) -> int:
        """One claim per channel, sent to the end; how many messages were handled."""
        handled = 0
        for channel in self.channels:
            handled += await self._take(channel, self._claim_size(channel))
        await self._settle()
        return handled

    def _claim_size(self, channel: Channel) -> int:
        rate = self.paces.get(channel, Pace(30.0)).per_second
        return min(self.batch, max(1, math.ceil(rate * CLAIM_HORIZON)))

    async def _top_up(self) -> int:
        """Claim for every channel whose sends in hand have fallen to half a claim."""
        claimed = 0
        for channel in self.channels:
            if channel in self.drained:
                continue
            size = self._claim_size(channel)
            room = min(size - self.ready[channel], self.batch - self.in_hand[channel])
            if room >= max(1, size // 2):
                claimed += await self._take(channel, room)
        return claimed

    async def _take(self, channel: Channel, size: int) -> int:
        """Claim up to `size` messages and hand each to its recipient's chain; how many were
        claimed (sent from here, or held in the claim)."""
        claimed, rows = await asyncio.to_thread(self._claim, channel, size)
        # Nothing more is due: claim again when told or at the poll. Rows held in the claim
        # planned their openers, due now: those are claimed straight away.
        if claimed < size and claimed == len(rows):
            self.drained.add(channel)
        for item in rows:
            key = (channel, item[1].recipient)
            self.in_hand[channel] += 1
            chain = self.chains.get(key)
            if chain is not None:
                chain.append(item)
                continue
            self.chains[key] = chain = deque([item])
            self.ready[channel] += 1
            task = asyncio.create_task(self._send_chain(channel, key, chain))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return claimed

    async def _settle(self) -> None:
        """Wait until every chain has sent what it was handed."""
        while self.tasks:
            await asyncio.gather(*self.tasks)

    def _claim(self, channel: Channel, size: int) -> tuple[int, list[tuple[int, Delivery]]]:
        """Claim up to `size` due rows: (how many were claimed, those to send). A row the
        channel would only hold (WhatsApp's window is closed) is held here, in the claim's
        transaction: a broadcast to people outside the window costs one commit a claim,
        not one a person, and none of the platform's rate."""
        now = self.app.clock()
        holds = self.channels[channel].holds
        # Bulk's share accrues claim by claim, so even one-at-a-time claims give it its turn.
        self.bulk_credit[channel] += size * self.app.settings.outbox_bulk_share
        room = min(size, int(self.bulk_credit[channel]))
        self.bulk_credit[channel] -= room
        with transaction(self.app.sessions) as session:
            rows = outbox.claim(session, channel, now, self.worker, size, bulk_room=room)
            employee_ids = {r.employee_id for r in rows if r.employee_id is not None}
            last_inbound = {
                e.id: e.wa_last_inbound_at
                for e in session.scalars(select(Employee).where(Employee.id.in_(employee_ids)))
            }
            deliveries = []
            for row in rows:
                seen = last_inbound.get(row.employee_id) if row.employee_id else None
                delivery = Delivery(
                    recipient=row.recipient,
                    reply=reply_from_dict(row.payload),
                    kind=row.kind,
                    outbox_id=row.id,
                    last_inbound_at=seen.timestamp() if seen else None,
                )
                if holds(delivery):
                    held.hold(session, self.app.catalog, row.id, now)
                    self._settled(session, row.id)
                else:
                    deliveries.append((row.id, delivery))
            return len(rows), deliveries

    async def _send_chain(
        self, channel: Channel, key: tuple[Channel, str], chain: deque[tuple[int, Delivery]]
    ) -> None:
        """One recipient's messages in order, paced per chat; counted as ready unless pacing."""
        pace = self.paces.get(channel, Pace(30.0))
        try:
            while chain:
                row_id, delivery = chain[0]
                # A message kept for later (WhatsApp's window) is not sent: no rate spent.
                if not self.channels[channel].holds(delivery):
                    await self._pace(channel, key, delivery, pace)
                try:
                    await self._send_one(channel, row_id, delivery)
                except Exception:  # the row stays claimed and is released as a stuck send
                    log.exception("recording outbox %s failed", row_id)
                chain.popleft()
                self.in_hand[channel] -= 1
                self.wake.set()
        finally:
            self.ready[channel] -= 1
            self.in_hand[channel] -= len(chain)
            del self.chains[key]

    async def _pace(
        self, channel: Channel, key: tuple[Channel, str], delivery: Delivery, pace: Pace
    ) -> None:
        """Wait for the chat's interval and the channel's rate; not counted ready meanwhile."""
        interval = pace.per_chat_interval
        if pace.group_per_minute and delivery.recipient.startswith("-"):
            interval = max(interval, 60.0 / pace.group_per_minute)
        last = self.last_to.get(key)
        wait = 0.0 if last is None else last + interval - self.clock.now()
        if wait > 0:
            self.ready[channel] -= 1
            try:
                await self.clock.sleep(wait)
            finally:
                self.ready[channel] += 1
        await self.limiters[channel].wait()
        self.last_to[key] = self.clock.now()

    async def _send_one(self, channel: Channel, row_id: int, delivery: Delivery) -> None:
        try:
            provider_id = await self.channels[channel].send(delivery)
        except HoldSendError:
            await asyncio.to_thread(self._hold, row_id)
        except TransientSendError as exc:
            await asyncio.to_thread(
                self._retry, row_id, str(exc), exc.retry_after, channel, exc.reason
            )
        except PermanentSendError as exc:
            await asyncio.to_thread(self._fail, row_id, str(exc), delivery, channel, exc.reason)
        except Exception as exc:  # an unexpected failure is retried, never dropped
            log.exception("sending outbox %s failed unexpectedly", row_id)
            await asyncio.to_thread(
                self._retry, row_id, f"unexpected: {type(exc).__name__}", None, channel
            )
        else:
            await asyncio.to_thread(self._sent, row_id, provider_id, channel)

    def _sent(self, row_id: int, provider_id: str, channel: Channel) -> None:
        with transaction(self.app.sessions) as session:
            outbox.mark_sent(session, row_id, provider_id, self.app.clock())
            self._settled(session, row_id)
        self.stats.sent += 1
        self.stats.by_channel[channel.value] += 1
        self.app.metrics.sent.labels(channel.value).inc()

    def _hold(self, row_id: int) -> None:
        """Outside WhatsApp's window: keep the message whole and plan one opener."""
        with transaction(self.app.sessions) as session:
            held.hold(session, self.app.catalog, row_id, self.app.clock())
            self._settled(session, row_id)

    def _retry(
        self,
        row_id: int,
        error: str,
        retry_after: float | None,
        channel: Channel,
        reason: str = "unknown",
    ) -> None:
        with transaction(self.app.sessions) as session:
            row = session.get(OutboxMessage, row_id)
            if row is None:
                return
            if row.attempts >= MAX_ATTEMPTS:
                outbox.mark_failed(
                    session, row_id, f"gave up after {row.attempts}: {error}", reason
                )
                session.refresh(row)
                self._alert(session, row, error)
                self._settled(session, row_id)
                self.stats.failed += 1
                self.app.metrics.failure(channel.value, permanent=True)
                return
            delay = retry_after if retry_after is not None else min(2**row.attempts, MAX_DELAY)
            delay *= 1 + random.uniform(0, 0.1)  # spread retries of a burst apart
            outbox.mark_retry(
                session, row_id, error, self.app.clock() + timedelta(seconds=delay), reason
            )
        self.stats.retried += 1
        self.app.metrics.failure(channel.value, permanent=False)

    def _fail(
        self,
        row_id: int,
        error: str,
        delivery: Delivery,
        channel: Channel,
        reason: str = "unknown",
    ) -> None:
        with transaction(self.app.sessions) as session:
            outbox.mark_failed(session, row_id, error, reason)
            row = session.get(OutboxMessage, row_id)
            if row is not None:
                session.refresh(row)
                self._alert(session, row, error)
            self._settled(session, row_id)
        self.stats.failed += 1
        self.app.metrics.failure(channel.value, permanent=True)
        log.warning("outbox %s failed for good: %s", row_id, error)

    def _settled(self, session: Session, row_id: int) -> None:
        """A row is sent, held or failed for good: a "they were told" waiting on it may go."""
        notices.settle(session, self.app.env, row_id, self.app.clock())

    def _alert(self, session: Session, row: OutboxMessage, error: str) -> None:
        """Tell the admins a message could not be delivered, in a sentence of their own
        language (the platform's `error` stays in the row); an alert that failed goes to
        its admin over their other channel. Both stay listed in /gagal."""
        alerts.tell_admins(self.app.env, session, row, self.app.clock())
