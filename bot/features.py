"""The features of the bot, each registering its flows, commands, actions and due work."""

from __future__ import annotations

from collections.abc import Callable

from bot.registry import Registry
from bot.services import core, directory_chat, event_team, failed, pegasus, reports, serawai

FEATURES: list[Callable[[Registry], None]] = [
    core.register,
    directory_chat.register,
    event_team.register,
    pegasus.register,
    serawai.register,
    reports.register,
    failed.register,
]


def build_registry() -> Registry:
    """A registry with every feature in it."""
    registry = Registry()
    for register in FEATURES:
        register(registry)
    return registry
