"""SOP time-standard compliance per step and per quarter, and the quarter and half helpers.

A step run is counted in the period in which it ended (WIB). Its duration is measured in the
standard's own unit: minutes of wall-clock time, or working days with
`WorkCalendar.working_days_elapsed` (weekends, holidays and cuti bersama do not count). A run
is within the standard when its duration is at most the standard.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.calendar import WorkCalendar, to_wib
from bot.reports import fmt
from bot.reports.definitions import automated
from bot.reports.facts import Period, Program, StepRecord, TimeStandard

__all__ = [
    "SOP_STEPS",
    "STEP_NAMES",
    "StepCompliance",
    "StepDef",
    "StepRecord",
    "TimeStandard",
    "compliance",
    "compliance_by_quarter",
    "duration",
    "half_bounds",
    "half_label",
    "half_period",
    "quarter_bounds",
    "quarter_label",
    "quarter_of",
    "quarter_period",
    "quarters_of_half",
]

# --- quarters and halves --------------------------------------------------------------------


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter 1..4) of a calendar day."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1..4, not {quarter}")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def half_bounds(year: int, half: int) -> tuple[date, date]:
    """First and last day of a half-year (1: January to June, 2: July to December)."""
    if half not in (1, 2):
        raise ValueError(f"half must be 1 or 2, not {half}")
    return quarter_bounds(year, 2 * half - 1)[0], quarter_bounds(year, 2 * half)[1]


def quarter_label(year: int, quarter: int) -> str:
    """'Triwulan I 2025'."""
    quarter_bounds(year, quarter)
    return f"Triwulan {fmt.ROMAN[quarter - 1]} {year}"


def half_label(year: int, half: int) -> str:
    """'Semester I 2025'."""
    half_bounds(year, half)
    return f"Semester {fmt.ROMAN[half - 1]} {year}"


def quarter_period(year: int, quarter: int) -> Period:
    """A quarter as a `Period` with its label."""
    start, end = quarter_bounds(year, quarter)
    return Period(start, end, quarter_label(year, quarter))


def half_period(year: int, half: int) -> Period:
    """A half-year as a `Period` with its label."""
    start, end = half_bounds(year, half)
    return Period(start, end, half_label(year, half))


def quarters_of_half(year: int, half: int) -> tuple[Period, Period]:
    """The two quarters of a half-year."""
    return quarter_period(year, 2 * half - 1), quarter_period(year, 2 * half)


# --- the SOP steps and their standards ------------------------------------------------------


@dataclass(frozen=True)
class StepDef:
    """An SOP step with a measurable time standard."""

    program: str
    step: int
    name: str
    standard: TimeStandard


_M = TimeStandard.minutes
_WD = TimeStandard.working_days

SOP_STEPS: tuple[StepDef, ...] = (
    StepDef(Program.EVENT_TEAM, 1, "Koordinasi awal kebutuhan dukungan", _M(30)),
    StepDef(Program.EVENT_TEAM, 2, "Input permintaan dukungan Event Team", _M(10)),
    StepDef(Program.EVENT_TEAM, 3, "Penugasan peran oleh Ketua", _WD(1)),
    StepDef(Program.EVENT_TEAM, 4, "Pelaksanaan kegiatan", _WD(1)),
    StepDef(Program.EVENT_TEAM, 5, "Pengiriman form evaluasi kepada SM", _WD(1)),
    StepDef(Program.EVENT_TEAM, 6, "Pengisian form evaluasi oleh SM", _M(10)),
    StepDef(Program.EVENT_TEAM, 7, "Evaluasi internal oleh Ketua", _WD(1)),
    StepDef(Program.SERAWAI, 1, "Penyusunan konsep dan jadwal", _WD(3)),
    StepDef(Program.SERAWAI, 2, "Pengumuman putaran dan mekanisme pemilihan tema", _WD(1)),
    StepDef(Program.SERAWAI, 3, "Pengusulan tema oleh BPS Kabupaten/Kota", _WD(7)),
    StepDef(Program.SERAWAI, 4, "Pemungutan suara tema", _WD(15)),
    StepDef(Program.SERAWAI, 5, "Pengumuman tema terpilih, jadwal dan tuan rumah", _WD(1)),
    StepDef(Program.SERAWAI, 6, "Penyampaian susunan panitia", _WD(1)),
    StepDef(Program.SERAWAI, 7, "Pengecekan persiapan dengan CA Provinsi", _WD(1)),
    StepDef(Program.SERAWAI, 9, "Pelaksanaan sesi Serawai", _M(120)),
    StepDef(Program.PEGASUS, 1, "Penyusunan jadwal piket mingguan", _WD(3)),
    StepDef(Program.PEGASUS, 2, "Penyiapan template poster", _WD(1)),
    StepDef(Program.PEGASUS, 3, "Pengingat H-5 dan H-3", _WD(2)),
    StepDef(Program.PEGASUS, 4, "Penyusunan kutipan dan desain poster", _WD(3)),
    StepDef(Program.PEGASUS, 5, "Unggah ke grup WhatsApp/Instagram", _WD(1)),
    StepDef(Program.PEGASUS, 6, "Penyusunan laporan triwulan", _WD(5)),
)
"""Every step whose SOP sets a duration; steps with a lead time or a period are left out."""

STEP_NAMES: dict[tuple[str, int], str] = {
    **{(s.program, s.step): s.name for s in SOP_STEPS},
    # recorded by the services although the SOP gives them a lead time or a period instead
    (Program.SERAWAI, 8): "Koordinasi dengan Event Team",
    (Program.SERAWAI, 10): "Laporan sesi dan persetujuan CC",
    (Program.SERAWAI, 11): "Evaluasi penyaji dan penyelenggara",
}
"""The name of every SOP step the services record, for step records read from the database."""

SOP_OUTPUTS: dict[tuple[str, int], str] = {
    (Program.EVENT_TEAM, 1): "Konfirmasi rencana kegiatan dan kebutuhan peran Event Team",
    (Program.EVENT_TEAM, 2): "Notifikasi kebutuhan Event Team",
    (Program.EVENT_TEAM, 3): "Daftar alokasi peran dan nama anggota Event Team",
    (Program.EVENT_TEAM, 4): "Kegiatan berjalan sesuai peran; dokumentasi kegiatan",
    (Program.EVENT_TEAM, 5): "Form evaluasi terkirim",
    (Program.EVENT_TEAM, 6): "Evaluasi tersimpan sebagai dokumen monitoring",
    (Program.EVENT_TEAM, 7): "Evaluasi tersimpan sebagai dokumen monitoring",
    (Program.SERAWAI, 1): "Konsep dan jadwal penyelenggaraan Serawai",
    (Program.SERAWAI, 2): "Surat penyelenggaraan kegiatan Serawai",
    (Program.SERAWAI, 3): "Daftar usulan tema dari BPS kabupaten/kota",
    (Program.SERAWAI, 4): "Tema terpilih dari usulan kabupaten/kota",
    (Program.SERAWAI, 5): "Pengumuman tema terpilih dan jadwal pelaksanaan",
    (Program.SERAWAI, 6): "Surat daftar nama pelaksana Serawai",
    (Program.SERAWAI, 7): "Konfirmasi kesiapan penyelenggaraan kegiatan",
    (Program.SERAWAI, 8): "Konfirmasi kebutuhan peran Event Team",
    (Program.SERAWAI, 9): "Sertifikat, dokumentasi kegiatan, notulensi",
    (Program.SERAWAI, 10): "Laporan kegiatan Serawai disetujui CC",
    (Program.SERAWAI, 11): "Rekap penilaian penyaji dan penyelenggara",
    (Program.PEGASUS, 1): "Daftar petugas Pegasus setiap minggu",
    (Program.PEGASUS, 2): "Desain template/format Pegasus",
    (Program.PEGASUS, 3): "Pesan pengingat kepada petugas",
    (Program.PEGASUS, 4): "Desain Pegasus",
    (Program.PEGASUS, 5): "Desain Pegasus terunggah di grup WhatsApp kantor/Instagram",
    (Program.PEGASUS, 6): "Laporan Pegasus Triwulan",
}
"""Each step's output (*output* of the SOP's *mutu baku*), shown beside its time standard."""


# --- measuring ------------------------------------------------------------------------------


def duration(record: StepRecord, calendar: WorkCalendar) -> float | None:
    """How long a finished run took, in its standard's unit; None while it is still open."""
    if record.ended_at is None:
        return None
    if record.standard.unit == "minutes":
        return max(0.0, (record.ended_at - record.started_at).total_seconds() / 60)
    return calendar.working_days_elapsed(record.started_at, record.ended_at)


