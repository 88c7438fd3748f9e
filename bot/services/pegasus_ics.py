"""Calendar files (.ics) of Pegasus duties, so each turn sits in the person's own calendar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

PRODID = "-//CAN BPS Provinsi Bengkulu//CAN Bot Pegasus//ID"


@dataclass(frozen=True)
class DutyEvent:
    """One duty as a calendar entry: a whole-day event on the posting day."""

    duty_id: int
    day: date
    summary: str
    description: str


def uid_of(duty_id: int) -> str:
    """The event's stable UID: a later file about the same duty updates or cancels it."""
    return f"pegasus-duty-{duty_id}@canbot.bps-bengkulu"


def write_ics(
    path: Path, events: Sequence[DutyEvent], stamp: datetime, *, cancel: bool = False
) -> Path:
    """Write the events to `path` (METHOD:CANCEL and a higher SEQUENCE when `cancel`)."""
    from icalendar import Calendar, Event  # loaded on the first calendar file

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    for item in events:
        event = Event()
        event.add("uid", uid_of(item.duty_id))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("transp", "TRANSPARENT")
        event.add("sequence", 1 if cancel else 0)
        if cancel:
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(calendar.to_ical())
    return path
