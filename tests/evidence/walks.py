"""Hypothesis walks through one flow, runnable in a worker process (see test_flow_property).

Each example puts the database back where the exploration first entered the flow and walks
on from there as that person, EXAMPLES × STEPS inputs in all. An input that leaves the flow
(a stale button, `batal`, another command) is followed by one that comes back: the command
that starts the flow, or (when a button started it, or the command no longer leads back in)
the database put back where the flow started; the walks stay in the
flow under test (the other flows have walks of their own). After every input: no error
logged, no "core.crashed" answer, every message (to anyone) a non-empty catalog text, the
speaker's conversation valid; after every example, every conversation valid.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from bot.app import App
from tests.evidence.driver import (
    WEIGHTED_KINDS,
    Driver,
    ErrorTrap,
    Move,
    copy_database,
    held,
    restore,
    sqlite_app,
)
from tests.evidence.explore import Start
from tests.support import Clock

EXAMPLES, STEPS = 40, 50  # 2,000 inputs per flow
PARTS = 2  # each flow's examples in two halves (two seeds), so two workers share even one flow

moves = st.builds(
    Move,
    kind=st.sampled_from(WEIGHTED_KINDS),
    n=st.integers(min_value=0, max_value=10**6),
    text=st.text(max_size=30),
)


@dataclass(frozen=True)
class Job:
    """Part of one flow's walks: where it starts, and every button payload seen anywhere."""

    flow: str
    start: Start
    payloads: tuple[str, ...]
    part: int = 0


@dataclass(frozen=True)
class Outcome:
    """How the walks of one flow went; `failure` holds hypothesis's report when one failed."""

    flow: str
    inputs: int
    seconds: float
    failure: str | None = None


def walk_flow(job: Job) -> Outcome:
    """Run one part of the hypothesis walks of a flow (in whatever process calls this)."""
    start = job.start
    began = time.perf_counter()
    app, clock = _app(start)
    origin = held(start.snapshot)
    restore(app, origin)
    clock.now = start.at
    driver = Driver(app, clock)
    command = start.how.split()[0] if start.how.startswith("/") else None
    inputs = 0

    @seed(job.part)  # a fixed seed per part: the same walks every run
    @settings(
        max_examples=EXAMPLES // PARTS,
        deadline=None,
        database=None,
        # No shrinking: at 50 steps an example it would take longer than the whole run;
        # seeded, the failing example reported is replayed as it is.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(moves, min_size=STEPS, max_size=STEPS))
    def walk(steps: list[Move]) -> None:
        nonlocal inputs
        restore(app, origin)
        clock.now = start.at
        driver.reset()
        with ErrorTrap() as trap:
            knocked = False  # the command was just sent, and did not lead back in
            for move in steps:
                if driver.flow_of(start.who)[0] == job.flow:
                    driver.play(start.who, move, stale=job.payloads)
                    knocked = False
                elif command and not knocked:  # it left the flow under test: back in,
                    driver.send(start.who, command)  # by its command
                    knocked = True
                else:  # or back to where it started (a button started it, or the command
                    # no longer leads there: the record it was about moved on)
                    knocked = False
                    driver.check_conversations("the walk")
                    restore(app, origin)
                    clock.now = start.at
                    driver.reset(problems=False)
                    driver.play(start.who, move, stale=job.payloads)
                inputs += 1
            driver.check_conversations("the walk")
        assert not driver.problems, driver.problems[:5]
        assert not trap.records, [
            f"{r.getMessage()}\n{''.join(traceback.format_exception(*r.exc_info))}"
            if r.exc_info
            else r.getMessage()
            for r in trap.records[:3]
        ]

    try:
        walk()
    except Exception as exc:  # hypothesis's report (with the falsifying example) goes back
        failure = "".join(traceback.format_exception(exc))
        return Outcome(job.flow, inputs, time.perf_counter() - began, failure)
    finally:
        origin.close()
    return Outcome(job.flow, inputs, time.perf_counter() - began)


_apps: list[tuple[App, Clock]] = []  # this process's, see _app


def _app(start: Start) -> tuple[App, Clock]:
    """The application the walks of this process share (built once: each walk puts its own
    snapshot in place), over a SQLite file in a scratch folder that lives as long as the
    process."""
    if not _apps:
        folder = Path(tempfile.mkdtemp(prefix="walks-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        clock = Clock(start.at)
        copy_database(start.snapshot, folder / "walk.sqlite3")
        _apps.append((sqlite_app(folder / "walk.sqlite3", folder, clock), clock))
    return _apps[0]
