"""`/petugas` (PJ, SOP-330 step 1): who is in the rotation: a whole community, or one person."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.flows.base import (
    Ctx,
    Flow,
    FlowData,
    State,
    Step,
    UserInput,
    ask,
    finish,
    goto,
    picked_person,
    retry,
)
from bot.flows.pegasus.common import RosterLookup, matches_of, number, person_prompt
from bot.flows.pegasus.rules import PJ
from bot.messages import Reply, Text


class PoolState(StrEnum):
    """Questions of the pool flow."""

    ACTION = "action"
    COMMUNITY = "community"
    PERSON = "person"
    PICK = "pick"


class PoolData(FlowData):
    """What the PJ is doing to the pool."""

    mode: str = ""  # add | remove
    communities: list[str] = []
    matches: list[tuple[int, str]] = []


@dataclass(frozen=True)
class AddCommunity:
    """Domain command: put every active employee of a community in the pool."""

    community: str


@dataclass(frozen=True)
class AddToPool:
    """Domain command: put one employee in the pool."""

    employee_id: int


@dataclass(frozen=True)
class RemoveFromPool:
    """Domain command: take one employee out of the pool (their published turns stay)."""

    employee_id: int


def _pool_prompt(ctx: Ctx, _d: PoolData) -> list[Reply]:
    lookup: RosterLookup = ctx.lookup
    options: list[tuple[object, str]] = [
        ("community", ctx.t("pegasus.pool_by_community")),
        ("add", ctx.t("pegasus.pool_add")),
        ("remove", ctx.t("pegasus.pool_remove")),
        ("list", ctx.t("pegasus.pool_list")),
    ]
    return [ask(ctx.t("pegasus.pool_prompt", count=lookup.pool_size()), PoolState.ACTION, options)]


def _pool_action(ctx: Ctx, d: PoolData, given: UserInput) -> Step:
    lookup: RosterLookup = ctx.lookup
    if given.choice == "community":
        names = [name for name, _ in lookup.communities()]
        if not names:
            return retry(ctx.t("pegasus.pool_no_community"))
        return goto(PoolState.COMMUNITY, d.model_copy(update={"communities": names}))
    if given.choice in ("add", "remove"):
        return goto(PoolState.PERSON, d.model_copy(update={"mode": given.choice}))
    if given.choice == "list":
        lines = lookup.pool_lines()
        if not lines:
            return finish(Text(ctx.t("pegasus.pool_empty")))
        return finish(
            Text(ctx.t("pegasus.pool_listing", count=len(lines), lines="\n".join(lines)))
        )
    return retry(ctx.t("core.choose_from_buttons"))


def _community_prompt(ctx: Ctx, d: PoolData) -> list[Reply]:
    lookup: RosterLookup = ctx.lookup
    counts = dict(lookup.communities())
    options: list[tuple[object, str]] = [
        (index, f"{name} ({counts.get(name, 0)})") for index, name in enumerate(d.communities)
    ]
    return [ask(ctx.t("pegasus.pool_community_prompt"), PoolState.COMMUNITY, options)]


def _community(ctx: Ctx, d: PoolData, given: UserInput) -> Step:
    index = number(given, 0, len(d.communities) - 1) if given.choice else None
    if index is None:
        return retry(ctx.t("core.choose_from_buttons"))
    return finish(commands=(AddCommunity(d.communities[index]),))


def _person(ctx: Ctx, d: PoolData, given: UserInput) -> Step:
    matches = matches_of(ctx, given, pool_only=d.mode == "remove")
    if isinstance(matches, Step):
        return matches
    return goto(PoolState.PICK, d.model_copy(update={"matches": matches}))


def _pick_prompt(ctx: Ctx, d: PoolData) -> list[Reply]:
    return [ask(ctx.t("pegasus.person_pick"), PoolState.PICK, list(d.matches))]


def _pick(ctx: Ctx, d: PoolData, given: UserInput) -> Step:
    chosen = picked_person(d.matches, given)
    if chosen is None:
        return retry(ctx.t("core.choose_from_buttons"))
    command = RemoveFromPool(chosen[0]) if d.mode == "remove" else AddToPool(chosen[0])
    return finish(commands=(command,))


POOL_FLOW = Flow(
    name="pegasus_petugas",
    data_model=PoolData,
    states={
        PoolState.ACTION: State(_pool_prompt, _pool_action),
        PoolState.COMMUNITY: State(_community_prompt, _community),
        PoolState.PERSON: State(person_prompt, _person),
        PoolState.PICK: State(_pick_prompt, _pick),
    },
    start=PoolState.ACTION,
    roles=PJ,
)
