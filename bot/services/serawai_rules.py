"""Former home of Serawai's rules: re-exports for importers not yet moved (bench/scale.py).
New code imports `bot.flows.serawai.rules`; delete this module once nothing imports it."""

from bot.flows.serawai.rules import rank_themes

__all__ = ["rank_themes"]
