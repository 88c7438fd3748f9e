"""Imports every model module so the metadata knows every table (for Alembic)."""

from storage import event_team, health, models, pegasus, serawai  # noqa: F401
