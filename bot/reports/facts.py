"""The facts a report is built from: plain, frozen rows that SQL queries can fill one to one.

Instants are timezone-aware UTC `datetime`s (shown in WIB), calendar days are `date`s.
Aggregates that SQL computes better (votes per theme, turnout per office, rating averages)
arrive already aggregated; everything else arrives as one row per record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Literal

from bot.calendar import WIB


class Program(StrEnum):
    """The three SOP programs, by the code `StepRecord.program` stores."""

    EVENT_TEAM = "sop321"
    SERAWAI = "sop098"
    PEGASUS = "sop330"


PROGRAM_NAMES: Mapping[str, str] = {
    Program.EVENT_TEAM: "Event Team (SOP-321)",
    Program.SERAWAI: "Serawai (SOP-098)",
    Program.PEGASUS: "Pegasus (SOP-330)",
}


@dataclass(frozen=True)
class Period:
    """A reporting period: first and last day (both included, WIB) and its label."""

    start: date
    end: date
    label: str

    def contains(self, day: date) -> bool:
        """Whether a WIB calendar day falls in the period."""
        return self.start <= day <= self.end

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """`[start, end)` as UTC instants, for `WHERE at >= :start AND at < :end`."""
        begin = datetime.combine(self.start, time(0), WIB).astimezone(UTC)
        stop = datetime.combine(self.end + timedelta(days=1), time(0), WIB).astimezone(UTC)
        return begin, stop

    @property
    def is_quarter(self) -> bool:
        """Whether the period spans at most three months (a triwulan, not a semester)."""
        return len(self.months()) <= 3

    def months(self) -> list[tuple[int, int]]:
        """Every (year, month) the period touches, in order."""
        out: list[tuple[int, int]] = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


Unit = Literal["minutes", "working_days"]


@dataclass(frozen=True)
class TimeStandard:
    """An SOP step's time standard (mutu baku waktu): minutes or working days."""

    amount: float
    unit: Unit

    @classmethod
    def minutes(cls, amount: float) -> TimeStandard:
        """A standard in minutes (30 menit)."""
        return cls(amount, "minutes")

    @classmethod
    def working_days(cls, amount: float) -> TimeStandard:
        """A standard in working days (1 hari kerja)."""
        return cls(amount, "working_days")

    @property
    def unit_label(self) -> str:
        """'menit' or 'hari kerja'."""
        return "menit" if self.unit == "minutes" else "hari kerja"

    @property
    def label(self) -> str:
        """'30 menit', '1 hari kerja'."""
        amount = int(self.amount) if self.amount == int(self.amount) else self.amount
        return f"{amount} {self.unit_label}".replace(".", ",")


@dataclass(frozen=True)
class StepRecord:
    """One run of one SOP step: when it started, when it ended (None: still open).

    `ref` names the record the run belongs to (`event:12`), so two runs that happen to
    share their times are still two runs.
    """

    program: str
    step: int
    step_name: str
    started_at: datetime
    ended_at: datetime | None
    standard: TimeStandard
    ref: str = ""
    closed: str = ""
    """Why a run that never ended cannot end any more ("dibatalkan"); empty while it can."""


# --- SOP-321 Event Team -------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """A member assigned to a role for one event."""

    member: str
    role: str


@dataclass(frozen=True)
class MemberRating:
    """The Ketua's rating of one member for one event (1 to 5), with a note."""

    member: str
    score: int
    note: str = ""


@dataclass(frozen=True)
class EventFact:
    """One request for Event Team support and everything recorded about it.

    `status` is the stored code (requested, assigned, held, closed, cancelled, expired); an
    empty `sm_ratings` means the SM has not evaluated the event. `sm_ratings` maps a criterion
    to 1..5, `sm_role_ratings` maps a role (MC, Notulis ...) to 1..5; `sm_overall` is the SM's
    own overall rating when the form asks for one (otherwise the criteria's mean stands in).
    """

    id: int
    title: str
    requesting_unit: str
    office: str
    requested_at: datetime
    starts_at: datetime
    lead_working_days: int
    late: bool
    status: str
    roles_needed: Mapping[str, int] = field(default_factory=dict)
    assignments: Sequence[Assignment] = ()
    sm_ratings: Mapping[str, int] = field(default_factory=dict)
    sm_role_ratings: Mapping[str, int] = field(default_factory=dict)
    sm_suggestion: str = ""
    member_ratings: Sequence[MemberRating] = ()
    sm_overall: int | None = None
    requester: str = ""
    position: str = ""
    ends_at: datetime | None = None
    photos: Sequence[str] = ()
    """Paths of the documentation photos members sent in chat (under the data folder)."""
    cancel_reason: str = ""


