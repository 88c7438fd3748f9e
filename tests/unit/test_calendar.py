"""The working-day calendar knows Indonesian holidays and cuti bersama."""

from datetime import UTC, date, datetime

import pytest

from bot.calendar import WorkCalendar, format_date, format_datetime

CAL = WorkCalendar()


def test_nyepi_and_idul_fitri_2025_with_cuti_bersama_are_not_working_days() -> None:
    # 28 Mar cuti bersama Nyepi; 31 Mar-1 Apr Idul Fitri; 2-4 and 7 Apr cuti bersama.
    for day in (28, 31):
        assert not CAL.is_working_day(date(2025, 3, day))
    for day in (1, 2, 3, 4, 7):
        assert not CAL.is_working_day(date(2025, 4, day))
    assert CAL.is_working_day(date(2025, 3, 27))
    assert CAL.is_working_day(date(2025, 4, 8))


def test_working_days_between_26_march_and_8_april_2025() -> None:
    # Only 27 March and 8 April are working days in (26 Mar, 8 Apr].
    assert CAL.working_days_between(date(2025, 3, 26), date(2025, 4, 8)) == 2
    assert CAL.working_days_between(date(2025, 3, 26), date(2025, 4, 14)) == 6
    assert CAL.working_days_between(date(2025, 4, 8), date(2025, 3, 26)) == -2


def test_add_working_days_skips_the_holiday_block() -> None:
    assert CAL.add_working_days(date(2025, 3, 27), 1) == date(2025, 4, 8)
    assert CAL.add_working_days(date(2025, 4, 8), -1) == date(2025, 3, 27)
    assert CAL.add_working_days(date(2025, 3, 26), 3) == date(2025, 4, 9)


def test_weekends_are_not_working_days() -> None:
    assert not CAL.is_working_day(date(2025, 4, 12))  # Saturday
    assert not CAL.is_working_day(date(2025, 4, 13))  # Sunday


def test_admin_added_dates_are_holidays() -> None:
    cal = WorkCalendar([(date(2025, 4, 9), "Libur kantor")])
    assert not cal.is_working_day(date(2025, 4, 9))
    assert cal.holiday_name(date(2025, 4, 9)) == "Libur kantor"
    assert cal.add_working_days(date(2025, 4, 8), 1) == date(2025, 4, 10)


def test_previous_working_day_moves_back_over_holidays() -> None:
    assert CAL.previous_working_day(date(2025, 4, 7)) == date(2025, 3, 27)
    assert CAL.next_working_day(date(2025, 3, 28)) == date(2025, 4, 8)


def test_elapsed_working_time_ignores_holidays() -> None:
    start = datetime(2025, 3, 27, 3, 0, tzinfo=UTC)  # Thu 10:00 WIB
    end = datetime(2025, 4, 8, 3, 0, tzinfo=UTC)  # Tue 10:00 WIB, after the holiday block
    assert CAL.working_days_elapsed(start, end) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("day", "lang", "shown"),
    [
        (date(2025, 4, 7), "id", "Senin, 7 April 2025"),
        (date(2025, 8, 17), "id", "Minggu, 17 Agustus 2025"),
        (date(2025, 4, 7), "en", "Monday, 7 April 2025"),
    ],
)
def test_dates_are_shown_in_indonesian(day: date, lang: str, shown: str) -> None:
    assert format_date(day, lang) == shown


def test_times_are_shown_in_wib() -> None:
    moment = datetime(2025, 4, 7, 2, 0, tzinfo=UTC)
    assert format_datetime(moment) == "Senin, 7 April 2025 pukul 09.00 WIB"
