"""Heartbeats: when a background part (the scheduler) last did its work, for readiness."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base


class Heartbeat(Base):
    """The last time a named part ran (one row per part; instances share it)."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    at: Mapped[datetime]


def beat(session: Session, name: str, at: datetime) -> None:
    """Record that `name` ran at `at` (one UPSERT)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    insert = (postgresql_insert if postgres else sqlite_insert)(Heartbeat)
    session.execute(
        insert.values(name=name, at=at).on_conflict_do_update(
            index_elements=["name"], set_={"at": at}
        )
    )


def last_beat(session: Session, name: str) -> datetime | None:
    """When `name` last ran, or None when it never did."""
    row = session.get(Heartbeat, name)
    return row.at if row is not None else None
