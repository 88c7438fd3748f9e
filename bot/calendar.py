"""Working days and Indonesian dates.

Working days are Monday to Friday, except Indonesian national holidays and *cuti bersama*
(the `holidays` package's `public` and `government` categories) and the extra dates an admin
adds. Every time is stored in UTC and shown in WIB (Asia/Jakarta).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WIB = ZoneInfo("Asia/Jakarta")

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@lru_cache(maxsize=64)
def _national(year: int) -> dict[date, str]:
    found = holidays.country_holidays(
        "ID", years=year, categories=("public", "government"), language="id"
    )
    return dict(found.items())


class WorkCalendar:
    """Answers which days are working days; extra holidays are added by admins."""

    def __init__(self, extra_holidays: Iterable[tuple[date, str]] = ()) -> None:
        self._extra: dict[date, str] = dict(extra_holidays)

    def add_holiday(self, day: date, name: str) -> None:
        """Mark one more date as non-working (an admin's addition)."""
        self._extra[day] = name

    def holiday_name(self, day: date) -> str | None:
        """The holiday's name, or None when the day is not a holiday."""
        return self._extra.get(day) or _national(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday and not a holiday or cuti bersama."""
        return day.weekday() < 5 and self.holiday_name(day) is None

    def add_working_days(self, day: date, n: int) -> date:
        """The date `n` working days after (or before, for negative `n`) `day`."""
        step = 1 if n >= 0 else -1
        left = abs(n)
        current = day
        while left:
            current += timedelta(days=step)
            if self.is_working_day(current):
                left -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days strictly after `start` up to and including `end` (negative if reversed)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=offset))
        )

    def previous_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, otherwise the working day before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, otherwise the working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def end_of_working_days(self, start: datetime, n: int) -> datetime:
        """The deadline `n` working days after an instant: end of that working day, WIB."""
        local = to_wib(start).date()
        due = self.add_working_days(local, n)
        return datetime.combine(due, time(23, 59, 59), WIB).astimezone(UTC)

    def working_days_elapsed(self, start: datetime, end: datetime) -> float:
        """How many working days passed between two instants (fractions of a day count)."""
        if end <= start:
            return 0.0
        total = 0.0
        cursor = to_wib(start)
        stop = to_wib(end)
        while cursor < stop:
            next_midnight = datetime.combine(cursor.date() + timedelta(days=1), time(0), WIB)
            segment_end = min(next_midnight, stop)
            if self.is_working_day(cursor.date()):
                total += (segment_end - cursor).total_seconds() / 86400
            cursor = segment_end
        return total


class LiveCalendar:
    """The calendar every request shares, built anew when admins add a date.

    `load` reads the dates admins added (the composition root gives it the database); a
    reader always gets a whole calendar, never one half rebuilt.
    """

    def __init__(self, load: Callable[[], Iterable[tuple[date, str]]]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self.current = WorkCalendar()

    def reload(self) -> None:
        """Re-read the dates admins added."""
        extra = list(self._load())
        with self._lock:
            self.current = WorkCalendar(extra)


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def to_wib(moment: datetime) -> datetime:
    """A UTC (or naive-as-UTC) instant shown in WIB."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(WIB)


def wib_to_utc(day: date, at: time) -> datetime:
    """A WIB wall-clock date and time as a UTC instant."""
    return datetime.combine(day, at, WIB).astimezone(UTC)


QUIET_FROM = time(21)  # WIB: nothing proactive from here...
QUIET_UNTIL = time(6)  # ...to here; what falls due meanwhile goes out at this hour
OFFICE_OPENS = time(8)  # WIB: follow-ups (chasers) go out between these hours
OFFICE_CLOSES = time(16)


QuietHours = tuple[time, time] | None  # (from, until) in WIB; None: no quiet hours


def after_quiet_hours(moment: datetime, quiet: QuietHours = (QUIET_FROM, QUIET_UNTIL)) -> datetime:
    """`moment`, or the end of the quiet hours (06.00 WIB unless configured) when it falls
    inside them (21.00 to 06.00 WIB unless configured)."""
    if quiet is None:
        return moment
    start, end = quiet
    local = to_wib(moment)
    now = local.time()
    overnight = start > end
    inside = (now >= start or now < end) if overnight else (start <= now < end)
    if not inside:
        return moment
    day = local.date() + timedelta(days=1) if overnight and now >= start else local.date()
    return wib_to_utc(day, end)


def parse_quiet_hours(text: str) -> QuietHours:
    """ "21.00-06.00" (or "21:00-06:00") as (from, until); "" for none. ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    try:
        start, end = (
            time.fromisoformat(part.strip().replace(".", ":").zfill(5)) for part in text.split("-")
        )
    except ValueError:
        raise ValueError(
            f"quiet hours {text!r}: write them as 21.00-06.00, or leave empty"
        ) from None
    if start == end:
        raise ValueError(f"quiet hours {text!r}: the start and the end are the same")
    return start, end


def format_date(day: date, lang: str = "id") -> str:
    """'Senin, 7 April 2025' (or 'Monday, 7 April 2025' in English)."""
    if lang == "en":
        return f"{DAYS_EN[day.weekday()]}, {day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{HARI[day.weekday()]}, {day.day} {BULAN[day.month - 1]} {day.year}"


def format_datetime(moment: datetime, lang: str = "id") -> str:
    """'Senin, 7 April 2025 pukul 09.00 WIB' from a UTC instant."""
    local = to_wib(moment)
    if lang == "en":
        return f"{format_date(local.date(), lang)} at {local:%H:%M} WIB"
    return f"{format_date(local.date(), lang)} pukul {local:%H.%M} WIB"


def format_time(moment: datetime) -> str:
    """'09.00' in WIB."""
    return f"{to_wib(moment):%H.%M}"
