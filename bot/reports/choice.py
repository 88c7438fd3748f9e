"""What someone asks for: which report, over which quarter or half-year.

Periods are read the ways people write them ("Triwulan III 2025", "Semester I 2025", "TW 2
2025") and the ways scripts do ("2025Q3", "2025H1"); `PeriodRef.code` is the short form used
in keys and file names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.reports.compliance import half_period, quarter_of, quarter_period
from bot.reports.facts import Period

QUARTER, HALF = "Q", "H"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_WORDS = {
    "triwulan": QUARTER,
    "tw": QUARTER,
    "trw": QUARTER,
    "kuartal": QUARTER,
    "quarter": QUARTER,
    "q": QUARTER,
    "semester": HALF,
    "smt": HALF,
    "sem": HALF,
    "half": HALF,
    "h": HALF,
}
_CODE = re.compile(r"^(\d{4})\s*[-/ ]?\s*([qh])\s*([1-4])$")
_WORDED = re.compile(r"^([a-z]+)\s*[-.]?\s*(iv|iii|ii|i|[1-4])\s*(?:tahun\s*)?[-/ ]?\s*(\d{4})$")


@dataclass(frozen=True, order=True)
class PeriodRef:
    """A quarter (`Q`, 1-4) or a half-year (`H`, 1-2) of a year."""

    year: int
    kind: str
    number: int

    def __post_init__(self) -> None:
        top = 4 if self.kind == QUARTER else 2 if self.kind == HALF else 0
        if not 1 <= self.number <= top or not 2000 <= self.year <= 2999:
            raise ValueError(f"no such period: {self.year}{self.kind}{self.number}")

    @classmethod
    def containing(cls, day: date, kind: str) -> PeriodRef:
        """The quarter or half-year `day` falls in."""
        year, quarter = quarter_of(day)
        return cls(year, kind, quarter if kind == QUARTER else (quarter + 1) // 2)

    @classmethod
    def from_code(cls, code: str) -> PeriodRef:
        """'2025Q2' back into a period (raises ValueError for anything else)."""
        found = parse_period(code)
        if found is None:
            raise ValueError(f"not a period code: {code!r}")
        return found

    @property
    def is_half(self) -> bool:
        """Whether this is a half-year."""
        return self.kind == HALF

    @property
    def code(self) -> str:
        """'2025Q2', '2025H1'."""
        return f"{self.year}{self.kind}{self.number}"

    @property
    def period(self) -> Period:
        """The dates and label ('Triwulan II 2025')."""
        if self.is_half:
            return half_period(self.year, self.number)
        return quarter_period(self.year, self.number)

    @property
    def label(self) -> str:
        """'Triwulan II 2025', 'Semester I 2025'."""
        return self.period.label

    def shifted(self, by: int) -> PeriodRef:
        """The period `by` steps later (earlier when negative), of the same kind."""
        per_year = 2 if self.is_half else 4
        index = self.year * per_year + self.number - 1 + by
        return PeriodRef(index // per_year, self.kind, index % per_year + 1)

    def quarters(self) -> tuple[PeriodRef, ...]:
        """The quarters the period is made of (a quarter is its own)."""
        if not self.is_half:
            return (self,)
        first = 2 * self.number - 1
        return PeriodRef(self.year, QUARTER, first), PeriodRef(self.year, QUARTER, first + 1)


def parse_period(text: str) -> PeriodRef | None:
    """Read '2025Q2', 'Q2 2025', 'Triwulan II 2025', 'semester 1 2025'; None otherwise."""
    plain = " ".join(text.casefold().replace("_", " ").split())
    try:
        if match := _CODE.match(plain):
            return PeriodRef(int(match[1]), match[2].upper(), int(match[3]))
        if match := _WORDED.match(plain):
            kind = _WORDS.get(match[1])
            number = _ROMAN.get(match[2]) or int(match[2])
            return None if kind is None else PeriodRef(int(match[3]), kind, number)
    except ValueError:
        return None
    return None


class ReportProgram(StrEnum):
    """The reports there are: one per SOP program, and the half-year one over all three."""

    EVENT_TEAM = "event-team"
    SERAWAI = "serawai"
    PEGASUS = "pegasus"
    SEMESTER = "semester"

    @property
    def kinds(self) -> tuple[str, ...]:
        """The periods it covers: the Laporan MP Semesteran half-years only, others both."""
        return (HALF,) if self is ReportProgram.SEMESTER else (QUARTER, HALF)

    def accepts(self, ref: PeriodRef) -> bool:
        """Whether the report can be made for this period."""
        return ref.kind in self.kinds


QUARTERLY = (ReportProgram.EVENT_TEAM, ReportProgram.SERAWAI, ReportProgram.PEGASUS)
_PROGRAM_WORDS = {
    "eventteam": ReportProgram.EVENT_TEAM,
    "et": ReportProgram.EVENT_TEAM,
    "sop321": ReportProgram.EVENT_TEAM,
    "serawai": ReportProgram.SERAWAI,
    "sop098": ReportProgram.SERAWAI,
    "pegasus": ReportProgram.PEGASUS,
    "sop330": ReportProgram.PEGASUS,
    "semester": ReportProgram.SEMESTER,
    "semesteran": ReportProgram.SEMESTER,
    "mp": ReportProgram.SEMESTER,
    "mpsemesteran": ReportProgram.SEMESTER,
}


def parse_program(text: str) -> ReportProgram | None:
    """'event-team', 'Event Team', 'semester', 'MP Semesteran'...; None otherwise."""
    return _PROGRAM_WORDS.get(re.sub(r"[^a-z0-9]", "", text.casefold()))
