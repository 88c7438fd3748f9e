"""The working-day calendar knows Indonesian holidays and cuti bersama."""

from datetime import UTC, date, datetime, time

import pytest
from pydantic import ValidationError

from bot.calendar import (
    WorkCalendar,
    after_quiet_hours,
    format_date,
    format_datetime,
    parse_quiet_hours,
    wib_to_utc,
)
from bot.config import Settings

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


# (WIB wall time of the moment, quiet hours as configured) -> WIB wall time it may go out.
QUIET_CASES = [
    ("2025-04-07 20:59", "21.00-06.00", "2025-04-07 20:59"),
    ("2025-04-07 21:00", "21.00-06.00", "2025-04-08 06:00"),
    ("2025-04-07 23:30", "21.00-06.00", "2025-04-08 06:00"),
    ("2025-04-08 02:00", "21.00-06.00", "2025-04-08 06:00"),
    ("2025-04-08 06:00", "21.00-06.00", "2025-04-08 06:00"),
    ("2025-04-08 05:00", "22:30-05:15", "2025-04-08 05:15"),
    ("2025-04-07 22:45", "22:30-05:15", "2025-04-08 05:15"),
    ("2025-04-07 12:30", "12.00-13.00", "2025-04-07 13:00"),  # a quiet hour within a day
    ("2025-04-07 13:00", "12.00-13.00", "2025-04-07 13:00"),
    ("2025-04-07 23:30", "", "2025-04-07 23:30"),  # none configured: at once
]


@pytest.mark.parametrize(("at", "quiet", "goes"), QUIET_CASES)
def test_proactive_messages_wait_for_the_end_of_the_configured_quiet_hours(
    at: str, quiet: str, goes: str
) -> None:
    def instant(text: str) -> datetime:
        day, clock = text.split()
        return wib_to_utc(date.fromisoformat(day), time.fromisoformat(clock))

    assert after_quiet_hours(instant(at), parse_quiet_hours(quiet)) == instant(goes)


def test_quiet_hours_are_the_night_unless_configured() -> None:
    assert Settings(_env_file=None).quiet_window == (time(21), time(6))
    assert Settings(_env_file=None, quiet_hours="").quiet_window is None
    for wrong in ("21-06", "malam", "21.00-21.00", "25.00-06.00"):
        with pytest.raises(ValidationError, match="quiet hours"):
            Settings(_env_file=None, quiet_hours=wrong)
