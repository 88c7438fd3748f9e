"""The fast flow tier: each flow's handlers called directly, with no database and no channel.

A table is a list of `Row`s: from a state, with some flow data and an input, the flow goes to
a next state, says some catalog texts and returns some domain commands. `play` runs one row the
way dispatch would (the handler, then the next state's prompt) and `check` compares the result
with what the row expects. Flows see the database only through `ctx.lookup`; a row gives a fake
lookup (any object with the methods the flow calls, e.g. `fake(search=lambda q: [...])`).

    Row("reason", "Sakit", None, does=("DeclineAssignment",), data={"assignment_id": 3})

`then` is the next state's value, `SAME` when the flow asks again (a retry), None when the
flow ends. `says` are catalog keys that must have been rendered in the step (by the handler
or by the next prompt). `does` are the class names of the domain commands, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from bot.calendar import WorkCalendar
from bot.config import Settings
from bot.features import build_registry
from bot.flows.base import Actor, Ctx, Flow, Step, UserInput
from bot.i18n import Catalog
from bot.messages import Choices, Media, Reply, Text
from bot.registry import Registry

SAME = "<same>"
NOW = datetime(2026, 3, 25, 2, 0, tzinfo=UTC)  # Wednesday 25 March 2026, 09:00 WIB

_registry: Registry | None = None
_catalog: Catalog | None = None


def registry() -> Registry:
    """Every feature's flows, registered once per test process."""
    global _registry
    if _registry is None:
        _registry = build_registry()
    return _registry


def catalog() -> Catalog:
    """The real message catalog."""
    global _catalog
    if _catalog is None:
        _catalog = Catalog.load()
    return _catalog


def flow(name: str) -> Flow[Any]:
    """A registered flow by its stored name."""
    return registry().flows[name]


def fake(**methods: Any) -> SimpleNamespace:
    """A lookup with the given methods (or values)."""
    return SimpleNamespace(**methods)


@dataclass(frozen=True)
class Press:
    """A pressed (or typed-and-matched) option: the choice's value."""

    value: str


@dataclass(frozen=True)
class Files:
    """Files sent (photos or documents)."""

    media: tuple[Media, ...]
    text: str | None = None


Given = str | Press | Files


def actor(*roles: str, language: str = "id") -> Actor:
    """An employee of the province office holding `roles`."""
    return Actor(
        id=1,
        nip="198001012005011001",
        name="Andi Pratama",
        office_id=1,
        office_code="1700",
        office_name="BPS Provinsi Bengkulu",
        language=language,
        roles=frozenset(roles),
        ca_office_ids=frozenset({1}) if "ca" in roles else frozenset(),
    )


@dataclass(frozen=True)
class Row:
    """One case: (state, data, input) → (next state, texts said, commands)."""

    state: str
    given: Given
    then: str | None
    says: tuple[str, ...] = ()
    does: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    lookup: Any = None
    roles: tuple[str, ...] = ()
    now: datetime = NOW
    why: str = ""  # what the row shows, for the test id

    def id(self) -> str:
        """A readable test id."""
        shown = self.given if isinstance(self.given, str) else repr(self.given)
        return f"{self.state}:{shown[:30]}" + (f" ({self.why})" if self.why else "")


@dataclass
class Played:
    """What one row did."""

    step: Step
    next_state: str | None  # None: finished; the state's own name on a retry
    keys: list[str]  # catalog keys rendered, in order
    replies: list[Reply]
    commands: list[object]


def _input(given: Given) -> UserInput:
    if isinstance(given, Press):
        return UserInput(choice=given.value)
    if isinstance(given, Files):
        return UserInput(text=given.text, media=given.media)
    return UserInput(text=given)


def play(flow_: Flow[Any], row: Row, settings: Settings | None = None) -> Played:
    """Run one row the way dispatch does: the handler, then the next state's prompt."""
    keys: list[str] = []
    base = catalog().translator(actor(*row.roles).language)

    def t(key: str, /, **values: Any) -> str:
        keys.append(key)
        return base(key, **values)

    ctx = Ctx(
        now=row.now,
        actor=actor(*row.roles),
        calendar=WorkCalendar(),
        t=t,
        lookup=row.lookup,
        settings=settings or Settings(_env_file=None),
    )
    if row.state not in flow_.states:
        raise AssertionError(f"{flow_.name} has no state {row.state!r}")
    data = flow_.data_model.model_validate(row.data)
    step = flow_.states[row.state].handle(ctx, data, _input(row.given))
    replies = list(step.replies)
    if step.next_state is None:
        target: str | None = None
    else:
        target = row.state if step.next_state in ("", row.state) else step.next_state
        if target not in flow_.states:
            raise AssertionError(f"{flow_.name} went to unknown state {target!r}")
        if step.prompt:
            new_data = step.data if step.data is not None else data
            replies.extend(flow_.states[target].prompt(ctx, new_data))
    return Played(step, target, keys, replies, list(step.commands))


def texts(replies: Iterable[Reply]) -> list[str]:
    """The visible text of replies (questions included)."""
    out: list[str] = []
    for reply in replies:
        if isinstance(reply, Text | Choices):
            out.append(reply.text)
    return out


def check(flow_: Flow[Any], row: Row, settings: Settings | None = None) -> Played:
    """Play `row` and assert it went where it says, said what it says, did what it says."""
    played = play(flow_, row, settings)
    expected = row.state if row.then == SAME else row.then
    assert played.next_state == expected, (
        f"{flow_.name}/{row.id()}: went to {played.next_state!r}, expected {expected!r}; "
        f"said {texts(played.replies)}"
    )
    missing = [k for k in row.says if k not in played.keys]
    assert not missing, f"{flow_.name}/{row.id()}: did not say {missing}; said {played.keys}"
    done = [type(c).__name__ for c in played.commands]
    assert done == list(row.does), f"{flow_.name}/{row.id()}: did {done}, expected {row.does}"
    return played


Table = dict[str, list[Row]]  # flow name → rows
Check = Callable[[Flow[Any], Row], Played]


def all_tables() -> Table:
    """Every `TABLE` of the `tests/quick/test_*.py` modules, merged; a flow in two is an error."""
    import importlib
    import pkgutil

    import tests.quick

    merged: Table = {}
    owner: dict[str, str] = {}
    for module in sorted(pkgutil.iter_modules(tests.quick.__path__), key=lambda m: m.name):
        if not module.name.startswith("test_"):
            continue
        name = f"tests.quick.{module.name}"
        table: Table = getattr(importlib.import_module(name), "TABLE", {})
        for flow_name, rows in table.items():
            if flow_name in owner:
                raise ValueError(f"flow {flow_name!r} has tables in {owner[flow_name]} and {name}")
            owner[flow_name] = name
            merged[flow_name] = list(rows)
    return merged


def params(table: Table) -> list[Any]:
    """pytest parameters, one per row: (flow name, row)."""
    import pytest

    return [
        pytest.param(name, row, id=f"{name}/{row.id()}")
        for name, rows in table.items()
        for row in rows
    ]
