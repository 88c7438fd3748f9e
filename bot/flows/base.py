"""The flow framework: an SOP process as a state machine that does no I/O.

A `Flow` has named states; each `State` has a prompt (what the bot asks) and a handler (how
it reads the answer). A handler returns a `Step`: the next state (or None when the flow is
done), the new data, replies, and domain commands that services carry out in the same
transaction. Flows see the database only through the read-only `ctx.lookup` their module
declares, and import neither Telegram, Twilio nor SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from bot.buttons import FlowChoice
from bot.calendar import WorkCalendar
from bot.config import Settings
from bot.i18n import Translator
from bot.messages import Choices, Media, Option, Reply, Text


class FlowData(BaseModel):
    """Base of every flow's data; unknown fields make a stored conversation invalid."""

    model_config = ConfigDict(extra="forbid")


D = TypeVar("D", bound=FlowData)


@dataclass(frozen=True)
class Actor:
    """The employee talking to the bot, as flows see them."""

    id: int
    nip: str
    name: str
    office_id: int
    office_code: str
    office_name: str
    language: str
    roles: frozenset[str]
    ca_office_ids: frozenset[int] = frozenset()

    def has(self, *roles: str) -> bool:
        """True when the actor holds any of `roles` (admins hold every role)."""
        return "admin" in self.roles or any(r in self.roles for r in roles)


@dataclass(frozen=True)
class Ctx:
    """Read-only context for one step."""

    now: datetime
    actor: Actor
    calendar: WorkCalendar
    t: Translator
    settings: Settings
    # The read-only queries the flow's module declares (`Flow.lookup` builds them). Left
    # `Any`: each state reads it as its own module's lookup class, which a type parameter
    # here would make every flow module spell out.
    lookup: Any = None

    @property
    def lang(self) -> str:
        """The actor's language."""
        return self.actor.language


@dataclass(frozen=True)
class UserInput:
    """What the user answered: text, a choice's value, or files."""

    text: str | None = None
    choice: str | None = None  # the value of the pressed (or typed) option of this state
    media: tuple[Media, ...] = ()


@dataclass(frozen=True)
class Step:
    """The outcome of handling one input."""

    next_state: str | None
    data: FlowData | None
    replies: tuple[Reply, ...] = ()
    commands: tuple[Any, ...] = ()
    prompt: bool = True  # show the next state's prompt after the replies


def goto(state: str, data: FlowData, *replies: Reply, commands: tuple[Any, ...] = ()) -> Step:
    """Move to `state` (its prompt follows the replies)."""
    return Step(state, data, replies, commands)


def retry(message: str) -> Step:
    """Stay in the same state: say what was wrong, then ask again."""
    return Step("", None, (Text(message),))


def finish(*replies: Reply, commands: tuple[Any, ...] = ()) -> Step:
    """End the flow after carrying out `commands`."""
    return Step(None, None, replies, commands, prompt=False)


@dataclass(frozen=True)
class State(Generic[D]):
    """One question of a flow."""

    prompt: Callable[[Ctx, D], list[Reply]]
    handle: Callable[[Ctx, D, UserInput], Step]
    back: bool = True  # whether `kembali` may return here


@dataclass
class Flow(Generic[D]):
    """A named state machine with validated data."""

    name: str
    data_model: type[D]
    states: Mapping[str, State[D]]
    start: str
    roles: frozenset[str] | None = None  # None: any employee
    lookup: Callable[[Any], Any] | None = None  # builds ctx.lookup from a database session
    extra: dict[str, Any] = field(default_factory=dict)

    def load(self, raw: Mapping[str, Any]) -> D:
        """Validate stored data; raises pydantic.ValidationError when it no longer fits."""
        return self.data_model.model_validate(raw)


def option(state: str, value: object, label: str) -> Option:
    """A button that answers `state` with `value`."""
    return Option(label, FlowChoice(state, str(value)).pack())


def ask(text: str, state: str, options: list[tuple[object, str]]) -> Choices:
    """A question whose buttons answer `state`; options are (value, label) pairs."""
    return Choices(text, tuple(option(state, value, label) for value, label in options))


def rating_choices(text: str, state: str) -> Choices:
    """A 1-5 rating question."""
    return ask(text, state, [(n, "⭐" * n) for n in range(1, 6)])


def confirm_options(
    ctx: Ctx, yes: str = "core.confirm", no: str = "core.cancel_button"
) -> list[tuple[object, str]]:
    """The two buttons of a last check: send (yes) or cancel (no)."""
    return [("yes", ctx.t(yes)), ("no", ctx.t(no))]


def confirm_question(ctx: Ctx, text: str, state: str) -> Choices:
    """A summary with Send / Cancel buttons."""
    return ask(text, state, confirm_options(ctx))


def confirm_answer(ctx: Ctx, given: UserInput, command: object | None) -> Step:
    """Finish with `command` on Send (None: not ready, ask again), or say it was cancelled."""
    if given.choice == "no":
        return finish(Text(ctx.t("core.cancelled")))
    if given.choice != "yes" or command is None:
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(command,))


class PersonView(Protocol):
    """A colleague as a directory search shows them."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def office_name(self) -> str: ...


def person_matches(found: Iterable[PersonView]) -> list[tuple[int, str]]:
    """People a typed name found, as (id, "Name (Office)") choices: namesakes stay apart."""
    return [(p.id, f"{p.name} ({p.office_name})") for p in found]


def picked_person(matches: list[tuple[int, str]], given: UserInput) -> tuple[int, str] | None:
    """The (id, name) of the pressed one of `matches`, or None."""
    for employee_id, label in matches:
        if str(employee_id) == given.choice:
            return employee_id, label.rsplit(" (", 1)[0]
    return None
