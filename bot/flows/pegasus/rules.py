"""The Pegasus (SOP-330) rules in one place: the rotation, the lead times, the limits, the roles.

The duty rotation is pure functions: posting days, availability, a fair roster.

Fairness rule: each week takes the people who have served the fewest turns (history carried
across periods), so nobody serves a second time before everyone available has served once.
Among equals, whoever will be away soonest goes first (earliest deadline first: their turn is
not lost to an absence), then whoever has waited longest, then a fixed order.

A person counts as away for a posting day when an absence touches the preparation window:
from H-5 (the first reminder) to the posting day itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Literal, Protocol

PJ = frozenset({"pj_pegasus"})
HUMAS = frozenset({"humas"})

PREPARATION_DAYS = 5  # H-5: the first reminder; the person must be around from then on
MAX_WEEKS = 53
MAX_PER_WEEK = 5
Platform = Literal["wa", "ig"]  # where Humas forwards each poster, and proves it was posted
PLATFORMS: tuple[Platform, ...] = ("wa", "ig")

# Times (WIB): reminders H-5, H-3 and H-1 go out at 08:00 on the day that is n *calendar*
# days before the posting day (a reminder on a weekend still counts down real days); posters
# are posted at 08:00 on the posting day; the proof check runs at 16:00 (the office's closing
# time) on the working day after the posting day.
REMIND_AT = time(8, 0)
POST_AT = time(8, 0)
FOLLOWUP_AT = time(16, 0)
REMINDER_DAYS = (5, 3, 1)


class Calendar(Protocol):
    """What the rotation needs of the working-day calendar."""

    def previous_working_day(self, day: date) -> date: ...


@dataclass(frozen=True)
class Candidate:
    """A pool member as the rotation sees them."""

    id: int
    served: int = 0  # turns served so far (plus their joining credit)
    last_served: date | None = None
    order: str = ""  # a stable tie-break (the name)


@dataclass(frozen=True)
class Away:
    """Dates (inclusive) an employee is not available."""

    start: date
    end: date


@dataclass(frozen=True)
class PostingWeek:
    """A week of a period: its Monday and its posting day."""

    monday: date
    day: date


@dataclass(frozen=True)
class RosterWeek:
    """One week of a roster: its posting day and who is on duty (fewer when short)."""

    week: int
    monday: date
    posting_day: date
    people: tuple[int, ...]


@dataclass(frozen=True)
class Roster:
    """A built roster, and the weeks that could not get enough people."""

    weeks: tuple[RosterWeek, ...]
    short_weeks: tuple[int, ...] = field(default=())


def monday_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def posting_day(monday: date, weekday: int, calendar: Calendar) -> date:
    """The week's posting day; a non-working day moves to the working day before it."""
    return calendar.previous_working_day(monday + timedelta(days=weekday))


def posting_weeks(start: date, weeks: int, weekday: int, calendar: Calendar) -> list[PostingWeek]:
    """The weeks from the week of `start`, each with its posting day."""
    mondays = [monday_of(start) + timedelta(weeks=n) for n in range(weeks)]
    return [PostingWeek(m, posting_day(m, weekday, calendar)) for m in mondays]


def is_away(absences: Iterable[Away], day: date) -> bool:
    """True when an absence touches the preparation window of posting day `day`."""
    window_start = day - timedelta(days=PREPARATION_DAYS)
    return any(a.start <= day and a.end >= window_start for a in absences)


def _next_away(absences: Sequence[Away], days: Sequence[date], from_index: int) -> int:
    for index in range(from_index, len(days)):
        if is_away(absences, days[index]):
            return index
    return len(days)


def build_roster(
    weeks: Sequence[PostingWeek],
    pool: Sequence[Candidate],
    per_week: int,
    absences: Mapping[int, Sequence[Away]] | None = None,
) -> Roster:
    """Assign `per_week` people to each posting day, fairly (see the module's rule)."""
    if per_week < 1:
        raise ValueError("per_week must be at least 1")
    away = absences or {}
    served = {c.id: c.served for c in pool}
    last = {c.id: c.last_served for c in pool}
    order = {c.id: (c.order, c.id) for c in pool}
    days = [w.day for w in weeks]
    built: list[RosterWeek] = []
    short: list[int] = []
    for index, day in enumerate(days):
        free = [c.id for c in pool if not is_away(away.get(c.id, ()), day)]
        free.sort(
            key=lambda pid: (
                served[pid],
                _next_away(away.get(pid, ()), days, index + 1),
                last[pid] or date.min,
                order[pid],
            )
        )
        chosen = tuple(free[:per_week])
        if len(chosen) < per_week:
            short.append(index + 1)
        for pid in chosen:
            served[pid] += 1
            last[pid] = day
        built.append(RosterWeek(index + 1, weeks[index].monday, day, chosen))
    return Roster(tuple(built), tuple(short))
