"""Writing messages to the outbox (in the caller's transaction) and claiming them to send.

Every message has a lane (`storage.models.Lane`): answers to a person's own input go first,
then personal notices and reminders, then bulk (broadcasts, ballots, announcements); within
a lane the oldest due first. Bulk keeps a fixed share of every claim, so it never starves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Executable, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.messages import Channel, Choices, Reply, reply_to_dict
from storage import conversations
from storage.models import Conversation, Employee, Lane, OutboxMessage, OutboxStatus


def address_of(employee: Employee, enabled: Iterable[Channel]) -> tuple[Channel, str]:
    """The channel and recipient address that reach an employee best."""
    enabled = set(enabled)
    order: list[Channel] = []
    if employee.preferred_channel:
        order.append(Channel(employee.preferred_channel))
    order += [Channel.WHATSAPP, Channel.TELEGRAM]
    for channel in order:
        if channel not in enabled:
            continue
        if channel is Channel.WHATSAPP and employee.phone:
            return channel, employee.phone
        if channel is Channel.TELEGRAM and employee.telegram_id:
            return channel, employee.telegram_id
        if channel is Channel.CONSOLE:
            return channel, employee.nip
    return Channel.CONSOLE, employee.nip


class Choosing(Protocol):
    """A conversation as choices see it: the ORM row, or dispatch's plain copy of it."""

    employee_id: int
    flow: str | None
    last_choices: list[Any]
    notice_choices: list[Any]


def remember_choices(conversation: Choosing, reply: Choices, proactive: bool = False) -> None:
    """Keep the last options shown, so a typed number or label answers them.

    Buttons of a proactive message are kept apart while the person is in a flow, so the
    flow's own numbered options keep working; they answer once the flow is over.
    """
    options = [[o.label, o.payload] for o in reply.options]
    if proactive:
        conversation.notice_choices = options
        if conversation.flow is not None:
            return
    conversation.last_choices = options


def _remember_delivered(
    session: Session, employee_id: int, options: list[Any], queued_at: datetime
) -> None:
    """A proactive message with buttons reached the person: a typed answer may now mean it.

    Only now, never when it was queued: a notice that failed, or waits held, answers nothing.
    Its buttons become the last shown too, unless the person has had a turn since it was
    queued (they have seen newer buttons of their own) or is in the middle of a flow. The
    version goes up, so a turn running at this moment starts again and sees them.
    """
    exists = session.scalar(select(Conversation.id).where(Conversation.employee_id == employee_id))
    if exists is None:
        try:
            with session.begin_nested():  # a first turn may be creating it this moment
                conversations.stored(session, employee_id, queued_at)
        except IntegrityError:
            pass
    mine = Conversation.employee_id == employee_id
    _execute(
        session,
        update(Conversation)
        .where(mine)
        .values(notice_choices=options, version=Conversation.version + 1),
    )
    _execute(
        session,
        update(Conversation)
        .where(mine, Conversation.flow.is_(None), Conversation.updated_at <= queued_at)
        .values(last_choices=options),
    )


def _execute(
    session: Session, statement: Executable, rows: list[dict[str, Any]] | None = None
) -> Any:
    """What the ORM's bulk statements do, without their per-call overhead.

    Flush what is pending first (a recipient new in this transaction, a claim's changes to
    the rows updated here), then run the statement as Core on the session's connection.
    Rows already loaded in the session are not refreshed: no caller reads them afterwards.
    """
    session.flush()
    return session.connection().execute(statement, rows)


# Built once (constructing it cost more than running it); keyed by "is PostgreSQL".
_OUTBOX_INSERT = {
    postgres: (postgresql_insert if postgres else sqlite_insert)(
        OutboxMessage
    ).on_conflict_do_nothing(index_elements=["idempotency_key"])
    for postgres in (True, False)
}


def put(
    session: Session,
    *,
    channel: Channel,
    recipient: str,
    replies: Sequence[Reply],
    now: datetime,
    employee_id: int | None = None,
    kind: str = "reply",
    key: str | None = None,
    earliest: datetime | None = None,
    notice_id: int | None = None,
    lane: Lane | None = None,
    expires_at: datetime | None = None,
) -> None:
    """Queue replies for one recipient; with a `key`, a second call with it queues nothing.

    The lane defaults to an answer for a reply and to personal for anything else.
    `expires_at`: when the message is of no use any more (a held copy is then dropped).
    `earliest`: not sent before then (a proactive message waits out the quiet hours).

    One INSERT ... ON CONFLICT DO NOTHING per call: a keyed message that is already queued
    (or that a racing writer queues first) is skipped without a lookup or a savepoint.
    """
    if lane is None:
        lane = Lane.ANSWER if kind == "reply" else Lane.PERSONAL
    rows = [
        {
            "channel": channel.value,
            "recipient": recipient,
            "employee_id": employee_id,
            "kind": kind,
            "lane": int(lane),
            "payload": reply_to_dict(reply),
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now if earliest is None else max(now, earliest),
            "idempotency_key": (
                None if key is None else (key if len(replies) == 1 else f"{key}#{index}")
            ),
            "created_at": now,
            "notice_id": notice_id,
            "expires_at": expires_at,
        }
        for index, reply in enumerate(replies)
    ]
    if not rows:
        return
    _execute(session, _OUTBOX_INSERT[session.get_bind().dialect.name == "postgresql"], rows)


