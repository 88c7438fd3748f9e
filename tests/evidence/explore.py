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
from bot.messages import Media
from storage.models import Employee, Reminder, RoleGrant
from tests.evidence.driver import ADMIN, CORPUS, Driver, ErrorTrap, Said, snapshot
from tests.support import Clock

BUDGET = 3_000  # messages, at most
# Days passing after each round of commands: about ten weeks, enough for an event to be held
# and evaluated, a Serawai round to go from proposals to sessions, Pegasus duties to come due.
DAYS = (1, 2, 4, 7, 7, 14, 14, 21)
WALK = 30  # answers inside a flow before giving up on finishing it
TRIES = 8  # typed answers to one question before trying files, then giving up


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
        # One holder of each role, and someone with none ("-"): commands are tried as them.
        with app.sessions() as session:
            grants = session.execute(
                select(RoleGrant.role, Employee.nip)
                .join(Employee, Employee.id == RoleGrant.employee_id)
                .where(RoleGrant.revoked_at.is_(None))
                .order_by(RoleGrant.id)
            ).all()
            holders = {nip for _role, nip in grants}
        self.personas = {role: nip for role, nip in reversed(grants) if nip != ADMIN}
        plain = [nip for nip in self.people if nip not in holders]
        if plain:
            self.personas["-"] = plain[0]
        # Labels of buttons that lead away from the end of a flow.
        entries = app.catalog.entries
        self.retreat = {
            text
            for key in ("core.cancel_button", "core.no", "core.edit")
            for text in entries[key].values()
        }

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
        """Carry on inside the current flow towards its end.

        Buttons: any, but rarely one that cancels, goes back or edits. Text states: try the
        plausible answers in turn (then a photo, then a document) until one is taken.
        """
        for _ in range(WALK):
            where = self.driver.flow_of(nip)
            if where[0] is None or self.done():
                return
            offered = self.driver.offered(nip)
            if offered:
                weights = [0.05 if label in self.retreat else 1.0 for label, _ in offered]
                choice = self.rng.choices(offered, weights)[0]
                self.driver.send(nip, payload=choice[1])
            else:
                self.answer(nip, where)
            self.note(nip, f"walking on as {nip}")

    def answer(self, nip: str, where: tuple[str | None, str | None]) -> None:
        """Type answers until the state moves on (or nothing fits)."""
        answers: list[Said] = [Said(text) for text in self.rng.sample(CORPUS, TRIES)]
        files = self.driver.files
        answers += [
            Said(media=(Media(str(files["photo"]), "image/png", "photo"),)),
            Said(media=(Media(str(files["document"]), "application/pdf", "document"),)),
        ]
        before = self.driver.stored(nip)
        for said in answers:
            self.driver.send(nip, said.text, media=said.media)
            if self.driver.stored(nip) != before or self.done():
                return

    def commands(self) -> None:
        """Every command, as the admin and as each person whose role it is for."""
        for name, command in sorted(self.app.registry.commands.items()):
            wanted = command.roles or {"-"}  # "-": anyone, so a person with no role
            for nip in [ADMIN, *(p for role, p in self.personas.items() if role in wanted)]:
                if self.done():
                    return
                self.driver.send(nip, "batal")
                self.driver.send(nip, f"/{name}")
                self.note(nip, f"/{name} as {nip}")
                self.walk(nip)

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
            for days in DAYS:
                if self.done():
                    break
                self.answer_inboxes()
                self.commands()
                for _ in range(days * 4):  # time passes, the scheduler ticking every 6 hours
                    self.driver.advance(hours=6)
                    self.answer_inboxes()
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
