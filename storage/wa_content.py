"""WhatsApp content the bot created through Twilio's Content API, kept by what it shows.

The same question with the same buttons reuses one ContentSid, across restarts and senders.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base


class WhatsAppContent(Base):
    """One Content API resource (quick reply or list picker), by a hash of its content."""

    __tablename__ = "whatsapp_contents"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_sid: Mapped[str] = mapped_column(String(34))
    created_at: Mapped[datetime]


def content_sid(session: Session, key: str) -> str | None:
    """The ContentSid created for `key`, or None when there is none yet."""
    row = session.get(WhatsAppContent, key)
    return row.content_sid if row is not None else None


def remember_content(session: Session, key: str, sid: str, at: datetime) -> str:
    """Keep `sid` for `key` unless another sender kept one first; return the one kept."""
    postgres = session.get_bind().dialect.name == "postgresql"
    insert = (postgresql_insert if postgres else sqlite_insert)(WhatsAppContent)
    session.execute(
        insert.values(key=key, content_sid=sid, created_at=at).on_conflict_do_nothing(
            index_elements=["key"]
        )
    )
    return content_sid(session, key) or sid


def forget_content(session: Session, key: str) -> None:
    """Drop the ContentSid kept for `key`."""
    session.execute(delete(WhatsAppContent).where(WhatsAppContent.key == key))
