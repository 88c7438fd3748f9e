"""Imports every model module so the metadata knows every table (for Alembic)."""

from storage import event_team, health, models, ops, pegasus, serawai, wa_content  # noqa: F401
