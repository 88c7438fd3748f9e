"""The roster builder as a pure function: fair over a year, skipping people who are away."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendar import WorkCalendar
from bot.flows.pegasus.rules import (
    Away,
    Candidate,
    PostingWeek,
    build_roster,
    is_away,
    posting_weeks,
)

CALENDAR = WorkCalendar()
START = date(2025, 1, 6)  # a Monday
POOL = 23
WEEKS = 52


def test_a_posting_day_on_a_holiday_moves_to_the_working_day_before() -> None:
    weeks = posting_weeks(date(2025, 4, 9), 3, 4, CALENDAR)  # Fridays from 11 April 2025
    assert [w.monday for w in weeks] == [date(2025, 4, 7), date(2025, 4, 14), date(2025, 4, 21)]
    # 18 April 2025 is Good Friday: the poster goes out on Thursday the 17th.
    assert [w.day for w in weeks] == [date(2025, 4, 11), date(2025, 4, 17), date(2025, 4, 25)]


def test_nobody_serves_twice_before_everyone_has_served_once() -> None:
    weeks = posting_weeks(START, 10, 2, CALENDAR)
    pool = [Candidate(i, order=f"p{i}") for i in range(1, 5)]
    roster = build_roster(weeks, pool, 1)
    firsts = [w.people[0] for w in roster.weeks]
    assert sorted(firsts[:4]) == [1, 2, 3, 4]
    assert sorted(firsts[4:8]) == [1, 2, 3, 4]
    assert firsts[3] != firsts[4]  # the last of a round does not open the next one


def test_someone_away_is_skipped_and_served_when_back() -> None:
    weeks = posting_weeks(START, 4, 4, CALENDAR)
    pool = [Candidate(i, order=f"p{i}") for i in range(1, 4)]
    # Person 1 is on leave the Tuesday of week 1: inside the H-5 preparation window.
    roster = build_roster(weeks, pool, 1, {1: [Away(date(2025, 1, 7), date(2025, 1, 7))]})
    assert [w.people for w in roster.weeks] == [(2,), (1,), (3,), (2,)]


def test_history_from_earlier_periods_decides_who_goes_first() -> None:
    weeks = posting_weeks(START, 2, 4, CALENDAR)
    pool = [
        Candidate(1, served=3, last_served=date(2024, 12, 1), order="a"),
        Candidate(2, served=2, last_served=date(2024, 12, 20), order="b"),
        Candidate(3, served=2, last_served=date(2024, 11, 1), order="c"),
    ]
    roster = build_roster(weeks, pool, 1)
    assert [w.people for w in roster.weeks] == [(3,), (2,)]


def test_a_pool_too_small_leaves_the_week_short_and_says_so() -> None:
    weeks = posting_weeks(START, 2, 4, CALENDAR)
    roster = build_roster(weeks, [Candidate(1), Candidate(2)], 3)
    assert roster.short_weeks == (1, 2)
    assert all(len(w.people) == 2 for w in roster.weeks)


_spell = st.tuples(st.integers(0, 7 * WEEKS), st.integers(0, 20))  # start offset, length


@settings(max_examples=60, deadline=None)
@given(
    per_week=st.integers(1, 3),
    weekday=st.integers(0, 4),
    away_people=st.lists(st.integers(1, POOL), min_size=3, max_size=3, unique=True),
    spells=st.lists(st.lists(_spell, min_size=1, max_size=3), min_size=3, max_size=3),
    chunks=st.sampled_from([(52,), (13, 13, 13, 13), (4, 20, 28)]),
)
def test_a_year_of_rosters_is_fair_within_one_turn(
    per_week: int,
    weekday: int,
    away_people: list[int],
    spells: list[list[tuple[int, int]]],
    chunks: tuple[int, ...],
) -> None:
    absences = {
        pid: [
            Away(START + timedelta(days=s), START + timedelta(days=s + n))
            for s, n in person_spells
        ]
        for pid, person_spells in zip(away_people, spells, strict=True)
    }
    served: Counter[int] = Counter()
    last: dict[int, date] = {}
    start = START
    for size in chunks:  # periods one after another, history carried across them
        weeks = posting_weeks(start, size, weekday, CALENDAR)
        pool = [
            Candidate(i, served=served[i], last_served=last.get(i), order=f"{i:02}")
            for i in range(1, POOL + 1)
        ]
        roster = build_roster(weeks, pool, per_week, absences)
        assert roster.short_weeks == ()
        for week in roster.weeks:
            assert len(set(week.people)) == per_week
            for pid in week.people:
                assert not is_away(absences.get(pid, ()), week.posting_day)
                served[pid] += 1
                last[pid] = week.posting_day
        start += timedelta(weeks=size)
    counts = [served[i] for i in range(1, POOL + 1)]
    assert sum(counts) == WEEKS * per_week
    assert max(counts) - min(counts) <= 1, counts


def test_posting_weeks_are_consecutive() -> None:
    weeks = posting_weeks(date(2025, 3, 5), 3, 0, CALENDAR)
    assert weeks[0] == PostingWeek(date(2025, 3, 3), date(2025, 3, 3))
    assert weeks[2].monday == date(2025, 3, 17)
