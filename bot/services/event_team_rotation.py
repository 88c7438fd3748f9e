"""Who takes which slot of an event: fair rotation of roles, as a pure function.

The proposal is a minimum-cost matching of slots to members. A member's cost for a slot of
role r grows with the square of how many more times they did r than the least-served
eligible member (so nobody gets a role twice ahead of a colleague who could have taken it),
then with how recently they did r (whoever did it least lately goes first), then with their
load this quarter. Slots nobody can take stay empty (None) rather than double-booking.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

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
