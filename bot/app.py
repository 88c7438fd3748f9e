"""The composition root: settings, database, calendar, catalog, features and channels.

Tests, `chat` and `run` all assemble the application here; tests hand in a clock, an engine
or a channel set of their own. What runs the application (server, handlers, sender, dispatch,
tick) holds the `App`; the services below get only its `ServiceEnv`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import LiveCalendar, WorkCalendar, utcnow
from bot.config import Settings, load_settings
from bot.i18n import Catalog
from bot.messages import Channel
from bot.metrics import Metrics
from bot.registry import Registry
from bot.services.context import ServiceEnv
from storage.db import make_engine, make_session_factory, migrate
from storage.models import ExtraHoliday


@dataclass
class App:
    """Everything a request needs, built once."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    live_calendar: LiveCalendar
    catalog: Catalog
    registry: Registry
    clock: Callable[[], datetime]
    channels: frozenset[Channel]
    # Wakes the sender when dispatch queued something (set by the running sender).
    on_queued: Callable[[], None] = field(default=lambda: None)
    metrics: Metrics = field(default_factory=Metrics)

    @property
    def env(self) -> ServiceEnv:
        """What services may see of the application (built on each call: tests swap parts)."""
        return ServiceEnv(
            settings=self.settings,
            catalog=self.catalog,
            channels=self.channels,
            commands=self.registry.commands,
            live_calendar=self.live_calendar,
        )

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar as it is now."""
        return self.live_calendar.current

    def __post_init__(self) -> None:
        self.metrics.watch(
            lambda: self.sessions, self.clock, self.settings.scheduler_interval_seconds
        )

    def reload_calendar(self) -> None:
        """Re-read the dates admins added."""
        self.live_calendar.reload()


def _extra_holidays(sessions: sessionmaker[Session]) -> Callable[[], list[tuple[date, str]]]:
    def load() -> list[tuple[date, str]]:
        with sessions() as session:
            return [(row.day, row.name) for row in session.scalars(select(ExtraHoliday))]

    return load


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
    sessions = make_session_factory(engine)
    app = App(
        settings=settings,
        engine=engine,
        sessions=sessions,
        live_calendar=LiveCalendar(_extra_holidays(sessions)),
        catalog=Catalog.load(),
        registry=build_registry(),
        clock=clock,
        channels=frozenset(channels) if channels is not None else enabled_channels(settings),
    )
    app.reload_calendar()
    return app
