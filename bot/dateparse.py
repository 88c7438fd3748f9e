"""Reading the dates and times people type: `7/4/2025 09.00`, `7 April 2025 jam 9`, `besok 13:00`.

We wrote this instead of using dateparser: it needs only the handful of Indonesian forms our
users type, must read `7/4` day-first always, and must never guess a date from noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip
RELATIVE = {"hari ini": 0, "today": 0, "besok": 1, "tomorrow": 1, "lusa": 2}
WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5,
    "minggu": 6, "ahad": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip

_NUMERIC = re.compile(r"\b(\d{1,2})[/\-.](\d{1,2})(?:[/\-.](\d{2,4}))?\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDY = re.compile(r"\b(\d{1,2})\s+([a-z']+)\.?(?:\s+(\d{4}))?\b")
_TIME = re.compile(
    r"(?:\b(?:jam|pukul|pk\.?|at)\s*(\d{1,2})(?:[.:](\d{2}))?\b)|(?:\b(\d{1,2})[.:](\d{2})\b)"
)
_UNTIL = re.compile(
    r"(?:sampai|s\.?d\.?|hingga|until|-|–)\s*(?:jam|pukul)?\s*(\d{1,2})(?:[.:](\d{2}))?\b"
)


@dataclass(frozen=True)
class Parsed:
    """A date, and the start and end times when given."""

    day: date
    start: time | None = None
    end: time | None = None


def _year(raw: str | None, today: date, month: int, day: int) -> int | None:
    if raw is None:
        # No year: the next such date from today.
        try:
            candidate = date(today.year, month, day)
        except ValueError:
            return None
        return today.year if candidate >= today else today.year + 1
    value = int(raw)
    return value + 2000 if value < 100 else value


def _make(year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date_part(text: str, today: date) -> tuple[date | None, str]:
    """The date in `text` and the text left once it is taken out."""
    lowered = text.casefold().strip()
    for word, offset in RELATIVE.items():
        if re.search(rf"\b{word}\b", lowered):
            return today + timedelta(days=offset), lowered.replace(word, " ")
    if match := _ISO.search(lowered):
        found = _make(int(match[1]), int(match[2]), int(match[3]))
        return found, lowered.replace(match[0], " ")
    for match in _WORDY.finditer(lowered):
        month = MONTHS.get(match[2])
        if month is not None:
            day = int(match[1])
            found = _make(_year(match[3], today, month, day), month, day)
            return found, lowered.replace(match[0], " ")
    # A time like 09.00 also matches d.m: only take dotted pairs when a year follows.
    if (match := _NUMERIC.search(lowered)) and (match[3] is not None or "/" in match[0]):
        day, month = int(match[1]), int(match[2])
        found = _make(_year(match[3], today, month, day), month, day)
        return found, lowered.replace(match[0], " ")
    for word, weekday in WEEKDAYS.items():
        if re.search(rf"\b{word}\b", lowered):
            ahead = (weekday - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead), lowered.replace(word, " ")
    return None, lowered


def parse_times(text: str) -> list[time]:
    """Every time of day in `text`, in order (`09.00`, `9:30`, `jam 9`, `pukul 13`)."""
    found: list[time] = []
    for match in _TIME.finditer(text):
        hour = int(match[1] or match[3])
        minute = int(match[2] or match[4] or 0)
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            found.append(time(hour, minute))
    return found


def parse_when(text: str, today: date) -> Parsed | None:
    """A date with optional start and end times; None when no date can be read."""
    day, rest = parse_date_part(text, today)
    if day is None:
        return None
    times = parse_times(rest)
    if not times:
        # A bare "s.d. 11" or "- 11" after a time is rare; plain hours after a date are not.
        hours = [int(h) for h in re.findall(r"\b(\d{1,2})\b", rest) if int(h) <= 23]
        times = [time(h) for h in hours[:2]]
    if len(times) == 1 and (until := _UNTIL.search(rest)):
        hour, minute = int(until[1]), int(until[2] or 0)
        if hour <= 23 and minute <= 59:
            times.append(time(hour, minute))
    start = times[0] if times else None
    end = times[1] if len(times) > 1 else None
    if start and end and end <= start:
        end = None
    return Parsed(day, start, end)


def parse_date(text: str, today: date) -> date | None:
    """Just the date."""
    day, _ = parse_date_part(text, today)
    return day
