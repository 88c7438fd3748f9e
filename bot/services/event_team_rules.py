"""SOP-321 rules that need no database: roles, lead time in working days, deadlines.

Pure, so the flows (which do no I/O) and the services apply the very same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.calendar import WorkCalendar, to_wib, wib_to_utc

PROGRAM = "sop321"
# The roles the SOP names; any other role is stored under the name the SM typed.
ROLE_CODES = (
    "mc",
    "moderator",
    "notulis",
    "dokumentasi",
    "operator",
    "registrasi",
    "protokol",
)
MAX_HEADCOUNT = 5
MIN_LEAD_DAYS = 3  # SOP-321 step 2: at least 3 working days before the event
ADVISED_LEAD_DAYS = 4  # step 1: early coordination advised at least 4 working days before
REMINDER_HOUR = time(9, 0)  # WIB: when the day-before reminder goes out


@dataclass(frozen=True)
class LeadTime:
    """How far ahead a request comes, and what the SOP says about it."""

    days: int  # working days from the request date (WIB) to the event date
    earliest: date  # the earliest event date a request made today may have
    late: bool  # fewer than MIN_LEAD_DAYS
    refused: bool  # late, and the configuration refuses late requests
    short: bool  # accepted with exactly MIN_LEAD_DAYS (ADVISED_LEAD_DAYS is advised)


def lead_time(calendar: WorkCalendar, today: date, event_day: date, policy: str) -> LeadTime:
    """Judge a request made on `today` for an event on `event_day` (policy: refuse | flag)."""
    days = calendar.working_days_between(today, event_day)
    late = days < MIN_LEAD_DAYS
    return LeadTime(
        days=days,
        earliest=calendar.add_working_days(today, MIN_LEAD_DAYS),
        late=late,
        refused=late and policy != "flag",
        short=MIN_LEAD_DAYS <= days < ADVISED_LEAD_DAYS,
    )


def after_working_days(calendar: WorkCalendar, moment: datetime, n: int) -> datetime:
    """The same WIB clock time `n` working days after `moment` (a reminder's due time)."""
    local = to_wib(moment)
    return wib_to_utc(calendar.add_working_days(local.date(), n), local.time())


def day_before_reminder(calendar: WorkCalendar, starts_at: datetime) -> datetime:
    """09.00 WIB on the working day before the event."""
    day = calendar.add_working_days(to_wib(starts_at).date(), -1)
    return wib_to_utc(day, REMINDER_HOUR)


def is_role_code(role: str) -> bool:
    """True for a role the SOP names (its label comes from the catalog)."""
    return role in ROLE_CODES
