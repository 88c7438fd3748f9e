"""Former home of the Serawai certificate services: re-exports for importers not yet moved
(bot/web/verify.py). New code imports `bot.services.serawai.certificates`; delete this module
once nothing imports it."""

from bot.services.serawai.certificates import Verification, long_date, verify

__all__ = ["Verification", "long_date", "verify"]
