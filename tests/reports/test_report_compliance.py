"""Time-standard compliance, measured by hand around Idul Fitri 2025, and the quarter helpers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.calendar import WorkCalendar
from bot.reports.compliance import (
    StepCompliance,
    compliance,
    compliance_by_quarter,
    duration,
    half_bounds,
    half_label,
    quarter_bounds,
    quarter_label,
    quarter_of,
    quarter_period,
)
from bot.reports.facts import StepRecord, TimeStandard
from tests.reports.factories import wib

CAL = WorkCalendar()
WD1 = TimeStandard.working_days(1)
M10 = TimeStandard.minutes(10)
Q1, Q2 = quarter_period(2025, 1), quarter_period(2025, 2)


def assign(start: tuple[int, int, int], end: tuple[int, int, int] | None) -> StepRecord:
    """SOP-321 step 3 (1 working day): from (month, day, hour) to (month, day, hour), WIB."""
    began = wib(date(2025, start[0], start[1]), start[2])
    ended = None if end is None else wib(date(2025, end[0], end[1]), end[2])
    return StepRecord("sop321", 3, "Penugasan peran oleh Ketua", began, ended, WD1)


# 28 March to 7 April 2025 are not working days (cuti bersama Nyepi, Idul Fitri, cuti bersama).
THU_TO_TUE = assign((3, 27, 14), (4, 8, 10))  # 10 h on Thu 27 + 10 h on Tue 8 = 0.8333
WED_TO_TUE = assign((3, 26, 9), (4, 8, 9))  # 15 h + 24 h + 9 h = 2.0
HOLIDAY_START = assign((4, 7, 9), (4, 8, 12))  # Mon 7 Apr is cuti bersama: 12 h = 0.5
OVER_WEEKEND = assign((4, 11, 16), (4, 14, 15))  # 8 h on Fri + 15 h on Mon = 0.9583
IN_MARCH = assign((3, 24, 8), (3, 25, 10))  # 16 h + 10 h = 1.0833, ends in Triwulan I
STILL_OPEN = assign((4, 15, 9), None)
RECORDS = [THU_TO_TUE, WED_TO_TUE, HOLIDAY_START, OVER_WEEKEND, IN_MARCH, STILL_OPEN]


def step(results: list[StepCompliance], number: int) -> StepCompliance:
    return next(r for r in results if r.step == number)


def test_working_days_are_measured_across_the_idul_fitri_holidays() -> None:
    assert duration(THU_TO_TUE, CAL) == pytest.approx(20 / 24)
    assert duration(WED_TO_TUE, CAL) == pytest.approx(2.0)
    assert duration(HOLIDAY_START, CAL) == pytest.approx(0.5)
    assert duration(OVER_WEEKEND, CAL) == pytest.approx(23 / 24)
    assert duration(STILL_OPEN, CAL) is None


def test_a_quarter_counts_runs_that_ended_in_it_with_median_and_share() -> None:
    result = step(compliance(RECORDS, CAL, program="sop321", period=Q2), 3)
    assert (result.done, result.within, result.open) == (4, 3, 1)
    # sorted: 0.5, 0.8333, 0.9583, 2.0 -> median (0.8333 + 0.9583) / 2
    assert result.median == pytest.approx((20 / 24 + 23 / 24) / 2)
    assert result.share == pytest.approx(0.75)
    assert result.summary == "3 dari 4 (75%)"
    assert result.median_label == "0,9 hari kerja"
    assert result.standard.label == "1 hari kerja"


def test_each_quarter_is_measured_on_its_own() -> None:
    by_quarter = compliance_by_quarter(RECORDS, CAL, [Q1, Q2], program="sop321")
    march = step(by_quarter["Triwulan I 2025"], 3)
    assert (march.done, march.within) == (1, 0)
    assert march.median == pytest.approx(26 / 24)
    assert march.summary == "0 dari 1 (0%)"
    assert step(by_quarter["Triwulan II 2025"], 3).done == 4


def test_minutes_standard_counts_exactly_ten_minutes_as_within() -> None:
    records = [
        StepRecord(
            "sop321", 2, "Input", wib(date(2025, 4, 8), 9), wib(date(2025, 4, 8), 9, m), M10
        )
        for m in (8, 10, 25)
    ]
    result = step(compliance(records, CAL, program="sop321"), 2)
    assert (result.done, result.within, result.median) == (3, 2, 10.0)
    assert result.summary == "2 dari 3 (66,7%)"
    assert result.median_label == "10 menit"


def test_steps_never_done_are_listed_and_say_so() -> None:
    results = compliance(RECORDS, CAL, program="sop321", period=Q2)
    assert [r.step for r in results] == [1, 2, 3, 4, 5, 6, 7]
    never = step(results, 7)
    assert (never.done, never.median, never.share) == (0, None, None)
    assert never.summary == "Tidak ada pada periode ini"
    assert never.median_label == "–"


def test_a_step_outside_the_catalogue_is_reported_with_its_own_name() -> None:
    odd = StepRecord(
        "sop098",
        8,
        "Koordinasi dengan Event Team",
        wib(date(2025, 5, 5)),
        wib(date(2025, 5, 6)),
        TimeStandard.working_days(10),
    )
    results = compliance([odd], CAL, program="sop098")
    extra = step(results, 8)
    assert (extra.step_name, extra.done, extra.within) == ("Koordinasi dengan Event Team", 1, 1)
    assert results[-1] is extra


@pytest.mark.parametrize(
    ("day", "quarter", "bounds"),
    [
        (date(2025, 1, 1), (2025, 1), (date(2025, 1, 1), date(2025, 3, 31))),
        (date(2025, 4, 1), (2025, 2), (date(2025, 4, 1), date(2025, 6, 30))),
        (date(2025, 9, 30), (2025, 3), (date(2025, 7, 1), date(2025, 9, 30))),
        (date(2025, 12, 31), (2025, 4), (date(2025, 10, 1), date(2025, 12, 31))),
    ],
)
def test_quarter_of_and_its_bounds(
    day: date, quarter: tuple[int, int], bounds: tuple[date, date]
) -> None:
    assert quarter_of(day) == quarter
    assert quarter_bounds(*quarter) == bounds


def test_labels_and_half_years() -> None:
    assert quarter_label(2025, 1) == "Triwulan I 2025"
    assert quarter_label(2025, 4) == "Triwulan IV 2025"
    assert half_label(2025, 1) == "Semester I 2025"
    assert half_label(2025, 2) == "Semester II 2025"
    assert half_bounds(2025, 1) == (date(2025, 1, 1), date(2025, 6, 30))
    assert half_bounds(2025, 2) == (date(2025, 7, 1), date(2025, 12, 31))
    with pytest.raises(ValueError, match="quarter"):
        quarter_bounds(2025, 5)
    with pytest.raises(ValueError, match="half"):
        half_label(2025, 3)


def test_period_utc_bounds_start_at_wib_midnight() -> None:
    start, end = quarter_period(2025, 2).utc_bounds()
    assert start.isoformat() == "2025-03-31T17:00:00+00:00"
    assert end.isoformat() == "2025-06-30T17:00:00+00:00"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_every_day_lies_in_its_quarter_and_half(day: date) -> None:
    year, quarter = quarter_of(day)
    first, last = quarter_bounds(year, quarter)
    assert first <= day <= last
    half_first, half_last = half_bounds(year, (quarter + 1) // 2)
    assert half_first <= first
    assert last <= half_last
