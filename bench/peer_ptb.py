"""The Telegram peer: what someone would build instead of CAN Bot's step, for the same flow.

A python-telegram-bot `ConversationHandler` (entry `/bahasa`, one state answered by `1`)
whose every step, in one SQLAlchemy ORM transaction on SQLite, loads the user by Telegram id,
updates the user's conversation row (state, data, a version), records the update (its id
unique, so a redelivery is skipped) and queues the reply in an outbox table; the reply is sent
by someone else, as CAN Bot's outbox is. The step runs in the handler itself, as such bots
usually do. Its own tables in its own file; the same application settings as CAN Bot's
(`bot.handlers.telegram.ChatOrderedProcessor`: 16 chats at once, each chat in order), so
the two differ only in the step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.handlers.telegram import CONCURRENT_UPDATES, ChatOrderedProcessor

CHOOSING = 1
LANGUAGES = {"1": "id", "2": "en"}


class Base(DeclarativeBase):
    """The peer's own tables."""


class PeerUser(Base):
    """A user, found by Telegram id."""

    __tablename__ = "peer_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="id")
    active: Mapped[bool] = mapped_column(default=True)


class PeerConversation(Base):
    """Where a user is in the flow, saved with a version."""

    __tablename__ = "peer_conversations"
    user_id: Mapped[int] = mapped_column(ForeignKey("peer_users.id"), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]
    __mapper_args__ = {"version_id_col": version}


class PeerUpdate(Base):
    """Every update handled, once."""

    __tablename__ = "peer_updates"
    update_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("peer_users.id"))
    received_at: Mapped[datetime]


class PeerOutbox(Base):
    """Replies to send."""

    __tablename__ = "peer_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(32), index=True)
    text: Mapped[str] = mapped_column(String(4096))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime]


def make_database(path: Path, people: int, first_telegram_id: int) -> Engine:
    """A fresh SQLite file (WAL, as CAN Bot's) with `people` users."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi: Any, _record: Any) -> None:
        dbapi.execute("PRAGMA journal_mode=WAL")
        dbapi.execute("PRAGMA synchronous=NORMAL")
        dbapi.execute("PRAGMA busy_timeout=30000")

    Base.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        session.add_all(
            PeerUser(telegram_id=str(first_telegram_id + i), name=f"Pegawai Uji {i}")
            for i in range(people)
        )
    return engine


def build(
    settings: Settings, engine: Engine, handled: Callable[[], None]
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The peer's application; `handled` is called after each committed step."""
    sessions = sessionmaker(engine, expire_on_commit=False)

    def step(update: Update, state: str | None, reply: str, language: str | None = None) -> None:
        assert update.effective_user is not None
        assert update.effective_chat is not None
        now = datetime.now(UTC)
        with sessions() as session, session.begin():
            user = session.scalar(
                select(PeerUser).where(
                    PeerUser.telegram_id == str(update.effective_user.id), PeerUser.active
                )
            )
            if user is None:
                return
            conversation = session.get(PeerConversation, user.id)
            if conversation is None:
                conversation = PeerConversation(user_id=user.id, data={}, updated_at=now)
                session.add(conversation)
            conversation.state = state
            conversation.data = {"step": state, "at": now.isoformat()}
            conversation.updated_at = now
            if language is not None:
                user.language = language
            session.add(PeerUpdate(update_id=update.update_id, user_id=user.id, received_at=now))
            session.add(
                PeerOutbox(chat_id=str(update.effective_chat.id), text=reply, created_at=now)
            )
            # A redelivered update breaks the key of peer_updates: the step commits nothing.
        handled()

    async def start(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> int:
        step(update, "choosing", "Pilih bahasa:\n1. Bahasa Indonesia\n2. English")
        return CHOOSING

    async def choose(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None
        language = LANGUAGES.get((update.message.text or "").strip())
        if language is None:
            step(update, "choosing", "Mohon pilih 1 atau 2.")
            return CHOOSING
        step(update, None, "Bahasa disimpan.", language)
        return ConversationHandler.END

    assert settings.telegram_bot_token is not None
    application = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .job_queue(None)
        .concurrent_updates(ChatOrderedProcessor(CONCURRENT_UPDATES))
        .build()
    )
    application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("bahasa", start)],
            states={CHOOSING: [MessageHandler(filters.TEXT & ~filters.COMMAND, choose)]},
            fallbacks=[CommandHandler("bahasa", start)],
        )
    )
    return application
