"""Due work is carried out once: across restarts, two schedulers, and downtime."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from bot.messages import Text
from bot.services.context import ServiceCtx
from bot.tick import tick
from storage.db import transaction
from storage.models import OutboxMessage, Reminder
from tests.support import Clock


def _register_ping(app: App) -> None:
    def ping(ctx: ServiceCtx, row: Reminder, overdue: int) -> bool:
        assert row.employee_id is not None
        left = (row.not_after - ctx.now).days if row.not_after else None
        ctx.notify(
            row.employee_id,
            [Text(f"ping {row.key} overdue={overdue} left={left}")],
            kind="reminder",
            key=f"rem:{row.key}",
        )
        return True

    app.registry.reminder("test.ping", ping)


def _schedule(app: App, key: str, due_in: timedelta, **kwargs: object) -> None:
    with transaction(app.sessions) as session:
        ctx = ServiceCtx(env=app.env, session=session, now=app.clock())
        ctx.schedule(key, "test.ping", app.clock() + due_in, employee_id=1, **kwargs)  # type: ignore[arg-type]


def _sent(app: App) -> list[str]:
    with app.sessions() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [r.payload["text"] for r in rows]


def test_scheduling_twice_with_one_key_keeps_one(app: App) -> None:
    _register_ping(app)
    _schedule(app, "a", timedelta(hours=1))
    _schedule(app, "a", timedelta(hours=2))
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Reminder)) == 1


def test_nothing_before_its_time_then_exactly_once(app: App, clock: Clock) -> None:
    _register_ping(app)
    _schedule(app, "a", timedelta(hours=1))
    assert tick(app).sent == 0
    clock.advance(hours=1)
    assert tick(app).sent == 1
    assert tick(app).sent == 0
    clock.advance(days=3)
    assert tick(app).sent == 0
    assert len(_sent(app)) == 1


def test_two_tick_loops_racing_send_each_reminder_once(app: App, clock: Clock) -> None:
    _register_ping(app)
    for i in range(40):
        _schedule(app, f"r{i}", timedelta(minutes=i % 5))
    clock.advance(hours=1)
    barrier = threading.Barrier(2)
    reports = []

    def loop() -> None:
        barrier.wait()
        for _ in range(3):
            reports.append(tick(app))

    threads = [threading.Thread(target=loop) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in reports) == 40
    texts = _sent(app)
    assert len(texts) == 40
    assert len(set(texts)) == 40


def test_overdue_reminders_of_one_group_collapse_into_one(app: App, clock: Clock) -> None:
    _register_ping(app)
    not_after = clock() + timedelta(days=5)
    _schedule(app, "h5", timedelta(days=0), group_key="duty:1", not_after=not_after)
    _schedule(app, "h3", timedelta(days=2), group_key="duty:1", not_after=not_after)
    clock.advance(days=2, hours=1)  # the scheduler was down over both
    report = tick(app)
    assert (report.sent, report.collapsed) == (1, 1)
    assert _sent(app) == ["ping h3 overdue=1 left=2"]


def test_reminders_whose_moment_passed_are_skipped_and_logged(app: App, clock: Clock) -> None:
    _register_ping(app)
    _schedule(
        app, "late", timedelta(hours=1), group_key="duty:2", not_after=clock() + timedelta(hours=2)
    )
    clock.advance(days=1)
    report = tick(app)
    assert (report.sent, report.past) == (0, 1)
    assert _sent(app) == []
    with app.sessions() as session:
        row = session.scalars(select(Reminder)).one()
        assert row.outcome == "past"


def test_cancelled_reminders_are_not_sent(app: App, clock: Clock) -> None:
    _register_ping(app)
    _schedule(app, "event:1:h1", timedelta(hours=1))
    _schedule(app, "event:1:h2", timedelta(hours=2))
    _schedule(app, "event:10:h1", timedelta(hours=1))
    with transaction(app.sessions) as session:
        ctx = ServiceCtx(env=app.env, session=session, now=clock())
        assert ctx.cancel_reminders("event:1:") == 2
    clock.advance(hours=3)
    assert tick(app).sent == 1
