"""Hold and open: WhatsApp messages for someone outside the 24-hour window wait whole.

WhatsApp lets a business write first, or more than 24 hours after the person last wrote, only
with an approved template; a template carries text, not the files and buttons of the real
message. So the sender does not strip the message: it holds it (status `held`, everything
kept) and queues one *opener*, an approved utility template that says what is waiting, with a
quick-reply button *Buka*. Several held messages share one opener, and openers are paced: at
most one a day per person, unless a held message would expire before the next one is due.

When the person writes anything (pressing *Buka* is writing), the window is open: dispatch
calls `release`, which queues every held message again, in order, ahead of the answer to
what they wrote. A held message whose `expires_at` has passed is dropped with a reason
instead (listed in /gagal), never delivered late as if it were current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.buttons import Button
from bot.i18n import Catalog
from bot.messages import Channel, Choices, Option, reply_to_dict
from storage.models import Employee, Lane, OutboxMessage, OutboxStatus

OPENER_KIND = "opener"
OPENER_PACE = timedelta(hours=24)
# The sender's idea of the window (24 hours less its margin): who wrote since is inside it.
WINDOW = timedelta(hours=24) - timedelta(minutes=5)
EXPIRED = "expired"  # the reason of a dropped message (delivery.reason_expired)
OPENED = (OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ)
TRIED = (*OPENED, OutboxStatus.FAILED)  # a failed opener counts for the pace too
# What each kind of message is called in the opener, and the programme its key names.
_KIND_WORDS = {
    "reminder": "reminder",
    "broadcast": "broadcast",
    "admin_alert": "alert",
    OPENER_KIND: "opener",
}
_PROGRAMMES = {"et": "et", "pegasus": "pegasus", "serawai": "serawai"}


@dataclass(frozen=True)
class OpenHeld(Button, prefix="buka"):
    """The opener's quick-reply button: writing at all opens the window, this says so."""


def topic_of(catalog: Catalog, language: str, row: OutboxMessage) -> str:
    """What a held message is, in a few words: "tugas Event Team", "pengingat Pegasus"."""
    word = _KIND_WORDS.get(row.kind, "notice")
    programme = _PROGRAMMES.get((row.idempotency_key or "").split(":", 1)[0], "")
    key = f"delivery.topic_{word}_{programme}" if programme else f"delivery.topic_{word}"
    return catalog.t(key, language)


def _held(session: Session, employee_id: int) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.employee_id == employee_id,
                OutboxMessage.status == OutboxStatus.HELD,
            )
            .order_by(OutboxMessage.id)
        )
    )


def _drop(row: OutboxMessage) -> None:
    row.status = OutboxStatus.DROPPED
    row.reason = EXPIRED
    row.error = "held past its moment: not delivered late"


def hold(session: Session, catalog: Catalog, row_id: int, now: datetime) -> None:
    """Keep one message whole until the person opens the window, and plan the opener."""
    row = session.get(OutboxMessage, row_id)
    if row is None:
        return
    if row.employee_id is None:  # nobody in the directory: no opener can name them
        row.status = OutboxStatus.FAILED
        row.reason = "window_closed"
        row.error = "outside the 24-hour window, and no employee to hold it for"
        return
    person = session.get(Employee, row.employee_id)
    seen = person.wa_last_inbound_at if person is not None else None
    if seen is not None and now - seen < WINDOW:
        # They wrote while this was on its way: the window is open, send it after all.
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = now
        return
    if row.expires_at is not None and row.expires_at <= now:
        _drop(row)
    else:
        row.status = OutboxStatus.HELD
        row.error = None
    session.flush()
    plan_opener(session, catalog, row.employee_id, row.recipient, now)


