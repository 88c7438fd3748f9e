"""Calendar files (.ics) for Event Team assignments, written with the icalendar package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

PRODID = "-//CAN Bot BPS Provinsi Bengkulu//SOP-321//ID"


@dataclass(frozen=True)
class CalendarEntry:
    """One assignment as a calendar event; `sequence` grows with each reschedule."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str
    description: str
    sequence: int
    stamp: datetime


def write_ics(folder: Path, name: str, entry: CalendarEntry) -> Path:
    """Write the entry as `<folder>/<name>.ics` and return its path."""
    from icalendar import Calendar, Event  # loaded on the first calendar file

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", entry.stamp)
    event.add("dtstart", entry.starts_at)
    event.add("dtend", entry.ends_at)
    event.add("summary", entry.summary)
    event.add("location", entry.location)
    event.add("description", entry.description)
    event.add("sequence", entry.sequence)
    calendar.add_component(event)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ics"
    path.write_bytes(calendar.to_ical())
    return path
