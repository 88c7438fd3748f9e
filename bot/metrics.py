"""Prometheus metrics: counters the running parts move, gauges read from the database at scrape.

Each `App` has its own `CollectorRegistry` (never the process-global one), so two apps in one
process (tests, two instances) keep their figures apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.held import OPENER_KIND
from storage.models import OutboxMessage, OutboxStatus, Reminder

log = logging.getLogger(__name__)

STEP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
QUEUED = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)
# canbot_outbox_messages{state}: held, opened (openers sent), delivered, failed, dropped.
_DONE = (OutboxStatus.SENT.value, OutboxStatus.DELIVERED.value, OutboxStatus.READ.value)
_STATES = {
    OutboxStatus.HELD.value: "held",
    OutboxStatus.FAILED.value: "failed",
    OutboxStatus.DROPPED.value: "dropped",
}


class Metrics:
    """The bot's metrics, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.inbound = Counter(
            "canbot_inbound_messages",
            "Messages and button presses received, per channel.",
            ["channel"],
            registry=self.registry,
        )
        self.step_seconds = Histogram(
            "canbot_step_seconds",
            "Time to process one inbound message (its whole transaction), per channel.",
            ["channel"],
            buckets=STEP_BUCKETS,
            registry=self.registry,
        )
        self.sent = Counter(
            "canbot_sent_messages",
            "Messages the platform accepted, per channel.",
            ["channel"],
            registry=self.registry,
        )
        self.send_failures = Counter(
            "canbot_send_failures",
            "Failed send attempts, per channel; permanent=true when the message was given up.",
            ["channel", "permanent"],
            registry=self.registry,
        )

    def watch(
        self,
        sessions: Callable[[], sessionmaker[Session]],
        clock: Callable[[], datetime],
        interval_seconds: int,
    ) -> None:
        """Add the gauges read from the application's database at each scrape."""
        self.registry.register(DatabaseGauges(sessions, clock, interval_seconds))

    def step(self, channel: str, seconds: float) -> None:
        """One inbound message was processed in `seconds`."""
        self.inbound.labels(channel).inc()
        self.step_seconds.labels(channel).observe(seconds)

    def failure(self, channel: str, *, permanent: bool) -> None:
        """A send attempt failed."""
        self.send_failures.labels(channel, "true" if permanent else "false").inc()

    def exposition(self) -> bytes:
        """The text format of every metric (reads the database: call it off the event loop)."""
        return generate_latest(self.registry)


class DatabaseGauges(Collector):
    """Outbox depth and reminders due/late, counted in the database when scraped."""

    def __init__(
        self,
        sessions: Callable[[], sessionmaker[Session]],
        clock: Callable[[], datetime],
        interval_seconds: int,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.late_after = timedelta(seconds=3 * interval_seconds)

    def describe(self) -> Iterable[Metric]:
        """The families, without reading the database (at registration)."""
        return list(self._families())

    def collect(self) -> Iterator[Metric]:
        """Count now."""
        depth, due, late, up, states = self._families()
        try:
            with self.sessions()() as session:
                now = self.clock()
                rows = session.execute(
                    select(OutboxMessage.channel, OutboxMessage.kind, func.count())
                    .where(OutboxMessage.status.in_(QUEUED))
                    .group_by(OutboxMessage.channel, OutboxMessage.kind)
                    .order_by(OutboxMessage.channel, OutboxMessage.kind)
                ).all()
                for channel, kind, count in rows:
                    depth.add_metric([channel, kind], count)
                by_state: dict[tuple[str, str], int] = {}
                for channel, status, kind, count in session.execute(
                    select(
                        OutboxMessage.channel,
                        OutboxMessage.status,
                        OutboxMessage.kind,
                        func.count(),
                    )
                    .where(OutboxMessage.status.in_((*_DONE, *_STATES)))
                    .group_by(OutboxMessage.channel, OutboxMessage.status, OutboxMessage.kind)
                ).all():
                    opened = kind == OPENER_KIND
                    state = ("opened" if opened else "delivered") if status in _DONE else None
                    key = (channel, state or _STATES[status])
                    by_state[key] = by_state.get(key, 0) + count
                for (channel, state), count in sorted(by_state.items()):
                    states.add_metric([channel, state], count)
                open_ = (
                    select(func.count()).select_from(Reminder).where(Reminder.done_at.is_(None))
                )
                due.add_metric([], session.scalar(open_.where(Reminder.due_at <= now)) or 0)
                late.add_metric(
                    [], session.scalar(open_.where(Reminder.due_at <= now - self.late_after)) or 0
                )
            up.add_metric([], 1)
        except Exception as exc:  # a scrape must still answer while the database is away
            log.warning("metrics could not read the database: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        yield from (depth, due, late, up, states)

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, ...]:
        return (
            GaugeMetricFamily(
                "canbot_outbox_depth",
                "Messages queued or being sent, per channel and kind.",
                labels=["channel", "kind"],
            ),
            GaugeMetricFamily("canbot_reminders_due", "Reminders due now and not yet done."),
            GaugeMetricFamily(
                "canbot_reminders_late",
                "Reminders due more than three scheduler intervals ago and not yet done.",
            ),
            GaugeMetricFamily(
                "canbot_metrics_database_up", "1 when the scrape could read the database."
            ),
            GaugeMetricFamily(
                "canbot_outbox_messages",
                "Outgoing messages by state: held (WhatsApp, waiting to be opened), opened "
                "(openers sent), delivered, failed, dropped (held past their moment).",
                labels=["channel", "state"],
            ),
        )