@dataclass(frozen=True)
class StepCompliance:
    """One step's runs in a period: how many, their median, how many met the standard."""

    program: str
    step: int
    step_name: str
    standard: TimeStandard
    done: int
    within: int
    median: float | None
    open: int = 0
    closed: int = 0
    """Runs that can no longer finish (request cancelled, window closed): not measured."""

    @property
    def automated(self) -> bool:
        """Whether the bot carries out this step (reported apart from people's work)."""
        return automated(self.program, self.step)

    @property
    def output(self) -> str:
        """The step's output as the SOP's mutu baku names it."""
        return SOP_OUTPUTS.get((self.program, self.step), "")

    @property
    def share(self) -> float | None:
        """Share of finished runs within the standard; None when none finished."""
        return self.within / self.done if self.done else None

    @property
    def summary(self) -> str:
        """'18 dari 20 (90%)', or 'Tidak ada pada periode ini'."""
        if not self.done:
            return NONE_IN_PERIOD
        return fmt.ratio(self.within, self.done)

    @property
    def median_label(self) -> str:
        """'12 menit', '0,8 hari kerja', '2 hari kerja', or '–'."""
        if self.median is None:
            return fmt.EMPTY
        decimals = 0 if self.standard.unit == "minutes" else 1
        return f"{fmt.trimmed(self.median, decimals)} {self.standard.unit_label}"


