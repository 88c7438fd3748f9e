"""Explore the whole bot once, as everyone, to find how each flow starts.

First the scenarios (tests/evidence/scenarios.py) are played through the same checked chat a
user has: scripted stories that take records to where the flows behind proactive buttons begin
(a request assigned and held, a Serawai round through to its report, Pegasus duties coming due).
Then a seeded walk: the demo admin (who holds every role) runs every command and goes on inside
the flow it starts, mostly pressing what is offered and typing plausible answers; then
everyone presses the buttons they were sent (assignments, reminders, requests to approve)
and carries on, while the clock moves and the scheduler ticks. The walk is coverage-guided: it
prefers buttons of a kind (payload prefix) nobody pressed yet, and a command that found nothing
new (no flow state, no kind of button) is not run again. The first time anyone enters a flow,
the database is copied: the property tests start each flow from there. The exploration also
keeps every button payload it saw and the arguments of every reminder the features scheduled.
Nothing here names a feature, so flows, buttons and reminders added later are found the same way.
"""

from __future__ import annotations

import random
import traceback
from collections.abc import Callable, Sequence
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

BUDGET = 3_000  # messages of the seeded walk (after the scenarios), at most
# Days passing after each round of commands: about ten weeks, enough for an event to be held
# and evaluated, a Serawai round to go from proposals to sessions, Pegasus duties to come due.
DAYS = (1, 2, 4, 7, 7, 14, 14, 21)
WALK = 30  # answers inside a flow before giving up on finishing it
TRIES = 8  # typed answers to one question before trying files, then giving up
NEW = 4.0  # how much more likely a button of a kind not pressed yet is chosen
RETREAT = 0.05  # ... and a button that cancels, goes back or edits

Scenario = Callable[["Explorer"], None]


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


def kind_of(payload: str) -> str:
    """A button's kind: its payload's first two parts ("et:assign", "f:role", "cmd:tugas")."""
    return ":".join(payload.split(":")[:2])


class Explorer:
    def __init__(self, app: App, clock: Clock, folder: Path, seed: int) -> None:
        self.app = app
        self.clock = clock
        self.folder = folder
        self.rng = random.Random(seed)
        self.driver = Driver(app, clock)
        self.found = Exploration()
        self.budget = BUDGET
        self.pressed: set[str] = set()  # kinds of button pressed so far
        self.states: set[tuple[str | None, str | None]] = set()  # (flow, state) reached
        self.dull: set[tuple[str, str]] = set()  # (command, nip) that found nothing new
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
        return everything or self.driver.steps >= self.budget

    def send(self, nip: str, text: str | None = None, **kwargs: Any) -> None:
        """One checked message from `nip`, remembered for the coverage."""
        self.driver.send(nip, text, **kwargs)
        if kwargs.get("payload"):
            self.pressed.add(kind_of(kwargs["payload"]))

    def weigh(self, payload: str, label: str = "") -> float:
        """Rarely what leads away; more often a kind of button nobody pressed yet."""
        if label in self.retreat:
            return RETREAT
        return 1.0 if kind_of(payload) in self.pressed else NEW

    def note(self, nip: str, how: str) -> None:
        """Where `nip` is now; the first entry of a flow is copied (its walks start there)."""
        flow, state = self.driver.flow_of(nip)
        self.states.add((flow, state))
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
                weights = [self.weigh(payload, label) for label, payload in offered]
                choice = self.rng.choices(offered, weights)[0]
                self.send(nip, payload=choice[1])
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
        """Every command, as the admin and as each person whose role it is for (but not again
        as someone for whom it found nothing new last time)."""
        for name, command in sorted(self.app.registry.commands.items()):
            wanted = command.roles or {"-"}  # "-": anyone, so a person with no role
            for nip in [ADMIN, *(p for role, p in self.personas.items() if role in wanted)]:
                if self.done():
                    return
                if (name, nip) in self.dull:
                    continue
                known = (len(self.states), len(self.pressed), len(self.found.starts))
                self.send(nip, "batal")
                self.send(nip, f"/{name}")
                self.note(nip, f"/{name} as {nip}")
                self.walk(nip)
                if (len(self.states), len(self.pressed), len(self.found.starts)) == known:
                    self.dull.add((name, nip))

    def answer_inboxes(self) -> None:
        for nip in self.people:
            waiting = self.driver.inbox.pop(nip, [])
            for choices in waiting[-3:]:
                if self.done():
                    return
                if not choices.options:
                    continue
                weights = [self.weigh(o.payload, o.label) for o in choices.options]
                option = self.rng.choices(choices.options, weights)[0]
                self.send(nip, payload=option.payload)
                self.note(nip, f"a button sent to {nip}: {option.label!r}")
                self.walk(nip)

    def play(self, scenarios: Sequence[Scenario]) -> None:
        """Each scenario in turn; one that fails is a problem (and the next goes on)."""
        for scenario in scenarios:
            try:
                scenario(self)
            except Exception:
                self.driver.problems.append(
                    f"scenario {scenario.__name__} failed:\n{traceback.format_exc()}"
                )
        self.driver.inbox.clear()  # what the scenarios were sent is theirs, not the walk's

    def run(self, scenarios: Sequence[Scenario] = ()) -> Exploration:
        with ErrorTrap() as trap:
            self.play(scenarios)
            self.budget = self.driver.steps + BUDGET
            for days in DAYS:
                if self.done():
                    break
                self.answer_inboxes()
                self.commands()
                for _ in range(days * 4):  # time passes, the scheduler ticking every 6 hours
                    self.driver.advance(hours=6)
                    self.answer_inboxes()
        with self.app.sessions() as session:
            for row in session.scalars(select(Reminder).order_by(Reminder.id)):
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


def explore(
    app: App, clock: Clock, folder: Path, scenarios: Sequence[Scenario] = (), seed: int = 2025
) -> Exploration:
    """Play the scenarios, then walk the whole bot once; see the module docstring."""
    return Explorer(app, clock, folder, seed).run(scenarios)
