"""What the features plug in: flows, commands, menu entries, buttons, due work.

Each feature module has a `register(reg)` function; `bot.features.FEATURES` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from bot.buttons import Button
from bot.messages import Reply
from bot.services.context import UserError

if TYPE_CHECKING:
    from bot.flows.base import Flow, FlowData
    from bot.payload import Payload
    from bot.services.context import ServiceCtx
    from storage.models import Reminder


@dataclass
class Outcome:
    """What a command or a button action did: replies to the presser, maybe a flow to start."""

    replies: list[Reply] = field(default_factory=list)
    start_flow: str | None = None
    flow_data: FlowData | None = None


CommandHandler = Callable[["ServiceCtx", str], Outcome]  # (ctx, argument text)
B = TypeVar("B", bound=Button)
ButtonHandler = Callable[["ServiceCtx", B], Outcome]
DomainHandler = Callable[["ServiceCtx", Any], list[Reply]]
ReminderHandler = Callable[["ServiceCtx", "Reminder", int], bool]  # (ctx, row, overdue) -> sent?
RecurringHandler = Callable[["ServiceCtx"], None]  # schedules (by unique key) what must exist


@dataclass(frozen=True)
class Command:
    """A slash command: starts a flow or runs a handler."""

    name: str  # without the slash
    description_key: str  # catalog key, for the menu and Telegram's command list
    roles: frozenset[str] | None = None
    flow: str | None = None
    handler: CommandHandler | None = None
    in_menu: bool = True
    order: int = 50


@dataclass
class Registry:
    """Everything the features registered."""

    flows: dict[str, Flow[Any]] = field(default_factory=dict)
    commands: dict[str, Command] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    buttons: dict[type[Button], Callable[..., Outcome]] = field(default_factory=dict)
    malformed: dict[type[Button], str] = field(default_factory=dict)  # catalog key, by kind
    domain: dict[type, DomainHandler] = field(default_factory=dict)
    reminders: dict[str, ReminderHandler] = field(default_factory=dict)
    recurring: list[RecurringHandler] = field(default_factory=list)

    def flow(self, flow: Flow[Any]) -> None:
        """Add a flow."""
        self._unique(self.flows, flow.name)
        self.flows[flow.name] = flow

    def command(self, command: Command, *aliases: str) -> None:
        """Add a slash command, with other words that mean the same."""
        self._unique(self.commands, command.name)
        self.commands[command.name] = command
        for alias in aliases:
            self.aliases[alias] = command.name

    def button(
        self, kind: type[B], handler: ButtonHandler[B], *, malformed: str | None = None
    ) -> None:
        """Handle presses of one kind of button; `handler` gets the parsed button.

        `malformed` is the catalog key a payload of this kind's prefix and verb that does not
        parse (`srw:v:7`) is refused with; without it such a press is an unknown button.
        """
        self._unique(self.buttons, kind)
        same = [k for k in self.buttons if k.prefix == kind.prefix]
        if any(k.verb is None or kind.verb is None or k.verb == kind.verb for k in same):
            raise ValueError(f"button {kind.__name__} overlaps another on {kind.prefix!r}")
        self.buttons[kind] = handler
        if malformed is not None:
            self.malformed[kind] = malformed

    @property
    def prefixes(self) -> frozenset[str]:
        """The wire prefixes of every registered kind of button."""
        return frozenset(kind.prefix for kind in self.buttons)

    def press(self, ctx: ServiceCtx, payload: Payload) -> Outcome | None:
        """Carry out a press: the handler of the kind `payload` parses as, or None for none.

        A payload of a kind registered with `malformed` that does not parse is refused
        (UserError) with that sentence.
        """
        for kind, handler in self.buttons.items():
            if kind.prefix == payload.prefix and (pressed := kind.parse(payload)) is not None:
                return handler(ctx, pressed)
        for kind, key in self.malformed.items():
            if kind.prefix == payload.prefix and kind.verb in (None, payload.part(0)):
                raise UserError(ctx.t(key))
        return None

    def handles(self, command_type: type, handler: DomainHandler) -> None:
        """Carry out the domain commands of one type that flows return."""
        self._unique(self.domain, command_type)
        self.domain[command_type] = handler

    def reminder(self, kind: str, handler: ReminderHandler) -> None:
        """Carry out due reminders of one kind."""
        self._unique(self.reminders, kind)
        self.reminders[kind] = handler

    def keep_scheduled(self, handler: RecurringHandler) -> None:
        """Make sure some recurring due work exists: `handler` runs before each scheduler tick."""
        self.recurring.append(handler)

    @staticmethod
    def _unique(table: dict[Any, Any], key: object) -> None:
        if key in table:
            raise ValueError(f"registered twice: {key!r}")
