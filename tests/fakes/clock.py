"""A pace clock tests drive: time moves only when the test moves it, so rates are exact.

The sender's limiters sleep on it and the fake platforms count arrivals on it. `drive` moves
it a step at a time, and between steps waits until everything the last step woke has
arrived at the platform (or gone back to sleep), so a send is counted at the moment it was
let through, never bunched by a busy machine.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from bisect import bisect_left
from collections.abc import Callable, Iterable

from bot.pacing import Limiter


class DrivenClock:
    """Seconds that pass only by `advance`; `sleep` waits for them."""

    def __init__(self, start: float = 1000.0) -> None:
        self.t = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        """The driven time (read by the fake platforms' threads too)."""
        return self.t

    async def sleep(self, seconds: float) -> None:
        """Wait until the clock has been moved `seconds` on."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.t + seconds, next(self._order), future))
        await future

    def sleeping(self) -> int:
        """How many are waiting for the clock."""
        return sum(1 for _, _, future in self._sleepers if not future.done())

    def advance(self, seconds: float) -> None:
        """Move on, waking every sleeper whose time has come."""
        self.t += seconds
        while self._sleepers and self._sleepers[0][0] <= self.t:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)


async def drive(
    clock: DrivenClock,
    limiters: Iterable[Limiter],
    arrived: Callable[[], int],
    done: Callable[[], bool],
    *,
    step: float = 0.01,
    max_steps: int = 100_000,
) -> None:
    """Move `clock` on by `step` until `done()`, settling in between.

    Settled: no limiter is taking a slot, every send a limiter let through has reached the
    platform (`arrived()` counts what the platform received), and someone waits for the
    clock: time does not pass while the code under test works, only while it waits.
    """
    limiters = list(limiters)
    for _ in range(max_steps):
        for _ in range(3):  # let what the last step woke run up to its next wait
            await asyncio.sleep(0)
        while any(lim.busy for lim in limiters) or arrived() < sum(
            lim.granted for lim in limiters
        ):
            await asyncio.sleep(0.001)
        if done():
            return
        if not clock.sleeping():  # someone is working (a claim, say): time waits for them
            await asyncio.sleep(0.001)
            continue
        clock.advance(step)
    raise AssertionError(f"not done after {max_steps} steps of {step} s")


def most_in_a_second(arrivals: Iterable[float], step: float) -> int:
    """The most sends that arrived within any one second (to the driven clock's step)."""
    times = sorted(arrivals)
    return max((bisect_left(times, t + 1.0 - step) - i for i, t in enumerate(times)), default=0)
