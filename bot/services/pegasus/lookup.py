"""The read-only lookup the roster conversations (`bot.flows.pegasus`) read."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.calendar import WorkCalendar
from bot.flows.pegasus.rules import monday_of
from bot.services import directory
from bot.services.pegasus.common import office_short, pool_members
from bot.services.pegasus.planning import RosterPlan, history, plan_roster
from bot.services.pegasus.swaps import MAX_SUGGESTIONS, swap_candidates
from storage.models import Employee
from storage.pegasus import Duty, RosterPeriod


class RosterLookup:
    """Read-only queries for the roster conversations."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def communities(self) -> list[tuple[str, int]]:
        """Communities in the directory with how many active employees each has."""
        rows = self.session.execute(
            select(Employee.community, func.count(Employee.id))
            .where(Employee.active, Employee.community != "")
            .group_by(Employee.community)
            .order_by(Employee.community)
        )
        return [(str(name), int(count)) for name, count in rows]

    def pool_size(self) -> int:
        """How many people are in the rotation."""
        return len(pool_members(self.session))

    def pool_lines(self) -> list[str]:
        """The pool as lines: name, office and turns served."""
        served, _last = history(self.session)
        return [
            f"• {m.employee.name} ({office_short(m.employee.office.name)}): "
            f"{served.get(m.employee_id, 0)}×"
            for m in pool_members(self.session)
        ]

    def search_people(self, fragment: str) -> list[directory.Person]:
        """Colleagues by part of their name or NIP."""
        return directory.search_people(self.session, fragment)

    def search_pool(self, fragment: str) -> list[directory.Person]:
        """Pool members by part of their name or NIP."""
        ids = {m.employee_id for m in pool_members(self.session)}
        return [p for p in directory.search_people(self.session, fragment, 50) if p.id in ids][
            :MAX_SUGGESTIONS
        ]

    def next_free_monday(self, now_day: date) -> date:
        """The Monday after the last published roster, or next Monday."""
        latest = self.session.scalar(select(func.max(RosterPeriod.end_date)))
        next_monday = monday_of(now_day) + timedelta(weeks=1)
        if latest is not None and latest + timedelta(days=1) > next_monday:
            return latest + timedelta(days=1)
        return next_monday

    def preview(
        self,
        start: date,
        weeks: int,
        weekday: int,
        per_week: int,
        calendar: WorkCalendar,
        now_day: date,
    ) -> RosterPlan:
        """The roster as it would be published now."""
        return plan_roster(self.session, calendar, start, weeks, weekday, per_week, now_day)

    def swap_candidates(self, duty_id: int, fragment: str) -> list[directory.Person]:
        """Pool members who could take a duty: free that week, not away, least served first."""
        duty = self.session.get(Duty, duty_id)
        if duty is None:
            return []
        return swap_candidates(self.session, duty, fragment)
