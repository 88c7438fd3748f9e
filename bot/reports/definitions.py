"""What each count of a report means, written once: a request, an event held, cancelled, ...

Every report (quarter and half-year) and every narrative sentence counts through these
functions, so "kegiatan terlaksana" means the same wherever it is read. They judge the stored
rows as they stand at a moment (`as_of`), so nothing waits for a scheduler to have passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.flows.event_team.rules import DOC_WINDOW
from bot.reports.facts import EventFact, Program, StepRecord, TimeStandard

PHOTO_WINDOW = DOC_WINDOW  # photos are taken this long after an event (SOP-321 step 4)
"""How long after an event its photos are still taken (the Event Team service's window)."""


class EventKind(StrEnum):
    """Where a request for Event Team support stands at a moment."""

    HELD = "held"  # its time has passed and it was neither cancelled nor left unassigned
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # its time passed before anyone was assigned
    UPCOMING = "upcoming"  # still ahead (assigned or waiting for the lead)


KIND_LABELS = {
    EventKind.HELD: "Terlaksana",
    EventKind.CANCELLED: "Dibatalkan",
    EventKind.EXPIRED: "Lewat tanpa penugasan",
    EventKind.UPCOMING: "Belum dilaksanakan",
}
HELD_STATUSES = frozenset({"assigned", "held", "closed", "done", "evaluated"})
ENDED_STATUSES = frozenset({"held", "closed", "done", "evaluated"})
"""Stored codes of an event that has ended (done and evaluated are older codes)."""


def event_end(event: EventFact) -> datetime:
    """When the event ends (its start when no end is stored)."""
    return event.ends_at or event.starts_at


def event_kind(event: EventFact, as_of: datetime | None) -> EventKind:
    """Held, cancelled, expired unassigned or upcoming, judged at `as_of` (None: stored only)."""
    if event.status == "cancelled":
        return EventKind.CANCELLED
    if event.status == "expired":
        return EventKind.EXPIRED
    passed = as_of is None or event_end(event) <= as_of
    if event.status in ENDED_STATUSES:
        return EventKind.HELD
    if not passed:
        return EventKind.UPCOMING
    return EventKind.HELD if event.status in HELD_STATUSES else EventKind.EXPIRED


def held(events: Sequence[EventFact], as_of: datetime | None) -> list[EventFact]:
    """The events held: their time passed, not cancelled, not left unassigned."""
    return [e for e in events if event_kind(e, as_of) is EventKind.HELD]


def of_kind(
    events: Sequence[EventFact], kind: EventKind, as_of: datetime | None
) -> list[EventFact]:
    """The requests of one kind."""
    return [e for e in events if event_kind(e, as_of) is kind]


def evaluated(event: EventFact) -> bool:
    """Whether the SM filled the evaluation form."""
    return bool(event.sm_ratings)


def lead_rated(event: EventFact) -> bool:
    """Whether the Ketua rated the team (the internal evaluation)."""
    return bool(event.member_ratings)


def photo_window_closed(event: EventFact, as_of: datetime | None) -> bool:
    """Whether photos can no longer be sent for the event."""
    return as_of is not None and event_end(event) + PHOTO_WINDOW <= as_of


def missing_photos(event: EventFact, as_of: datetime | None) -> bool:
    """A held event whose photo window closed without a photo."""
    return (
        event_kind(event, as_of) is EventKind.HELD
        and not event.photos
        and photo_window_closed(event, as_of)
    )


# --- steps -------------------------------------------------------------------------------

AUTOMATED: frozenset[tuple[str, int]] = frozenset(
    {
        # SOP-321: the SM's request form in chat is timed in seconds (steps 1-2), and the bot
        # sends the evaluation form on the CC's behalf when the event ends (step 5)
        (Program.EVENT_TEAM, 1),
        (Program.EVENT_TEAM, 2),
        (Program.EVENT_TEAM, 5),
        # SOP-098: the announcements are broadcast by the bot, the Event Team request opened
        (Program.SERAWAI, 2),
        (Program.SERAWAI, 5),
        (Program.SERAWAI, 8),
        # SOP-330: the bot sends the H-5/H-3 reminders and writes the quarterly report
        (Program.PEGASUS, 3),
        (Program.PEGASUS, 6),
    }
)
"""Steps the bot carries out itself: reported as automated, apart from people's work."""


def automated(program: str, step: int) -> bool:
    """Whether the bot carries out this SOP step."""
    return (program, step) in AUTOMATED


CLOSED_CANCELLED = "permintaan dibatalkan"
CLOSED_EXPIRED = "lewat tanpa penugasan"
CLOSED_NO_PHOTOS = "batas pengiriman foto berakhir"
CLOSED_MISSED = "piket terlewat"


def _event_id(ref: str) -> int | None:
    head, _, tail = ref.partition(":")
    return int(tail) if head == "event" and tail.isdigit() else None


def close_event_steps(
    steps: Sequence[StepRecord], events: Sequence[EventFact], as_of: datetime | None
) -> list[StepRecord]:
    """Open SOP-321 runs that cannot finish any more, marked closed with the reason.

    A run of a cancelled request, or of one whose time passed unassigned, is closed; so is
    step 4 (the event, measured until its photos come) once the photo window has closed.
    """
    by_id = {e.id: e for e in events}
    out: list[StepRecord] = []
    for record in steps:
        event = by_id.get(_event_id(record.ref) or -1)
        if record.ended_at is not None or event is None:
            out.append(record)
            continue
        kind = event_kind(event, as_of)
        reason = ""
        if kind is EventKind.CANCELLED:
            reason = CLOSED_CANCELLED
        elif kind is EventKind.EXPIRED:
            reason = CLOSED_EXPIRED
        elif record.step == 4 and photo_window_closed(event, as_of):
            reason = CLOSED_NO_PHOTOS
        out.append(replace(record, closed=reason) if reason else record)
    return out


@dataclass(frozen=True)
class DutyTimes:
    """What SOP-330 step 4 is derived from for one duty."""

    ref: str
    window_opens: datetime
    quote_at: datetime | None
    done_at: datetime | None
    missed: bool


def quote_step(
    duty: DutyTimes, record: StepRecord | None, as_of: datetime, name: str
) -> StepRecord | None:
    """SOP-330 step 4 (quote and design) of one duty, as the report counts it.

    It starts when the preparation window opens (H-5) or when the quote came, whichever is
    first, and ends when the poster was approved (the stored end). None when it has not
    started yet.
    """
    start = min(t for t in (duty.window_opens, duty.quote_at) if t is not None)
    if start > as_of and duty.done_at is None:
        return None
    ended = record.ended_at if record is not None and record.ended_at else duty.done_at
    base = record or StepRecord(
        program=Program.PEGASUS,
        step=4,
        step_name=name,
        started_at=start,
        ended_at=None,
        standard=TimeStandard.working_days(3),
        ref=duty.ref,
    )
    closed = CLOSED_MISSED if ended is None and duty.missed else ""
    return replace(base, started_at=start, ended_at=ended, closed=closed)


EVENT_TEAM_TERMS = (
    "Permintaan dukungan: setiap permintaan yang diajukan SM melalui CAN Bot, apa pun "
    "status akhirnya.",
    "Kegiatan terlaksana: kegiatan yang waktunya telah lewat, tidak dibatalkan, dan telah "
    "mendapat penugasan petugas; foto dokumentasi dilaporkan tersendiri.",
    "Permintaan dibatalkan: permintaan yang ditarik sebelum kegiatan berlangsung.",
    "Permintaan lewat tanpa penugasan: permintaan yang waktunya tiba sebelum Ketua Event "
    "Team menetapkan petugas.",
    "Permintaan terlambat: permintaan yang diajukan kurang dari 3 hari kerja sebelum kegiatan.",
)
"""The Event Team counts, as the introduction defines them."""
PEGASUS_TERMS = (
    "Giliran piket: setiap jadwal mingguan seorang pegawai untuk menyiapkan poster.",
    "Poster terbit: poster yang telah diunggah; tepat waktu bila diunggah paling lambat pada "
    "tanggal piketnya.",
    "Piket terlewat: giliran yang tanggalnya telah lewat tanpa poster terunggah.",
    "Poster disetujui, menunggu tanggal unggah: poster yang telah disetujui dan tanggal "
    "piketnya belum tiba.",
)
"""The Pegasus counts, as the introduction defines them."""
STEP_TERMS = (
    "Langkah ditutup tanpa hasil: langkah yang tidak dapat diselesaikan lagi karena "
    "permintaannya dibatalkan, lewat tanpa penugasan, atau batas waktunya berakhir; langkah "
    "ini tidak diukur terhadap mutu baku waktu.",
    "Langkah otomatis: langkah SOP yang dijalankan CAN Bot sendiri; dilaporkan terpisah dan "
    "tidak dihitung dalam kepatuhan petugas.",
)
"""How the time-standard chapter counts steps."""
