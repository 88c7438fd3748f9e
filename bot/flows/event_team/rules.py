"""SOP-321 rules that need no database: roles, limits, lead time in working days, deadlines,
and the fair rotation of roles.

Pure, so the flows (which do no I/O) and the services apply the very same rules.

The rotation's proposal is a minimum-cost matching of slots to members. A member's cost for a
slot of role r grows with the square of how many more times they did r than the least-served
eligible member (so nobody gets a role twice ahead of a colleague who could have taken it),
then with how recently they did r (whoever did it least lately goes first), then with their
load this quarter. Slots nobody can take stay empty (None) rather than double-booking.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.calendar import OFFICE_CLOSES, OFFICE_OPENS, WorkCalendar, to_wib, wib_to_utc

if TYPE_CHECKING:
    from bot.i18n import Translator

PROGRAM = "sop321"
# The roles the SOP names; any other role is stored under the name the SM typed.
ROLE_CODES = (
    "mc",
    "moderator",
    "notulis",
    "dokumentasi",
    "operator",
    "registrasi",
    "protokol",
)
MAX_HEADCOUNT = 5
MIN_LEAD_DAYS = 3  # SOP-321 step 2: at least 3 working days before the event
ADVISED_LEAD_DAYS = 4  # step 1: early coordination advised at least 4 working days before
REMINDER_HOUR = time(9, 0)  # WIB: when the day-before reminder goes out
MAX_DAYS = 31  # one /tidaktersedia covers at most a month
DOC_WINDOW = timedelta(days=14)  # how long after an event its photos are still taken


@dataclass(frozen=True)
class LeadTime:
    """How far ahead a request comes, and what the SOP says about it."""

    days: int  # working days from the request date (WIB) to the event date
    earliest: date  # the earliest event date a request made today may have
    late: bool  # fewer than MIN_LEAD_DAYS
    refused: bool  # late, and the configuration refuses late requests
    short: bool  # accepted with exactly MIN_LEAD_DAYS (ADVISED_LEAD_DAYS is advised)


def lead_time(calendar: WorkCalendar, today: date, event_day: date, policy: str) -> LeadTime:
    """Judge a request made on `today` for an event on `event_day` (policy: refuse | flag)."""
    days = calendar.working_days_between(today, event_day)
    late = days < MIN_LEAD_DAYS
    return LeadTime(
        days=days,
        earliest=calendar.add_working_days(today, MIN_LEAD_DAYS),
        late=late,
        refused=late and policy != "flag",
        short=MIN_LEAD_DAYS <= days < ADVISED_LEAD_DAYS,
    )


def after_working_days(calendar: WorkCalendar, moment: datetime, n: int) -> datetime:
    """The same WIB clock time `n` working days after `moment` (a follow-up's due time), kept
    in office hours: before they open, at the opening; after they close, at the next opening.
    """
    local = to_wib(moment)
    day = calendar.add_working_days(local.date(), n)
    if local.time() > OFFICE_CLOSES:
        return wib_to_utc(calendar.add_working_days(day, 1), OFFICE_OPENS)
    return wib_to_utc(day, max(local.time(), OFFICE_OPENS))


def day_before_reminder(calendar: WorkCalendar, starts_at: datetime) -> datetime:
    """09.00 WIB on the working day before the event."""
    day = calendar.add_working_days(to_wib(starts_at).date(), -1)
    return wib_to_utc(day, REMINDER_HOUR)


def is_role_code(role: str) -> bool:
    """True for a role the SOP names (its label comes from the catalog)."""
    return role in ROLE_CODES


def role_label(t: Translator, role: str) -> str:
    """A role's name for people: the catalog's for SOP roles, the SM's own for others."""
    return t(f"event_team.role_{role}") if is_role_code(role) else role


# -- rotation: who takes which slot ------------------------------------------------------

# The cost weights keep the criteria in order: any change in the fairness term outweighs
# every recency and load term of a whole event (at most 999,999 per slot).
_FAIRNESS = 10**9
_RECENCY = 10**3
_LOAD_CAP = 999


@dataclass(frozen=True)
class Slot:
    """One place to fill: a role and its number (MC 1, Notulis 1, Notulis 2 ...)."""

    role: str
    number: int


@dataclass(frozen=True)
class MemberHistory:
    """What the rotation knows of a member: roles served, when last, and load this quarter."""

    member_id: int
    counts: Mapping[str, int] = field(default_factory=dict)
    last_served: Mapping[str, datetime] = field(default_factory=dict)
    quarter_load: int = 0


def slots_for(roles: Sequence[tuple[str, int]]) -> list[Slot]:
    """The slots of a request, in the order its roles were asked for."""
    return [Slot(role, n) for role, count in roles for n in range(1, count + 1)]


def ranked(role: str, members: Sequence[MemberHistory]) -> list[int]:
    """Member ids best suited for `role` first: fewest times, least lately, lightest load."""
    return [m.member_id for m in sorted(members, key=lambda m: _order(role, m))]


def _order(role: str, member: MemberHistory) -> tuple[int, datetime, int, int]:
    # Naive UTC, so "never" (datetime.min) compares with real moments.
    last = member.last_served.get(role)
    last = last.replace(tzinfo=None) if last is not None else datetime.min
    return (member.counts.get(role, 0), last, member.quarter_load, member.member_id)


def _recency_ranks(role: str, members: Sequence[MemberHistory]) -> dict[int, int]:
    lasts = sorted({_order(role, m)[1] for m in members})
    position = {moment: index for index, moment in enumerate(lasts)}
    return {m.member_id: position[_order(role, m)[1]] for m in members}


def propose(
    slots: Sequence[Slot],
    members: Sequence[MemberHistory],
    excluded: Collection[int] = (),
) -> list[int | None]:
    """A member id (or None) for each slot; nobody twice, nobody excluded."""
    eligible = [m for m in members if m.member_id not in set(excluded)]
    if not slots:
        return []
    if not eligible:
        return [None] * len(slots)
    floors = {s.role: min(m.counts.get(s.role, 0) for m in eligible) for s in slots}
    recency = {s.role: _recency_ranks(s.role, eligible) for s in slots}
    real: list[list[int]] = []
    for s in slots:
        row = []
        for m in eligible:
            excess = m.counts.get(s.role, 0) - floors[s.role]
            row.append(
                excess * excess * _FAIRNESS
                + recency[s.role][m.member_id] * _RECENCY
                + min(m.quarter_load, _LOAD_CAP)
            )
        real.append(row)
    # Leaving a slot empty costs more than any filling, so as many slots as possible are filled.
    nobody = len(slots) * max(max(row) for row in real) + 1
    cost = [row + [nobody] * len(slots) for row in real]
    chosen = _min_cost_assignment(cost)
    return [eligible[c].member_id if c < len(eligible) else None for c in chosen]


def _min_cost_assignment(cost: list[list[int]]) -> list[int]:
    """Hungarian algorithm (rows <= columns): the column of each row, minimising the total."""
    rows, cols = len(cost), len(cost[0])
    u = [0] * (rows + 1)
    v = [0] * (cols + 1)
    owner = [0] * (cols + 1)  # the row (1-based) holding each column; 0: free
    way = [0] * (cols + 1)
    for i in range(1, rows + 1):
        owner[0] = i
        j0 = 0
        minv: list[float] = [float("inf")] * (cols + 1)
        used = [False] * (cols + 1)
        while True:
            used[j0] = True
            i0 = owner[j0]
            delta: float = float("inf")
            j1 = 0
            for j in range(1, cols + 1):
                if not used[j]:
                    reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < minv[j]:
                        minv[j] = reduced
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            step = int(delta)
            for j in range(cols + 1):
                if used[j]:
                    u[owner[j]] += step
                    v[j] -= step
                else:
                    minv[j] -= step
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    result = [0] * rows
    for j in range(1, cols + 1):
        if owner[j]:
            result[owner[j] - 1] = j - 1
    return result
