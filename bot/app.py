"""The composition root: settings, database, calendar, catalog, features and channels.

Tests, `chat` and `run` all assemble the application here; tests hand in a clock, an engine
or a channel set of their own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkCalendar, utcnow
from bot.config import Settings, load_settings
from bot.i18n import Catalog
from bot.messages import Channel
from bot.metrics import Metrics
from bot.registry import Registry
from storage.db import make_engine, make_session_factory, migrate
from storage.models import ExtraHoliday


@dataclass
class App:
    """Everything a request needs, built once."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    calendar: WorkCalendar
    catalog: Catalog
    registry: Registry
    clock: Callable[[], datetime]
    channels: frozenset[Channel]
    # Wakes the sender when dispatch queued something (set by the running sender).
    on_queued: Callable[[], None] = field(default=lambda: None)
    metrics: Metrics = field(default_factory=Metrics)
    _calendar_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.metrics.watch(self)

    def reload_calendar(self) -> None:
        """Re-read the dates admins added."""
        with self.sessions() as session:
            extra = [(row.day, row.name) for row in session.scalars(select(ExtraHoliday))]
        with self._calendar_lock:
            self.calendar = WorkCalendar(extra)


def enabled_channels(settings: Settings) -> frozenset[Channel]:
    """The channels whose settings are present; the console when there are none."""
    channels = set()
    if settings.telegram_enabled:
        channels.add(Channel.TELEGRAM)
    if settings.whatsapp_enabled:
        channels.add(Channel.WHATSAPP)
    return frozenset(channels or {Channel.CONSOLE})


def build_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    clock: Callable[[], datetime] = utcnow,
    channels: Iterable[Channel] | None = None,
    run_migrations: bool = True,
) -> App:
    """Assemble the application (migrating the database unless told not to)."""
    from bot.features import build_registry

    settings = settings or load_settings()
    engine = engine or make_engine(settings.database_url)
    if run_migrations:
        migrate(engine)
    app = App(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        calendar=WorkCalendar(),
        catalog=Catalog.load(),
        registry=build_registry(),
        clock=clock,
        channels=frozenset(channels) if channels is not None else enabled_channels(settings),
    )
    app.reload_calendar()
    return app
