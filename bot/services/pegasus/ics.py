"""Calendar files (.ics) of Pegasus duties, so each turn sits in the person's own calendar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.calendar import format_date
from bot.messages import Document
from bot.services.context import ServiceCtx
from bot.services.pegasus.common import media_dir
from storage.models import Employee
from storage.pegasus import Duty

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


def _duty_event(ctx: ServiceCtx, duty: Duty, who: Employee) -> DutyEvent:
    return DutyEvent(
        duty.id,
        duty.posting_date,
        ctx.t_for(who, "pegasus.ics_summary"),
        ctx.t_for(
            who, "pegasus.ics_description", date=format_date(duty.posting_date, who.language)
        ),
    )


def duty_calendar(ctx: ServiceCtx, duties: Sequence[Duty], who: Employee, name: str) -> Document:
    """A calendar file of `who`'s turns."""
    path = write_ics(
        media_dir(ctx, "ics") / f"{name}.ics",
        [_duty_event(ctx, d, who) for d in duties],
        ctx.now,
    )
    return Document(str(path), "jadwal-pegasus.ics", ctx.t_for(who, "pegasus.ics_caption"))


def cancel_calendar(ctx: ServiceCtx, duty: Duty, who: Employee) -> Document:
    """A calendar file that takes a handed-over turn out of `who`'s calendar."""
    path = write_ics(
        media_dir(ctx, "ics") / f"batal-{duty.id}-{who.id}.ics",
        [_duty_event(ctx, duty, who)],
        ctx.now,
        cancel=True,
    )
    return Document(str(path), "batal-pegasus.ics", ctx.t_for(who, "pegasus.ics_cancel_caption"))
