"""Alembic environment: uses the engine handed in by storage.db.migrate, or DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import storage.all_models  # noqa: F401  (registers every table on the metadata)
from storage.base import Base

target_metadata = Base.metadata


def _engine() -> Engine:
    given = context.config.attributes.get("engine")
    if given is not None:
        return given  # type: ignore[no-any-return]
    from bot.config import load_settings
    from storage.db import make_engine

    return make_engine(load_settings().database_url)


def run_migrations_online() -> None:
    """Run migrations on a live connection."""
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
