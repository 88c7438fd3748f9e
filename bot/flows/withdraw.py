"""Taking back something one recorded earlier: pick it from a list, confirm, done.

Used where a person marked dates they are away and needs a way back (Event Team
`/tersedia`, Pegasus `/batalcuti`). The list is read when the command starts the flow and
kept in the flow's data; the service re-checks every chosen entry against the database when
the command is carried out, so an entry removed meanwhile is refused, not removed twice.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from bot.flows.base import (
    Ctx,
    Flow,
    FlowData,
    State,
    Step,
    UserInput,
    ask,
    confirm_answer,
    confirm_question,
    goto,
    retry,
)
from bot.messages import Reply

ALL = "*"  # the option that picks every entry
MAX_SHOWN = 10  # a WhatsApp list holds ten rows; the command shows the nearest ten


class WithdrawState(StrEnum):
    """The two questions."""

    PICK = "pick"
    CONFIRM = "confirm"


class WithdrawData(FlowData):
    """The entries offered (value, label) and the ones chosen."""

    items: list[tuple[str, str]] = []
    chosen: list[str] = []


def withdraw_flow(
    name: str,
    *,
    question: str,
    confirm: str,
    command: Callable[[tuple[str, ...]], object],
    roles: frozenset[str] | None = None,
) -> Flow[WithdrawData]:
    """A flow asking which of `items` to take back (catalog keys `question`, `confirm`
    with {entries}), then finishing with `command(chosen values)`."""

    def pick_prompt(ctx: Ctx, d: WithdrawData) -> list[Reply]:
        options: list[tuple[object, str]] = list(d.items)
        if len(d.items) > 1:
            options.append((ALL, ctx.t("core.withdraw_all", count=len(d.items))))
        return [ask(ctx.t(question), WithdrawState.PICK, options)]

    def pick(ctx: Ctx, d: WithdrawData, given: UserInput) -> Step:
        values = [value for value, _ in d.items]
        if given.choice == ALL:
            chosen = values
        elif given.choice in values:
            chosen = [given.choice]
        else:
            return retry(ctx.t("core.choose_from_buttons"))
        return goto(WithdrawState.CONFIRM, d.model_copy(update={"chosen": chosen}))

    def confirm_prompt(ctx: Ctx, d: WithdrawData) -> list[Reply]:
        labels = dict(d.items)
        entries = "\n".join(f"• {labels[value]}" for value in d.chosen if value in labels)
        return [confirm_question(ctx, ctx.t(confirm, entries=entries), WithdrawState.CONFIRM)]

    def confirmed(ctx: Ctx, d: WithdrawData, given: UserInput) -> Step:
        return confirm_answer(ctx, given, command(tuple(d.chosen)) if d.chosen else None)

    return Flow(
        name=name,
        data_model=WithdrawData,
        states={
            WithdrawState.PICK: State(pick_prompt, pick),
            WithdrawState.CONFIRM: State(confirm_prompt, confirmed),
        },
        start=WithdrawState.PICK,
        roles=roles,
    )
