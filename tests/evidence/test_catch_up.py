"""The scheduler stopped for three days and restarted: the catch-up policy holds for every kind.

The kinds are read from the registry at collection time (`evidence.probe`, registered by
these tests, stands in while no feature has registered any), so kinds added later are
covered without touching this file:

- a reminder whose `not_after` passed while the scheduler was down is skipped and logged as
  `past`, whatever its kind: its handler is never called and nothing is sent;
- of the overdue reminders sharing a group, only the latest is carried out, once; the others
  are `collapsed`; a second tick does nothing more. With the features' real reminders, this
  runs on the database the exploration left (real records behind their arguments), and every
  message they send must be a catalog text, with nothing logged as an error.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.features import build_registry
from bot.messages import Text
from bot.services.context import ServiceCtx
from bot.tick import tick
from storage.db import transaction
from storage.models import Employee, OutboxMessage, Reminder
from tests.evidence.driver import ADMIN, Driver, ErrorTrap, copy_database, sqlite_app
from tests.evidence.explore import Exploration
from tests.support import Clock

PROBE = "evidence.probe"
KINDS = [*sorted(build_registry().reminders), PROBE]
DOWN = timedelta(days=3)


def _probe(ctx: ServiceCtx, row: Reminder, overdue: int) -> bool:
    """A reminder kind of the tests' own: one catalog text to its employee."""
    assert row.employee_id is not None
    person = ctx.employee(row.employee_id)
    text = ctx.t_for(person, "core.hint_nav")
    ctx.notify(person, [Text(text)], kind="reminder", key=f"{row.key}:sent")
    return True


def _ready(app: App, kind: str) -> None:
    if kind == PROBE and PROBE not in app.registry.reminders:
        app.registry.reminder(PROBE, _probe)


def _schedule(app: App, rows: list[dict[str, Any]]) -> None:
    with transaction(app.sessions) as session:
        ctx = ServiceCtx(env=app.env, session=session, now=app.clock())
        for row in rows:
            assert ctx.schedule(**row)


def _outcomes(app: App, prefix: str) -> dict[str, str | None]:
    with app.sessions() as session:
        rows = session.scalars(select(Reminder).where(Reminder.key.startswith(prefix)))
        return {r.key.removeprefix(prefix): r.outcome for r in rows}


def _outbox(app: App) -> int:
    with app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


@pytest.mark.parametrize("kind", KINDS)
def test_reminders_whose_moment_passed_while_down_are_skipped(
    kind: str, app: App, clock: Clock
) -> None:
    _ready(app, kind)
    with app.sessions() as session:
        admin = session.scalar(select(Employee.id).where(Employee.nip == ADMIN))
    start, prefix = clock(), f"evidence:{kind}:"
    common: dict[str, Any] = {"kind": kind, "args": {}, "employee_id": admin}
    duty = {"group_key": f"{prefix}duty", "not_after": start + timedelta(hours=60), **common}
    _schedule(
        app,
        [
            # a group (say H-5 and H-3) whose duty ended before the scheduler came back
            {"key": f"{prefix}h5", "due_at": start + timedelta(days=1), **duty},
            {"key": f"{prefix}h3", "due_at": start + timedelta(days=2), **duty},
            {
                "key": f"{prefix}alone",
                "due_at": start + timedelta(hours=1),
                "not_after": start + timedelta(hours=20),
                **common,
            },
        ],
    )
    before = _outbox(app)
    clock.now = start + DOWN
    report = tick(app)
    assert (report.past, report.sent, report.failed) == (3, 0, 0)
    assert _outcomes(app, prefix) == {"h5": "past", "h3": "past", "alone": "past"}
    assert _outbox(app) == before
    assert tick(app).past == 0


def _on_the_explored_database(exploration: Exploration, tmp_path: Path) -> tuple[App, Clock]:
    end = exploration.end
    assert end is not None
    clock = Clock(end.at)
    copy_database(end.snapshot, tmp_path / "end.sqlite3")
    return sqlite_app(tmp_path / "end.sqlite3", tmp_path, clock), clock


@pytest.mark.parametrize("kind", KINDS)
def test_overdue_reminders_of_one_group_are_carried_out_once(
    kind: str, exploration: Exploration, tmp_path: Path
) -> None:
    app, clock = _on_the_explored_database(exploration, tmp_path)
    _ready(app, kind)
    with app.sessions() as session:
        admin = session.scalar(select(Employee.id).where(Employee.nip == ADMIN))
    samples = exploration.reminders.get(kind) or (
        [{"args": {}, "employee_id": admin}] if kind == PROBE else []
    )
    if not samples:
        pytest.skip(f"the exploration scheduled no {kind!r} reminder to copy arguments from")
    sample = samples[-1]
    start, prefix = clock(), f"evidence:{kind}:"
    common = {
        "kind": kind,
        "args": sample["args"],
        "employee_id": sample["employee_id"],
        "group_key": f"{prefix}group",
        "not_after": start + timedelta(days=10),
    }
    _schedule(
        app,
        [
            {"key": f"{prefix}first", "due_at": start + timedelta(days=1), **common},
            {"key": f"{prefix}second", "due_at": start + timedelta(days=2), **common},
            {"key": f"{prefix}latest", "due_at": start + timedelta(days=2, hours=20), **common},
        ],
    )
    driver = Driver(app, clock)
    clock.now = start + DOWN
    with ErrorTrap() as trap:
        report = tick(app)
        driver.collect("the catch-up tick")
        again = tick(app)
    outcomes = _outcomes(app, prefix)
    assert report.failed == 0
    assert (outcomes["first"], outcomes["second"]) == ("collapsed", "collapsed")
    assert outcomes["latest"] in ("sent", "skipped")
    assert (again.sent, again.skipped, again.collapsed, again.failed) == (0, 0, 0, 0)
    assert not driver.problems, driver.problems[:5]
    assert not trap.records, [r.getMessage() for r in trap.records[:5]]
    app.engine.dispose()


def test_everything_pending_when_the_scheduler_stopped_follows_the_policy(
    exploration: Exploration, tmp_path: Path
) -> None:
    app, clock = _on_the_explored_database(exploration, tmp_path)
    with app.sessions() as session:
        pending = session.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.done_at.is_(None))
        )
    if not pending:
        pytest.skip("the exploration left no reminder pending")
    driver = Driver(app, clock)
    clock.now += DOWN
    with ErrorTrap() as trap:
        reports = [tick(app)]
        while reports[-1].sent + reports[-1].skipped + reports[-1].past:
            reports.append(tick(app))
        driver.collect("the catch-up ticks")
    now = clock()
    with app.sessions() as session:
        rows = list(session.scalars(select(Reminder).where(Reminder.due_at <= now)))
    assert sum(r.failed for r in reports) == 0
    assert all(r.done_at is not None for r in rows)
    for row in rows:
        if row.done_at == now and row.not_after is not None and row.not_after < now:
            assert row.outcome == "past", row.key
    groups: dict[str, list[Reminder]] = {}
    for row in rows:
        if row.group_key and row.done_at == now:
            groups.setdefault(row.group_key, []).append(row)
    for members in groups.values():
        carried = [r for r in members if r.outcome in ("sent", "skipped")]
        assert len(carried) <= 1
        if carried:
            assert carried[0].due_at == max(r.due_at for r in members)
    assert not driver.problems, driver.problems[:5]
    assert not trap.records, [r.getMessage() for r in trap.records[:5]]
    app.engine.dispose()
