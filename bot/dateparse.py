"""Reading the dates and times people type: `7/4/2026 09.00`, `besok jam 2 siang`, `kamis depan
setengah 3 sore s.d. 4`, `lusa pukul 8 kurang seperempat`.

We wrote this instead of using dateparser: it needs only the Indonesian forms our users type,
must read `7/4` day-first always, must know that `jam 2 siang` is 14.00 (dateparser has no
*pagi/siang/sore/malam* and no *setengah*), and must never guess a date from noise.

The grammar, in short:
- a date: `hari ini`, `besok`, `lusa`; `7/4`, `7/4/2026`, `7-4-2026`, `2026-04-07`; `7 April`,
  `7 Apr 2026`; `tanggal 7` (the next 7th); a weekday (`kamis`: the next one; `kamis ini`: this
  week's; `kamis depan` or `kamis minggu depan`: next week's). `minggu depan`, `pekan depan` or
  `bulan depan` alone name no day: `vague` says so, for the flow to ask which day.
- a time: `09.00`, `9:30`, `jam 9`, `pukul 13`, `jam 2 siang` (14.00), `jam 7 malam` (19.00),
  `jam 3 sore`, `jam 10 pagi`, `setengah 3` (2.30), `jam 3 kurang seperempat` (2.45), `jam 3
  lewat seperempat` (3.15), `jam 3 kurang 10` (2.50), `jam 3 lewat 10 menit` (3.10); `WIB`
  ignored.
- a range: two times joined by `s.d.`, `s/d`, `sd`, `sampai`, `hingga`, `-`; a part of the day
  given only after the second applies to the first too when that keeps the order (`jam 1-3
  siang`: 13.00-15.00). `sampai selesai` ends nowhere.
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
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6,
    "ahad": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip
EARLIEST_OFFICE_HOUR = time(6)  # an event outside 06.00-22.00 is confirmed, not just taken
LATEST_OFFICE_HOUR = time(22)

_NUMERIC = re.compile(r"\b(\d{1,2})[/\-.](\d{1,2})(?:[/\-.](\d{2,4}))?\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDY = re.compile(r"\b(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?\b")
_DAY_OF_MONTH = re.compile(r"\b(?:tanggal|tgl\.?)\s*(\d{1,2})\b")
_WEEKDAY = re.compile(rf"\b(hari\s+)?({'|'.join(WEEKDAYS)})\b(?:\s+(ini|depan)\b)?")
_WEEK = re.compile(r"\b(?:minggu|pekan)\s+(depan|ini)\b")
_VAGUE = re.compile(r"\b(?:minggu|pekan|bulan)\s+(?:depan|ini)\b")
_PERIOD = r"(?P<period>pagi|siang|sore|malam|dini\s+hari|subuh)"
_MINUTES = (
    r"(?:(?P<how>kurang|lewat|lebih)\s+(?P<amount>seperempat|setengah|\d{1,2})(?:\s*menit)?)"
)
# One time of day: an optional "jam"/"pukul", then "setengah H" or "H[.MM]", an optional
# "kurang/lewat ..." and an optional part of the day.
_CLOCK = re.compile(
    r"(?P<mark>\b(?:jam|pukul|pk\.?|at)\s*)?"
    r"(?:\b(?P<half>setengah)\s+(?P<hh>\d{1,2})\b|\b(?P<h>\d{1,2})(?:[.:](?P<mm>\d{2}))?\b)"
    rf"(?:\s*{_MINUTES})?"
    rf"(?:\s*{_PERIOD}\b)?"
)
_JOINER = re.compile(r"^\s*(?:-|–|sampai|hingga|until|to|s\.?\s?d\.?|s/d)\s*$")
_UNTIL_DONE = re.compile(r"\b(?:sampai|s\.?d\.?|s/d|hingga)\s+(?:selesai|beres)\b")


@dataclass(frozen=True)
class Parsed:
    """A date, and the start and end times when given."""

    day: date
    start: time | None = None
    end: time | None = None

    @property
    def odd_hours(self) -> bool:
        """True when a time is before 06.00 or after 22.00 (worth asking about)."""
        return any(
            t is not None and (t < EARLIEST_OFFICE_HOUR or t > LATEST_OFFICE_HOUR)
            for t in (self.start, self.end)
        )


def normalise(text: str) -> str:
    """Lower case, one space between words, the usual spellings made one."""
    lowered = text.casefold().replace("jum'at", "jumat").replace("’", "'").replace("–", "-")
    return " ".join(lowered.replace(",", " ").split())


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


def _next_day_of_month(today: date, day: int) -> date | None:
    year, month = today.year, today.month
    for _ in range(13):  # a 31st may be a few months away
        found = _make(year, month, day)
        if found is not None and found >= today:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _weekday(today: date, weekday: int, which: str | None) -> date:
    if which == "ini":  # this week's (today or later; else next week's)
        ahead = weekday - today.weekday()
        return today + timedelta(days=ahead if ahead >= 0 else ahead + 7)
    if which:  # "depan", "minggu depan": in next week (Monday-Sunday)
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def parse_date_part(text: str, today: date) -> tuple[date | None, str]:
    """The date in `text` and the text left once it is taken out."""
    lowered = normalise(text)
    for word, offset in RELATIVE.items():
        if re.search(rf"\b{word}\b", lowered):
            return today + timedelta(days=offset), re.sub(rf"\b{word}\b", " ", lowered)
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
    if match := _DAY_OF_MONTH.search(lowered):
        return _next_day_of_month(today, int(match[1])), lowered.replace(match[0], " ")
    week = _WEEK.search(lowered)
    for match in _WEEKDAY.finditer(lowered):
        if week is not None and match[1] is None and match.start(2) == week.start():
            continue  # "minggu depan" is a week, not Sunday ("hari minggu depan" is)
        which = match[3] or (week[1] if week is not None else None)
        found = _weekday(today, WEEKDAYS[match[2]], which)
        rest = lowered.replace(match[0], " ")
        return found, rest.replace(week[0], " ") if week is not None else rest
    return None, lowered


def vague(text: str) -> str | None:
    """`"week"` or `"month"` when the text names a week or a month but no day in it."""
    lowered = normalise(text)
    match = _VAGUE.search(lowered)
    if match is None or parse_date_part(lowered, date(2000, 1, 3))[0] is not None:
        return None
    return "month" if match[0].startswith("bulan") else "week"


def _in_day(hour: int, period: str | None) -> int | None:
    """The 24-hour hour for `hour` said with a part of the day."""
    if period is None or hour > 12:
        return hour if hour <= 23 else None
    period = period.split()[0]
    if period == "pagi":
        return 0 if hour == 12 else hour
    if period == "siang":
        return hour if hour >= 10 else hour + 12
    if period == "sore":
        return hour if hour == 12 else hour + 12
    if period == "malam":
        if hour == 12:
            return 0
        return hour if hour <= 4 else hour + 12
    return hour  # dini hari, subuh


@dataclass(frozen=True)
class _Clock:
    start: int  # position in the text
    end: int
    hour: int  # as said (1-12 or 0-23)
    minute: int  # minutes after the hour, may be negative (kurang)
    half: bool  # "setengah H"
    period: str | None
    marked: bool  # "jam"/"pukul", "setengah", "HH.MM", minutes or a part of the day

    def at(self, period: str | None = None) -> time | None:
        hour = _in_day(self.hour, period if self.period is None else self.period)
        if hour is None:
            return None
        total = hour * 60 + self.minute - (30 if self.half else 0)
        if not 0 <= total < 24 * 60:
            return None
        return time(total // 60, total % 60)


def _clocks(text: str) -> list[_Clock]:
    found: list[_Clock] = []
    for m in _CLOCK.finditer(text):
        half = m["half"] is not None
        hour = int(m["hh"] if half else m["h"])
        minute = int(m["mm"]) if m["mm"] else 0
        if minute > 59:
            continue
        if m["how"]:
            amount = {"seperempat": 15, "setengah": 30}.get(m["amount"]) or int(m["amount"])
            if amount > 59:
                continue
            minute += -amount if m["how"] == "kurang" else amount
        marked = any(m[g] for g in ("mark", "half", "mm", "how", "period"))
        found.append(_Clock(m.start(), m.end(), hour, minute, half, m["period"], marked))
    return found


def _joined(text: str, first: _Clock, second: _Clock) -> bool:
    return _JOINER.match(text[first.end : second.start]) is not None


def parse_times(text: str) -> list[time]:
    """Every time of day in `text`, in order: `jam`/`pukul`, `HH.MM`, `setengah`, a part of the
    day, or a bare hour joined to one of those by a range (`jam 9 - 11`); a part of the day
    given once in a range applies to both ends when that keeps them in order."""
    lowered = normalise(text)
    clocks = _clocks(lowered)
    times: list[time] = []
    for i, clock in enumerate(clocks):
        before = clocks[i - 1] if i > 0 and _joined(lowered, clocks[i - 1], clock) else None
        after = (
            clocks[i + 1]
            if i + 1 < len(clocks) and _joined(lowered, clock, clocks[i + 1])
            else None
        )
        partner = after if after is not None and after.marked else before
        if not clock.marked and (partner is None or not partner.marked):
            continue  # a number in passing ("3 bidang"), not a time
        period = None
        if clock.period is None and partner is not None and partner.period is not None:
            mine, theirs = clock.at(partner.period), partner.at()
            ordered = (
                partner is after and mine is not None and theirs is not None and mine < theirs
            )
            if ordered or (
                partner is before and mine is not None and theirs is not None and mine > theirs
            ):
                period = partner.period
        value = clock.at(period)
        if value is not None:
            times.append(value)
    return times


def parse_when(text: str, today: date) -> Parsed | None:
    """A date with optional start and end times; None when no date can be read."""
    day, rest = parse_date_part(text, today)
    if day is None:
        return None
    if not any(c.marked for c in _clocks(rest)):
        # Plain hours after a date ("7/4 9-11") are read as hours.
        hours = [int(h) for h in re.findall(r"\b(\d{1,2})\b", rest) if int(h) <= 23]
        times = [time(h) for h in hours[:2]]
    else:
        times = parse_times(rest)
    start = times[0] if times else None
    end = times[1] if len(times) > 1 and not _UNTIL_DONE.search(rest) else None
    if start and end and end <= start:
        end = None
    return Parsed(day, start, end)


def parse_date(text: str, today: date) -> date | None:
    """Just the date."""
    day, _ = parse_date_part(text, today)
    return day