@dataclass(frozen=True)
class EventTeamFacts:
    """Everything the Event Team quarterly report needs for one period."""

    period: Period
    events: Sequence[EventFact] = ()
    steps: Sequence[StepRecord] = ()
    as_of: datetime | None = None
    """When the facts were read: what has passed by then is held, expired or closed."""
    failed_deliveries: int = 0
    """Messages of the program that could not be delivered in the period."""


# --- SOP-098 Serawai ----------------------------------------------------------------------

SERAWAI_CHECKLIST = (
    "Undangan",
    "Draf kata sambutan",
    "Daftar hadir",
    "Dokumentasi",
    "Notulensi",
    "Saran dan masukan",
)
"""The session report's completeness items, as SOP-098 step 10 lists them."""


@dataclass(frozen=True)
class ProposalFact:
    """A theme proposed by a regency/city office."""

    id: int
    office: str
    title: str
    proposer: str
    speaker: str = ""


@dataclass(frozen=True)
class TurnoutFact:
    """Ballots per office: employees allowed to vote and employees who did."""

    office: str
    eligible: int
    voted: int


@dataclass(frozen=True)
class ThemeVotes:
    """Votes a theme received (a `GROUP BY` on ballots) and whether it was selected."""

    proposal_id: int
    title: str
    office: str
    votes: int
    selected: bool = False


@dataclass(frozen=True)
class RoundFact:
    """A Serawai round: its windows, proposals, turnout, votes and tie-break notes."""

    id: int
    name: str
    proposal_opens: date
    proposal_closes: date
    voting_opens: date
    voting_closes: date
    themes_to_select: int = 3
    proposals: Sequence[ProposalFact] = ()
    turnout: Sequence[TurnoutFact] = ()
    votes: Sequence[ThemeVotes] = ()
    tie_break_notes: Sequence[str] = ()


@dataclass(frozen=True)
class SessionFact:
    """A Serawai session held, its attendance, certificates, report checklist and approval.

    `checklist` maps a `SERAWAI_CHECKLIST` item to whether it was submitted (absent: missing);
    `cc_status` is approved, pending or rejected.
    """

    id: int
    title: str
    held_on: date
    host_office: str
    attendance: int = 0
    certificates: int = 0
    checklist: Mapping[str, bool] = field(default_factory=dict)
    cc_status: str = "pending"
    cc_note: str = ""


@dataclass(frozen=True)
class SpeakerRatingFact:
    """Participants' average ratings (1 to 5) of one speaker in one session."""

    speaker: str
    session_title: str
    mastery: float
    delivery: float
    relevance: float
    n: int

    @property
    def overall(self) -> float:
        """The mean of the three criteria."""
        return (self.mastery + self.delivery + self.relevance) / 3


@dataclass(frozen=True)
class HostRatingFact:
    """The province CAN's rating (1 to 5) of a host office for one session."""

    office: str
    session_title: str
    score: float
    n: int = 1
    note: str = ""


@dataclass(frozen=True)
class SerawaiFacts:
    """Everything the Serawai report needs for one period."""

    period: Period
    rounds: Sequence[RoundFact] = ()
    sessions: Sequence[SessionFact] = ()
    speaker_ratings: Sequence[SpeakerRatingFact] = ()
    host_ratings: Sequence[HostRatingFact] = ()
    best_speaker: str | None = None
    best_host: str | None = None
    steps: Sequence[StepRecord] = ()


# --- SOP-330 Pegasus ----------------------------------------------------------------------


@dataclass(frozen=True)
class DutyFact:
    """One weekly Pegasus duty: who, when, how it went, the poster and the proof of posting.

    `status` is on_time, late, missed, approved (approved, its posting day still ahead) or
    scheduled (not due yet); `proof_url` is a link to the post, `proof_path` a screenshot on
    disk.
    """

    week: int
    duty_date: date
    person: str
    office: str
    status: str
    swapped_from: str | None = None
    poster_path: str | None = None
    proof_url: str | None = None
    proof_path: str | None = None
    posted_at: datetime | None = None


@dataclass(frozen=True)
class PegasusFacts:
    """Everything the Pegasus quarterly report needs for one period."""

    period: Period
    duties: Sequence[DutyFact] = ()
    steps: Sequence[StepRecord] = ()
    failed_deliveries: int = 0


# --- Laporan MP Semesteran ----------------------------------------------------------------


@dataclass(frozen=True)
class HalfYearFacts:
    """The three programs' facts for each quarter of a half-year, first quarter first."""

    period: Period
    event_team: tuple[EventTeamFacts, EventTeamFacts]
    serawai: tuple[SerawaiFacts, SerawaiFacts]
    pegasus: tuple[PegasusFacts, PegasusFacts]
