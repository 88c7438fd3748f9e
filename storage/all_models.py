"""Imports every model module so the metadata knows every table (for Alembic)."""

from storage import (
    models,  # noqa: F401
    serawai,  # noqa: F401
)