def claim(
    session: Session,
    channel: Channel,
    now: datetime,
    worker: str,
    limit: int = 50,
    recipient: str | None = None,
    bulk_room: int | None = None,
) -> list[OutboxMessage]:
    """Take due pending messages for sending; on PostgreSQL other workers skip them.

    Answers first, then personal messages, each lane oldest due first; while bulk waits it
    gets `bulk_room` of the rows (a fifth unless told), and whatever the other lanes leave.
    """
    if bulk_room is None:
        bulk_room = limit // 5
    bulk_room = min(bulk_room, limit)
    urgent = _due(session, channel, now, recipient, False, limit - bulk_room)
    bulk = _due(session, channel, now, recipient, True, limit - len(urgent))
    if len(urgent) == limit - bulk_room and len(bulk) < bulk_room:  # bulk left room over
        urgent += _due(session, channel, now, recipient, False, bulk_room - len(bulk))
    rows = urgent + bulk
    for row in rows:
        row.status = OutboxStatus.SENDING
        row.claimed_by = worker
        row.attempts += 1
        row.next_attempt_at = now  # the claim time, so a dead worker's claim can be released
    return rows


def _due(
    session: Session,
    channel: Channel,
    now: datetime,
    recipient: str | None,
    bulk: bool,
    limit: int,
) -> list[OutboxMessage]:
    """Due pending rows of the bulk lane, or of the lanes before it, in claim order."""
    if limit <= 0:
        return []
    query = select(OutboxMessage).where(
        OutboxMessage.channel == channel.value,
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= now,
        OutboxMessage.lane == Lane.BULK if bulk else OutboxMessage.lane < Lane.BULK,
    )
    if recipient is not None:
        query = query.where(OutboxMessage.recipient == recipient)
    query = query.order_by(
        OutboxMessage.lane, OutboxMessage.next_attempt_at, OutboxMessage.id
    ).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for row in rows:  # taken: the next query of this claim must not see them again
        row.status = OutboxStatus.SENDING
    return rows


def mark_sent(session: Session, outbox_id: int, provider_id: str, now: datetime) -> None:
    """The platform accepted the message; its buttons now answer a typed number or label."""
    found = _execute(
        session,
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(
            status=OutboxStatus.SENT,
            provider_message_id=provider_id,
            sent_at=now,
            error=None,
            reason=None,
        )
        .returning(
            OutboxMessage.kind,
            OutboxMessage.payload,
            OutboxMessage.employee_id,
            OutboxMessage.created_at,
        ),
    ).first()
    if found is None:
        return
    kind, payload, employee_id, queued_at = found
    if kind != "reply" and employee_id is not None and payload.get("type") == "choices":
        options = [[o["label"], o["payload"]] for o in payload.get("options", [])]
        _remember_delivered(session, employee_id, options, queued_at)


def mark_retry(
    session: Session, outbox_id: int, error: str, at: datetime, reason: str | None = None
) -> None:
    """Try again at `at`."""
    _execute(
        session,
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(
            status=OutboxStatus.PENDING, error=error[:1000], reason=reason, next_attempt_at=at
        ),
    )


def mark_failed(session: Session, outbox_id: int, error: str, reason: str | None = None) -> None:
    """Give up for good; the platform's words and the reason people are shown are kept."""
    _execute(
        session,
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(status=OutboxStatus.FAILED, error=error[:1000], reason=reason or "unknown"),
    )


def release_stuck(session: Session, now: datetime, older_than: timedelta) -> int:
    """Return messages claimed by a worker that died back to the queue."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.next_attempt_at <= now - older_than,
        )
        .values(status=OutboxStatus.PENDING)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


PLATFORM_STATUS = {
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.READ,
    "failed": OutboxStatus.FAILED,
    "undelivered": OutboxStatus.FAILED,
}


def record_status(
    session: Session,
    provider_id: str,
    status: str,
    error: str | None,
    now: datetime,
    reason: str | None = None,
) -> OutboxMessage | None:
    """Record a delivery report (Twilio status callback) on its row.

    Returns the row when this report is news of a failure (the caller tells the admins),
    else None: an unknown id, a report that tells nothing new, a delivery.
    """
    new = PLATFORM_STATUS.get(status)
    if new is None:
        return None  # queued/sent/accepted tell nothing the outbox doesn't know
    row = session.scalar(
        select(OutboxMessage).where(OutboxMessage.provider_message_id == provider_id)
    )
    if row is None:
        return None
    if row.status == OutboxStatus.READ and new == OutboxStatus.DELIVERED:
        return None  # callbacks can arrive out of order: read implies delivered
    was = row.status
    row.status = new
    if new in (OutboxStatus.DELIVERED, OutboxStatus.READ) and row.delivered_at is None:
        row.delivered_at = now
    if new == OutboxStatus.FAILED:
        row.error = f"{status}: {error or 'no reason given'}"
        row.reason = reason or "refused"
        return row if was != OutboxStatus.FAILED else None
    return None
