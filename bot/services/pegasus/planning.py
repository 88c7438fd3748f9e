"""Planning a roster: the pure rotation (`bot.flows.pegasus.rules.build_roster`) over what the
database knows: the pool, every earlier duty (history carried across periods), absences."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.calendar import WorkCalendar
from bot.flows.pegasus.rules import (
    PREPARATION_DAYS,
    Away,
    Candidate,
    Roster,
    build_roster,
    monday_of,
    posting_weeks,
)
from bot.services.pegasus.common import pool_members
from storage.pegasus import Absence, Duty, RosterPeriod


@dataclass(frozen=True)
class PlannedWeek:
    """A week of a planned roster, with names for showing it."""

    week: int
    monday: date
    posting_day: date
    moved: bool
    people: tuple[int, ...]
    names: tuple[str, ...]
    offices: tuple[str, ...]


@dataclass(frozen=True)
class RosterPlan:
    """A planned roster and what stands in its way."""

    weeks: tuple[PlannedWeek, ...]
    short_weeks: tuple[int, ...]
    overlap_until: date | None
    pool_size: int
    first_day_passed: bool


def history(session: Session) -> tuple[dict[int, int], dict[int, date]]:
    """Turns served and the last posting day of everyone who ever had a duty."""
    served: dict[int, int] = {}
    last: dict[int, date] = {}
    rows = session.execute(
        select(Duty.employee_id, func.count(Duty.id), func.max(Duty.posting_date)).group_by(
            Duty.employee_id
        )
    )
    for employee_id, count, latest in rows:
        served[employee_id] = int(count)
        last[employee_id] = latest
    return served, last


def absences_by_person(session: Session, since: date) -> dict[int, list[Away]]:
    """Recorded absences that end on or after `since`, per employee."""
    found: dict[int, list[Away]] = defaultdict(list)
    for row in session.scalars(select(Absence).where(Absence.end_date >= since)):
        found[row.employee_id].append(Away(row.start_date, row.end_date))
    return found


def plan_roster(
    session: Session,
    calendar: WorkCalendar,
    start: date,
    weeks: int,
    weekday: int,
    per_week: int,
    now_day: date,
) -> RosterPlan:
    """Build the roster the database's pool, history and absences call for."""
    members = pool_members(session)
    served, last = history(session)
    pool = [
        Candidate(
            m.employee_id,
            served=served.get(m.employee_id, 0) + m.credit,
            last_served=last.get(m.employee_id),
            order=m.employee.name,
        )
        for m in members
    ]
    names = {m.employee_id: m.employee.name for m in members}
    offices = {m.employee_id: m.employee.office.name for m in members}
    plan_weeks = posting_weeks(start, weeks, weekday, calendar)
    roster: Roster = build_roster(
        plan_weeks,
        pool,
        per_week,
        absences_by_person(session, monday_of(start) - timedelta(days=PREPARATION_DAYS)),
    )
    end = plan_weeks[-1].monday + timedelta(days=6)
    overlap = session.scalar(
        select(func.max(RosterPeriod.end_date)).where(
            RosterPeriod.start_date <= end, RosterPeriod.end_date >= plan_weeks[0].monday
        )
    )
    planned = tuple(
        PlannedWeek(
            w.week,
            w.monday,
            w.posting_day,
            w.posting_day != w.monday + timedelta(days=weekday),
            w.people,
            tuple(names[p] for p in w.people),
            tuple(offices[p] for p in w.people),
        )
        for w in roster.weeks
    )
    return RosterPlan(
        planned,
        roster.short_weeks,
        overlap,
        len(pool),
        plan_weeks[0].day < now_day,
    )