NONE_IN_PERIOD = "Tidak ada pada periode ini"


def _ended_on(record: StepRecord) -> date | None:
    return None if record.ended_at is None else to_wib(record.ended_at).date()


def compliance(
    records: Iterable[StepRecord],
    calendar: WorkCalendar,
    *,
    program: str | None = None,
    period: Period | None = None,
    steps: Sequence[StepDef] = SOP_STEPS,
) -> list[StepCompliance]:
    """Per step: runs finished in the period, their median and how many met the standard."""
    # Every step of `steps` (of `program`, when given) is listed even when it never ran;
    # records of other steps are listed too, with their own name and standard. A run still
    # open counts in `open` when it started in the period. Each run is judged against the
    # standard stored with it.
    wanted = [s for s in steps if program is None or s.program == program]
    durations: dict[tuple[str, int], list[float]] = {(s.program, s.step): [] for s in wanted}
    within: dict[tuple[str, int], int] = dict.fromkeys(durations, 0)
    still_open: dict[tuple[str, int], int] = dict.fromkeys(durations, 0)
    closed: dict[tuple[str, int], int] = dict.fromkeys(durations, 0)
    known: dict[tuple[str, int], tuple[str, TimeStandard]] = {
        (s.program, s.step): (s.name, s.standard) for s in wanted
    }
    for record in records:
        if program is not None and record.program != program:
            continue
        key = (str(record.program), record.step)
        if key not in known:
            known[key] = (record.step_name, record.standard)
            durations[key], within[key], still_open[key], closed[key] = [], 0, 0, 0
        if record.ended_at is None:
            started = to_wib(record.started_at).date()
            if period is None or period.contains(started):
                (closed if record.closed else still_open)[key] += 1
            continue
        ended = _ended_on(record)
        if period is not None and (ended is None or not period.contains(ended)):
            continue
        took = duration(record, calendar)
        assert took is not None
        durations[key].append(took)
        # a hair of tolerance so that 10 minutes measured from stored seconds still counts
        if took <= record.standard.amount + 1e-9:
            within[key] += 1
    out: list[StepCompliance] = []
    order = {(s.program, s.step): i for i, s in enumerate(steps)}
    for key in sorted(known, key=lambda k: (order.get(k, len(order)), k)):
        name, standard = known[key]
        values = durations[key]
        out.append(
            StepCompliance(
                program=key[0],
                step=key[1],
                step_name=name,
                standard=standard,
                done=len(values),
                within=within[key],
                median=statistics.median(values) if values else None,
                open=still_open[key],
                closed=closed[key],
            )
        )
    return out


def compliance_by_quarter(
    records: Iterable[StepRecord],
    calendar: WorkCalendar,
    quarters: Sequence[Period],
    *,
    program: str | None = None,
    steps: Sequence[StepDef] = SOP_STEPS,
) -> dict[str, list[StepCompliance]]:
    """`compliance` for each period of `quarters`, keyed by the period's label."""
    listed = list(records)
    return {
        q.label: compliance(listed, calendar, program=program, period=q, steps=steps)
        for q in quarters
    }
