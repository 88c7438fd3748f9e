"""Send pacing: the overall rate of one channel, in one process or shared by every instance.

A limiter hands out evenly spaced send slots: never more than `per_second` in any second.
On SQLite the bot is one process and the slots are kept in memory. On PostgreSQL every
instance takes its slots from one row per channel (`send_rates`), moved forward by an atomic
`UPDATE ... RETURNING`, so any number of instances together keep to the platform's limit.
The shared slots are wall-clock times (seconds since the epoch): instances on several hosts
need synchronised clocks (NTP), as they need for everything else.

Both take a `PaceClock`, so tests drive time instead of waiting for it.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Protocol

from sqlalchemy import Engine, text


class PaceClock(Protocol):
    """Seconds, and a way to wait for some."""

    def now(self) -> float:
        """The current time in seconds."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds`."""
        ...


class MonotonicClock:
    """The process's monotonic clock: immune to wall-clock steps, not comparable across
    processes."""

    def now(self) -> float:
        """Seconds of `time.monotonic`."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """`asyncio.sleep`."""
        await asyncio.sleep(seconds)


class WallClock(MonotonicClock):
    """Seconds since the epoch: what instances on one database can compare."""

    def now(self) -> float:
        """Seconds of `time.time`."""
        return time.time()


class Limiter(Protocol):
    """Waits for one send's turn."""

    granted: int  # sends let through since start
    busy: int  # turns being taken right now (a slot asked for, not yet waited on)

    async def wait(self) -> None:
        """Return when this send may go."""
        ...


class RateLimiter:
    """An even-spaced overall limit in this process."""

    def __init__(self, per_second: float, clock: PaceClock | None = None) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.clock = clock or MonotonicClock()
        self.next_at = float("-inf")
        self.granted = 0
        self.busy = 0

    async def wait(self) -> None:
        """Wait for this send's turn."""
        now = self.clock.now()
        at = max(now, self.next_at)
        self.next_at = at + self.interval
        if at > now:
            await self.clock.sleep(at - now)
        self.granted += 1


_RESERVE = text(
    "UPDATE send_rates SET next_at = GREATEST(next_at, :now) + :count * :interval "
    "WHERE channel = :channel RETURNING next_at"
)
_ENSURE = text(
    "INSERT INTO send_rates (channel, next_at) VALUES (:channel, 0) "
    "ON CONFLICT (channel) DO NOTHING"
)

# The most slots one round trip takes: as many as sends are waiting in this instance, up to
# this (at 250/s, 64 ms of sending). Slots go to the waiters that asked, in order.
MAX_RESERVED = 16


class SharedRateLimiter:
    """An even-spaced overall limit shared through the database by every instance.

    One round trip reserves a slot for every send waiting in this instance (up to
    `MAX_RESERVED`), and each send sleeps for its own slot outside the lock, so the next
    reservation is made while earlier sends wait: the database's latency is not what spaces
    the sends. A slot left unused (its send was cancelled) is dropped once it has passed.
    """

    def __init__(
        self, engine: Engine, channel: str, per_second: float, clock: PaceClock | None = None
    ) -> None:
        self.engine = engine
        self.channel = channel
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.clock = clock or WallClock()
        self.lock = asyncio.Lock()
        self.ready = False
        self.granted = 0
        self.busy = 0
        self.waiting = 0  # sends inside `wait` now
        self.slots: deque[float] = deque()  # reserved for this instance, oldest first

    def _reserve(self, now: float, count: int) -> float:
        """Take the channel's next `count` slots (one row lock, for one statement); the first."""
        with self.engine.begin() as conn:
            if not self.ready:
                conn.execute(_ENSURE, {"channel": self.channel})
            row = conn.execute(
                _RESERVE,
                {"now": now, "count": count, "interval": self.interval, "channel": self.channel},
            ).one()
        self.ready = True
        return float(row[0]) - count * self.interval

    async def wait(self) -> None:
        """Wait for this send's turn: a slot of this instance's, or a fresh reservation."""
        if self.interval == 0:
            self.granted += 1
            return
        self.waiting += 1
        try:
            async with self.lock:
                now = self.clock.now()
                while self.slots and self.slots[0] < now - self.interval:
                    self.slots.popleft()  # passed unused: sending on it now would crowd the next
                if not self.slots:
                    count = min(self.waiting, MAX_RESERVED)
                    self.busy += 1
                    try:
                        first = await asyncio.to_thread(self._reserve, now, count)
                    finally:
                        self.busy -= 1
                    self.slots.extend(first + i * self.interval for i in range(count))
                at = self.slots.popleft()
        finally:
            self.waiting -= 1
        wait = at - self.clock.now()
        if wait > 0:
            await self.clock.sleep(wait)
        self.granted += 1