def plan_opener(
    session: Session, catalog: Catalog, employee_id: int, recipient: str, now: datetime
) -> None:
    """One opener that names every held message, due now or a day after the last one."""
    held = _held(session, employee_id)
    pending = session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.employee_id == employee_id,
            OutboxMessage.kind == OPENER_KIND,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    )
    if not held:
        if pending is not None:
            pending.status = OutboxStatus.CANCELLED
        return
    employee = session.get(Employee, employee_id)
    language = employee.language if employee is not None else "id"
    topics = list(dict.fromkeys(topic_of(catalog, language, row) for row in held))
    summary = ", ".join(topics)  # the template's one variable: "Ada pesan baru ...: {{1}}."
    opener = Choices(
        summary, (Option(catalog.t("delivery.open_button", language), OpenHeld().pack()),)
    )
    last = session.scalar(
        select(func.max(OutboxMessage.created_at)).where(
            OutboxMessage.employee_id == employee_id,
            OutboxMessage.kind == OPENER_KIND,
            OutboxMessage.status.in_(TRIED),
        )
    )
    due = now
    if last is not None and now - last < OPENER_PACE:
        due = last + OPENER_PACE
        soonest = min((r.expires_at for r in held if r.expires_at is not None), default=None)
        if soonest is not None and soonest <= due:
            due = now  # something would expire before tomorrow's opener: tell them now
    if pending is not None:
        pending.payload = reply_to_dict(opener)
        pending.next_attempt_at = min(pending.next_attempt_at, due)
        return
    session.add(
        OutboxMessage(
            channel=Channel.WHATSAPP.value,
            recipient=recipient,
            employee_id=employee_id,
            kind=OPENER_KIND,
            payload=reply_to_dict(opener),
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=due,
            created_at=now,
        )
    )


def release(session: Session, employee_id: int, now: datetime) -> int:
    """The person wrote: queue every held message again, in order; drop the expired ones.

    Returns how many were queued. A pending opener is withdrawn: there is nothing to open.
    """
    held = _held(session, employee_id)
    if not held:
        return 0
    released = 0
    for row in held:
        if row.expires_at is not None and row.expires_at <= now:
            _drop(row)
            continue
        # Due now, in the answers' lane, and older ids than the answer to this message: they
        # go out first, before any broadcast still draining.
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = now
        row.lane = int(Lane.ANSWER)
        released += 1
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.employee_id == employee_id,
            OutboxMessage.kind == OPENER_KIND,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED)
    )
    return released


def announced(session: Session, employee_id: int | None, now: datetime) -> bool:
    """Whether an opener reached this person lately: what is held for them will be opened."""
    if employee_id is None:
        return False
    found = session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.employee_id == employee_id,
            OutboxMessage.kind == OPENER_KIND,
            OutboxMessage.status.in_(OPENED),
            OutboxMessage.sent_at >= now - OPENER_PACE,
        )
        .limit(1)
    )
    return found is not None


def opener_settled(session: Session, opener_id: int) -> list[int]:
    """An opener was sent or failed for good: the held messages it speaks for, by id.

    When it failed, they cannot reach the person now: they fail with the opener's reason
    (listed in /gagal; a "they were told" that counted on them is told the truth) rather
    than wait for a window nobody can open. Nothing for any other row.
    """
    opener = session.get(OutboxMessage, opener_id)
    if opener is None or opener.kind != OPENER_KIND or opener.employee_id is None:
        return []
    rows = _held(session, opener.employee_id)
    if opener.status == OutboxStatus.FAILED:
        for row in rows:
            row.status = OutboxStatus.FAILED
            row.reason = opener.reason
            row.error = f"held; its opener {opener.id} failed: {opener.error or ''}"[:500]
        session.flush()
    elif opener.status not in OPENED:
        return []
    return [row.id for row in rows]


def has_held(session: Session, employee_id: int) -> bool:
    """Whether anything waits for this person to open the window (cheap: a partial index)."""
    found = session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.employee_id == employee_id, OutboxMessage.status == OutboxStatus.HELD)
        .limit(1)
    )
    return found is not None
