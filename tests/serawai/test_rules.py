"""Serawai's rules without a database: the tie-break chain, best-of, check-in codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.flows.serawai.rules import (
    Candidate,
    HostRating,
    SpeakerRating,
    best_hosts,
    best_speakers,
    checkin_code,
    code_matches,
    code_valid_until,
    rank_themes,
)

T0 = datetime(2025, 7, 1, 2, 0, tzinfo=UTC)


def _c(pid: int, votes: int, offices: int, minutes: int = 0) -> Candidate:
    return Candidate(pid, f"Tema {pid}", T0 + timedelta(minutes=minutes), votes, offices)


def test_most_votes_win_and_the_rest_wait() -> None:
    outcome = rank_themes([_c(1, 5, 3), _c(2, 9, 2), _c(3, 7, 4), _c(4, 1, 1)], 3)
    assert [s.candidate.proposal_id for s in outcome.selected] == [2, 3, 1]
    assert {s.decided_by for s in outcome.selected} == {"votes"}
    assert outcome.tied == []


def test_equal_votes_go_to_the_theme_chosen_by_more_offices_even_when_proposed_later() -> None:
    outcome = rank_themes([_c(1, 9, 3), _c(2, 5, 2, minutes=1), _c(3, 5, 4, minutes=2)], 2)
    assert [s.candidate.proposal_id for s in outcome.selected] == [1, 3]
    assert outcome.selected[1].decided_by == "offices"


def test_equal_votes_and_offices_go_to_the_earlier_proposal() -> None:
    outcome = rank_themes([_c(1, 9, 3), _c(2, 5, 2, minutes=2), _c(3, 5, 2, minutes=1)], 2)
    assert [s.candidate.proposal_id for s in outcome.selected] == [1, 3]
    assert outcome.selected[1].decided_by == "earlier"


def test_a_tie_on_every_rule_is_left_to_can() -> None:
    outcome = rank_themes([_c(1, 9, 3), _c(2, 5, 2), _c(3, 5, 2), _c(4, 1, 1)], 2)
    assert [s.candidate.proposal_id for s in outcome.selected] == [1]
    assert sorted(c.proposal_id for c in outcome.tied) == [2, 3]
    assert outcome.open_slots == 1


def test_fewer_proposals_than_themes_all_go_through() -> None:
    outcome = rank_themes([_c(1, 0, 0), _c(2, 3, 1)], 3)
    assert [s.candidate.proposal_id for s in outcome.selected] == [2, 1]


def test_best_speaker_needs_the_minimum_and_breaks_ties_by_count_then_mastery() -> None:
    ratings = [SpeakerRating(1, 5, 5, 5)] * 4  # best scores, but too few ratings
    ratings += [SpeakerRating(2, 4, 4, 4)] * 5
    ratings += [SpeakerRating(3, 4, 4, 4)] * 6  # same mean as 2, more ratings
    ratings += [SpeakerRating(4, 5, 4, 3)] * 6  # same mean and count as 3, better mastery
    names = {1: "A", 2: "B", 3: "C", 4: "D"}
    assert [s.name for s in best_speakers(ratings, names, minimum=5)] == ["D", "C", "B"]


def test_best_host_needs_the_minimum_and_breaks_ties_by_speaker_scores() -> None:
    ratings = [HostRating(1, 5)] + [HostRating(2, 4)] * 2 + [HostRating(3, 4)] * 2
    names = {1: ("1701", "Satu"), 2: ("1702", "Dua"), 3: ("1703", "Tiga")}
    ranked = best_hosts(ratings, names, {2: 3.5, 3: 4.5}, minimum=2)
    assert [h.name for h in ranked] == ["Tiga", "Dua"]


def test_a_code_is_six_digits_and_changes_every_thirty_seconds() -> None:
    secret = "ab" * 32
    start = datetime(2025, 7, 1, 2, 0, 0, tzinfo=UTC)
    code = checkin_code(secret, start)
    assert len(code) == 6
    assert code.isdigit()
    assert checkin_code(secret, start + timedelta(seconds=29)) == code
    assert checkin_code(secret, start + timedelta(seconds=30)) != code
    assert code_valid_until(start + timedelta(seconds=7)) == start + timedelta(seconds=30)
    assert checkin_code("cd" * 32, start) != code


@pytest.mark.parametrize(
    ("later", "accepted"), [(0, True), (29, True), (30, True), (59, True), (60, False)]
)
def test_the_current_and_the_previous_window_are_accepted(later: int, accepted: bool) -> None:
    secret = "ef" * 32
    shown = datetime(2025, 7, 1, 2, 0, 0, tzinfo=UTC)
    typed = checkin_code(secret, shown)
    assert code_matches(secret, typed, shown + timedelta(seconds=later)) is accepted


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "１２３４５６", "12 34 5"])
def test_malformed_codes_never_match(typed: str) -> None:
    assert not code_matches("00" * 32, typed, T0)
