"""Serawai's rules, as pure functions and constants: which themes win, who is best, what the
check-in code is, when windows close and reminders fall due, and the limits of typed text.

Theme ranking and its fixed tie-break chain (printed with the results):

1. more votes;
2. more distinct offices among the theme's voters (a theme liked across the province wins
   over one carried by a single office);
3. the earlier proposal (first submitted);
4. a decision by CAN, recorded with its reason.

Best speaker of a period: the highest mean score, where a rating's score is the mean of its
three criteria (mastery, delivery, relevance); only speakers with at least
`MIN_SPEAKER_RATINGS` ratings take part. Ties: more ratings, then the higher mean mastery,
then the name (alphabetical, so the answer is stable).

Best host office of a period: the highest mean CAN host rating; only offices with at least
`MIN_HOST_RATINGS` ratings take part. Ties: more ratings, then the higher mean speaker score
of the office's sessions, then the office code.

Check-in codes: six digits, HMAC-SHA256 of the 30-second window number under the session's
secret (dynamic truncation, as in HOTP, RFC 4226). The current and the previous window are
accepted, so a code read just before it changes still works.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.calendar import WorkCalendar, to_wib, wib_to_utc

MIN_SPEAKER_RATINGS = 5
MIN_HOST_RATINGS = 2
CODE_WINDOW_SECONDS = 30
CODE_DIGITS = 6

CAN_ROLES = frozenset({"can"})
PROVINCE_CODE = "1700"
CLOSING_TIME = time(16, 0)  # windows close at the end of office hours, WIB
SESSION_HOURS = 2
TITLE_MAX = 100
NOTE_MAX = 1000
PERIOD_YEAR = 0  # the "whole year" choice of the best-of period question
SPEAKER_MAX = 200
CODE_MAX = 80
REMIND_AT = time(9, 0)  # reminders of a round go out at 09.00 WIB
PREP_ITEMS = ("invitation", "speech", "venue", "materials")
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
EVENT_TEAM_DAYS = 10
PREP_REMINDER_DAYS = 5
# What a Serawai asks of the Event Team (SOP-321 role names): documentation and an operator for
# the room or meeting link; the committee covers the moderator and the minute taker.
EVENT_TEAM_ROLES = {"dokumentasi": 1, "operator": 1}


# -- themes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A proposal at the close of the vote."""

    proposal_id: int
    title: str
    proposed_at: datetime
    votes: int
    offices: int  # distinct offices among its voters


@dataclass(frozen=True)
class Selected:
    """A theme that goes through, and the link of the chain that put it ahead."""

    candidate: Candidate
    decided_by: str  # votes | offices | earlier | can


@dataclass(frozen=True)
class Outcome:
    """The ranking, the themes that go through, and a tie only CAN can break."""

    ranking: list[Candidate]
    selected: list[Selected]
    tied: list[Candidate]  # CAN picks `open_slots` of these
    open_slots: int


def _key(c: Candidate) -> tuple[int, int, datetime]:
    return (-c.votes, -c.offices, c.proposed_at)


def separated_by(winner: Candidate, loser: Candidate) -> str:
    """The first link of the chain that puts `winner` ahead of `loser` ("can" when none does)."""
    if winner.votes != loser.votes:
        return "votes"
    if winner.offices != loser.offices:
        return "offices"
    if winner.proposed_at != loser.proposed_at:
        return "earlier"
    return "can"


def rank_themes(candidates: list[Candidate], themes: int) -> Outcome:
    """Rank by the chain and take `themes` of them; a tie the chain cannot break is left open."""
    ranking = sorted(candidates, key=lambda c: (*_key(c), c.proposal_id))
    if len(ranking) <= themes:
        return Outcome(ranking, [Selected(c, "votes") for c in ranking], [], 0)
    first_out = ranking[themes]
    boundary = _key(ranking[themes - 1])
    if boundary == _key(first_out):
        tied = [c for c in ranking if _key(c) == boundary]
        ahead = [c for c in ranking if _key(c) < boundary]
        selected = [Selected(c, separated_by(c, first_out)) for c in ahead]
        return Outcome(ranking, selected, tied, themes - len(ahead))
    selected = [Selected(c, separated_by(c, first_out)) for c in ranking[:themes]]
    return Outcome(ranking, selected, [], 0)


