"""Fair rotation of roles: the proposal as a pure function, then once through the database.

"Where availability allows": a member may fall behind in a role only while they could not take
it: unavailable, the requester, or serving in another slot of the same event.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.flows.event_team.rules import ROLE_CODES, MemberHistory, Slot, propose, slots_for
from tests.event_team.helpers import MEMBERS, SM, api_request, employee_id, serving, wib
from tests.support import Harness

MEMBER_IDS = tuple(range(1, 9))  # eight members
START = datetime(2025, 1, 6, 2, tzinfo=UTC)

needs = st.lists(
    st.tuples(st.sampled_from(ROLE_CODES), st.integers(1, 3)),
    min_size=1,
    max_size=3,
    unique_by=lambda need: need[0],
)
away = st.frozensets(st.sampled_from(MEMBER_IDS), max_size=4)
events = st.lists(st.tuples(needs, away), min_size=200, max_size=200)


class _Book:
    """Every member's history, kept as the service keeps it."""

    def __init__(self) -> None:
        self.counts: dict[int, Counter[str]] = {m: Counter() for m in MEMBER_IDS}
        self.last: dict[int, dict[str, datetime]] = {m: {} for m in MEMBER_IDS}
        self.load: Counter[int] = Counter()

    def histories(self) -> list[MemberHistory]:
        return [
            MemberHistory(m, dict(self.counts[m]), dict(self.last[m]), self.load[m])
            for m in MEMBER_IDS
        ]

    def record(self, slots: list[Slot], picks: list[int | None], at: datetime) -> None:
        for slot, member in zip(slots, picks, strict=True):
            if member is not None:
                self.counts[member][slot.role] += 1
                self.last[member][slot.role] = at
                self.load[member] += 1


@settings(max_examples=25, deadline=None)
@given(events)
def test_over_200_events_nobody_gets_a_role_ahead_of_a_colleague_who_could_take_it(
    simulated: list[tuple[list[tuple[str, int]], frozenset[int]]],
) -> None:
    book = _Book()
    for index, (roles, unavailable) in enumerate(simulated):
        slots = slots_for(roles)
        picks = propose(slots, book.histories(), unavailable)
        chosen = [m for m in picks if m is not None]
        eligible = [m for m in MEMBER_IDS if m not in unavailable]
        assert len(chosen) == len(set(chosen)), "nobody twice in one event"
        assert not set(chosen) & unavailable, "nobody who is unavailable"
        assert len(chosen) == min(len(slots), len(eligible)), "every slot that can be filled is"
        idle = [m for m in eligible if m not in chosen]
        filled = [(s.role, m) for s, m in zip(slots, picks, strict=True) if m is not None]
        for role, member in filled:
            for other in idle:
                assert book.counts[other][role] >= book.counts[member][role], (
                    f"event {index}: {member} got {role} while {other}, free, had done it less"
                )
        for role, member in filled:
            for role2, member2 in filled:
                fairer = book.counts[member2][role] < book.counts[member][role]
                no_worse = book.counts[member][role2] <= book.counts[member2][role2]
                assert not (fairer and no_worse), f"event {index}: swapping would be fairer"
        book.record(slots, picks, START + timedelta(days=index))


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(ROLE_CODES), st.integers(1, 5)), min_size=200, max_size=200)
)
def test_when_everyone_is_free_each_roles_counts_differ_by_at_most_one(
    simulated: list[tuple[str, int]],
) -> None:
    book = _Book()
    for index, (role, count) in enumerate(simulated):
        slots = slots_for([(role, count)])
        book.record(slots, propose(slots, book.histories()), START + timedelta(days=index))
        for code in ROLE_CODES:
            served = [book.counts[m][code] for m in MEMBER_IDS]
            assert max(served) - min(served) <= 1, f"event {index}: {code} counts {served}"


def test_whoever_did_a_role_least_lately_gets_it_first() -> None:
    long_ago, lately = START, START + timedelta(days=30)
    members = [
        MemberHistory(1, {"mc": 1}, {"mc": lately}),
        MemberHistory(2, {"mc": 1}, {"mc": long_ago}),
        MemberHistory(3, {"mc": 2}, {"mc": long_ago}),
    ]
    assert propose([Slot("mc", 1)], members) == [2]
    # Equal in the role and its recency: the lighter load this quarter goes first.
    light = [MemberHistory(1, quarter_load=3), MemberHistory(2, quarter_load=1)]
    assert propose([Slot("notulis", 1)], light) == [2]
    assert propose([Slot("mc", 1), Slot("mc", 2)], light, excluded={1}) == [2, None]


def test_through_the_database_three_events_rotate_mc_and_skip_who_cannot(
    bot: Harness,
) -> None:
    """Requests opened one after another; each proposal is accepted as it stands."""
    lead = "Rudi Hartono"
    bot.say("Bayu Saputra", "/tidaktersedia")
    bot.say("Bayu Saputra", "21/4/2025")
    bot.press("Bayu Saputra", "Lewati")
    bot.press("Bayu Saputra", "Kirim")
    mcs: list[str] = []
    for offset, requester in ((0, SM), (1, SM), (2, "Dewi Lestari"), (3, SM)):
        day = date(2025, 4, 21) + timedelta(days=offset)
        request_id = api_request(
            bot.app, wib(day), wib(day, time(11)), {"mc": 1}, requester=requester
        )
        bot.inbox(lead)
        bot.press(lead, "Bagi peran")
        bot.press(lead, "Tetapkan")
        (mc,) = serving(bot.app, request_id)
        mcs.append(mc)
        assert mc != requester
    assert mcs[0] != "Bayu Saputra"  # unavailable on 21 April
    assert len(set(mcs)) == 4
    assert set(mcs) <= set(MEMBERS)
    # A fifth event overlapping the first: its MC is booked and is not proposed.
    overlap = api_request(
        bot.app, wib(date(2025, 4, 21), time(10)), wib(date(2025, 4, 21), time(12)), {"mc": 1}
    )
    bot.inbox(lead)
    bot.press(lead, "Bagi peran")
    bot.press(lead, "Tetapkan")
    (fifth,) = serving(bot.app, overlap)
    assert fifth not in (mcs[0], "Bayu Saputra")
    assert employee_id(bot.app, fifth) > 0
