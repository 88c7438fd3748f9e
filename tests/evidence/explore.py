"""Explore the whole bot once, as everyone, to find how each flow starts.

A seeded walk: the demo admin (who holds every role) runs every command and goes on inside
the flow it starts, mostly pressing what is offered and typing plausible answers; then
everyone presses the buttons they were sent (assignments, reminders, requests to approve)
and carries on, while the clock moves and the scheduler ticks. The first time anyone enters
a flow, the database is copied: the property tests start each flow from there. The walk also
keeps every button payload it saw and the arguments of every reminder the features scheduled.
Nothing here names a feature, so flows, buttons and reminders added later are found the same way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.app import App
from storage.models import Employee, Reminder
from tests.evidence.driver import ADMIN, CORPUS, Driver, ErrorTrap, snapshot
from tests.support import Clock

BUDGET = 1_500  # messages, at most
ROUNDS = 6
WALK = 25  # steps inside a flow before giving up on finishing it


@dataclass(frozen=True)
class Start:
    """Where a flow was first entered: the database copy, who, when, and how."""

    snapshot: Path
    who: str
    at: datetime
    how: str


@dataclass
class Exploration:
    """What the walk found."""

    starts: dict[str, Start] = field(default_factory=dict)
    end: Start | None = None  # the database when the walk stopped
    payloads: list[str] = field(default_factory=list)
    reminders: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    steps: int = 0
    problems: list[str] = field(default_factory=list)


class _Explorer:
    def __init__(self, app: App, clock: Clock, folder: Path, seed: int) -> None:
        self.app = app
        self.clock = clock
        self.folder = folder
        self.rng = random.Random(seed)
        self.driver = Driver(app, clock)
        self.found = Exploration()
        with app.sessions() as session:
            nips = list(session.scalars(select(Employee.nip).order_by(Employee.id)))
        self.people = [ADMIN, *(n for n in nips if n != ADMIN)]

    def done(self) -> bool:
        everything = set(self.app.registry.flows) <= set(self.found.starts)
        return everything or self.driver.steps >= BUDGET

    def note(self, nip: str, how: str) -> None:
        flow, _state = self.driver.flow_of(nip)
        if flow is not None and flow not in self.found.starts:
            copy = self.folder / f"start-{flow}.sqlite3"
            snapshot(self.app, copy)
            self.found.starts[flow] = Start(copy, nip, self.clock.now, how)

    def walk(self, nip: str) -> None:
        """Carry on inside the current flow: press what is offered, else type an answer."""
        for _ in range(WALK):
            flow, _state = self.driver.flow_of(nip)
            if flow is None or self.done():
                return
            offered = self.driver.offered(nip)
            if offered:
                self.driver.send(nip, payload=self.rng.choice(offered)[1])
            else:
                self.driver.send(nip, self.rng.choice(CORPUS))
            self.note(nip, f"walking on as {nip}")

    def commands(self) -> None:
        for name in sorted(self.app.registry.commands):
            if self.done():
                return
            self.driver.send(ADMIN, "batal")
            self.driver.send(ADMIN, f"/{name}")
            self.note(ADMIN, f"/{name} as the demo admin")
            self.walk(ADMIN)

    def answer_inboxes(self) -> None:
        for nip in self.people:
            waiting = self.driver.inbox.pop(nip, [])
            for choices in waiting[-3:]:
                if self.done() or not choices.options:
                    return
                option = self.rng.choice(choices.options)
                self.driver.send(nip, payload=option.payload)
                self.note(nip, f"a button sent to {nip}: {option.label!r}")
                self.walk(nip)

    def run(self) -> Exploration:
        with ErrorTrap() as trap:
            self.commands()
            for _ in range(ROUNDS):
                if self.done():
                    break
                self.answer_inboxes()
                self.driver.advance(hours=self.rng.choice((2, 20, 26, 50, 75)))
                self.answer_inboxes()
                self.commands()
        with self.app.sessions() as session:
            for row in session.scalars(select(Reminder)):
                self.found.reminders.setdefault(row.kind, []).append(
                    {"args": dict(row.args), "employee_id": row.employee_id}
                )
        copy = self.folder / "end.sqlite3"
        snapshot(self.app, copy)
        self.found.end = Start(copy, ADMIN, self.clock.now, "where the walk stopped")
        self.found.payloads = list(dict.fromkeys(self.driver.seen_payloads))
        self.found.steps = self.driver.steps
        self.found.problems = [*self.driver.problems, *(r.getMessage() for r in trap.records)]
        return self.found


def explore(app: App, clock: Clock, folder: Path, seed: int = 2025) -> Exploration:
    """Walk the whole bot once; see the module docstring."""
    return _Explorer(app, clock, folder, seed).run()