# -- best speaker and host ------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakerRating:
    """One participant's rating of one speaker."""

    speaker_id: int
    mastery: int
    delivery: int
    relevance: int

    @property
    def score(self) -> float:
        """The mean of the three criteria."""
        return (self.mastery + self.delivery + self.relevance) / 3


@dataclass(frozen=True)
class Standing:
    """A speaker's or office's result over a period."""

    id: int
    name: str
    score: float
    ratings: int
    second: float  # the first tie-break after the number of ratings


def best_speakers(
    ratings: list[SpeakerRating], names: dict[int, str], minimum: int = MIN_SPEAKER_RATINGS
) -> list[Standing]:
    """Eligible speakers, best first, by the documented rule."""
    by_speaker: dict[int, list[SpeakerRating]] = {}
    for rating in ratings:
        by_speaker.setdefault(rating.speaker_id, []).append(rating)
    standings = [
        Standing(
            id=speaker,
            name=names.get(speaker, ""),
            score=sum(r.score for r in rows) / len(rows),
            ratings=len(rows),
            second=sum(r.mastery for r in rows) / len(rows),
        )
        for speaker, rows in by_speaker.items()
        if len(rows) >= minimum
    ]
    return sorted(standings, key=lambda s: (-s.score, -s.ratings, -s.second, s.name))


@dataclass(frozen=True)
class HostRating:
    """One CAN member's rating of the office that hosted a session."""

    office_id: int
    score: int


def best_hosts(
    ratings: list[HostRating],
    names: dict[int, tuple[str, str]],
    speaker_means: dict[int, float],
    minimum: int = MIN_HOST_RATINGS,
) -> list[Standing]:
    """Eligible host offices, best first; `names` maps office id to (code, name)."""
    by_office: dict[int, list[int]] = {}
    for rating in ratings:
        by_office.setdefault(rating.office_id, []).append(rating.score)
    standings = [
        Standing(
            id=office,
            name=names.get(office, ("", ""))[1],
            score=sum(scores) / len(scores),
            ratings=len(scores),
            second=speaker_means.get(office, 0.0),
        )
        for office, scores in by_office.items()
        if len(scores) >= minimum
    ]
    return sorted(
        standings,
        key=lambda s: (-s.score, -s.ratings, -s.second, names.get(s.id, ("", ""))[0]),
    )


# -- check-in codes -------------------------------------------------------------------------


def _window(at: datetime) -> int:
    return int(at.timestamp()) // CODE_WINDOW_SECONDS


def _code_for(secret: str, window: int) -> str:
    digest = hmac.new(bytes(secret, "utf-8"), window.to_bytes(8, "big"), hashlib.sha256).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def checkin_code(secret: str, at: datetime) -> str:
    """The code shown on screen at `at`."""
    return _code_for(secret, _window(at))


def code_valid_until(at: datetime) -> datetime:
    """When the code shown at `at` stops being the current one."""
    return datetime.fromtimestamp((_window(at) + 1) * CODE_WINDOW_SECONDS, tz=at.tzinfo)


def code_matches(secret: str, typed: str, at: datetime) -> bool:
    """True when `typed` is the current or the previous window's code."""
    typed = "".join(typed.split())
    if len(typed) != CODE_DIGITS or not typed.isascii() or not typed.isdigit():
        return False
    now = _window(at)
    return any(hmac.compare_digest(_code_for(secret, w), typed) for w in (now, now - 1))


# -- windows and periods --------------------------------------------------------------------


def round_windows(
    calendar: WorkCalendar, opened_at: datetime, proposal_days: int, voting_days: int
) -> tuple[datetime, datetime]:
    """When proposals close and when voting closes: 16.00 WIB after so many working days."""
    proposals_close = calendar.add_working_days(to_wib(opened_at).date(), proposal_days)
    voting_close = calendar.add_working_days(proposals_close, voting_days)
    return wib_to_utc(proposals_close, CLOSING_TIME), wib_to_utc(voting_close, CLOSING_TIME)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First day of a triwulan and first day after it (quarter 0: the whole year)."""
    if quarter == PERIOD_YEAR:
        return date(year, 1, 1), date(year + 1, 1, 1)
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end
