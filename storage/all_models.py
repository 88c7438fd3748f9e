"""Imports every model module so the metadata knows every table (for Alembic)."""

from storage import event_team, models, ops, pegasus, serawai  # noqa: F401
