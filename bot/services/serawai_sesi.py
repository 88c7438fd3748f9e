"""Former home of the Serawai session services: re-exports for importers not yet moved
(bot/services/reports_gather.py). New code imports `bot.services.serawai.ratings` and
`bot.services.serawai.reports`; delete this module once nothing imports it."""

from bot.services.serawai.ratings import best_of
from bot.services.serawai.reports import report_view

__all__ = ["best_of", "report_view"]
