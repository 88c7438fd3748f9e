"""Who sees which slash commands: /bantuan's list and each person's Telegram command menu.

Telegram shows a menu of commands beside the text field. Each linked person gets their own
(`BotCommandScopeChat`), in their language, holding the commands their roles allow: set when
they link their account and again when their roles or language change. Private chats of
people not linked yet see the commands for everyone; groups see none.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot import outbox
from bot.markup import plain
from bot.messages import Channel, CommandMenu
from bot.services import directory
from bot.services.context import CommandView, ServiceCtx
from storage.models import Employee


def allowed(commands: Iterable[CommandView], roles: frozenset[str]) -> list[CommandView]:
    """The commands a person with `roles` may use, in menu order."""
    return [
        c
        for c in sorted(commands, key=lambda c: (c.order, c.name))
        if c.roles is None or "admin" in roles or bool(c.roles & roles)
    ]


def menu_for(ctx: ServiceCtx, roles: frozenset[str], language: str) -> CommandMenu:
    """The Telegram command menu of someone with `roles`, worded in `language`."""
    return CommandMenu(
        tuple(
            (c.name, plain(ctx.catalog.t(c.description_key, language))[:256])
            for c in allowed(ctx.commands.values(), roles)
        )
    )


def refresh_menu(ctx: ServiceCtx, employee: Employee, roles: frozenset[str] | None = None) -> None:
    """Queue this person's Telegram command menu, in this transaction (Telegram users only).

    `roles` are theirs as read in this transaction (the actor's own, say); else read here.
    """
    if Channel.TELEGRAM not in ctx.env.channels or not employee.telegram_id:
        return
    if roles is None:
        roles = directory.actor_of(ctx.session, employee).roles
    outbox.put(
        ctx.session,
        channel=Channel.TELEGRAM,
        recipient=employee.telegram_id,
        replies=[menu_for(ctx, roles, employee.language)],
        now=ctx.now,
        employee_id=employee.id,
        kind="commands",
    )
