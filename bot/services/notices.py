"""Sentences that say someone was told, sent only once it is so.

"Ketua Event Team dan CC sudah diberi tahu" is true only when those messages went out. A
service that wants to say so queues its notifications inside `watch(ctx)`: they carry the
watch's group id, the person gets the immediate answer without the claim, and the claim
(`Watch.says`) waits in the `notices` table. The sender calls `settle` each time one of those
messages is marked sent, held or failed; when every one is sent or held the claim goes out,
and when one failed for good an honest sentence naming who was not reached goes instead (the
admins hear of the failure from the sender's own alert). A claim with nobody to reach is
never sent: the person and the admins are told nobody was there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.messages import Reply, Text, reply_from_dict, reply_to_dict
from bot.services.context import ServiceCtx, ServiceEnv
from storage.models import Employee, Notice, NoticeStatus, OutboxMessage, OutboxStatus

# "held": kept for a WhatsApp user outside the 24-hour window until they answer; it will
# reach them, so it counts as told.
REACHED = frozenset({OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ, "held"})
FAILED = frozenset({OutboxStatus.FAILED})
WITHDRAWN = frozenset({OutboxStatus.CANCELLED})  # taken back on purpose: neither way
SETTLED = REACHED | FAILED | WITHDRAWN

MAX_NAMES = 5  # who was not reached, by name; more are counted
NOTICE_KIND = "notification"  # a proactive message, like the notifications it follows
ALERT_KIND = "admin_alert"  # the sender's kind for admin alerts


@dataclass
class Watch:
    """The claims being prepared about the notifications queued inside one `watch`."""

    ctx: ServiceCtx
    head: Notice

    def says(
        self,
        to: Employee | int,
        about: str,
        *confirm: str | Reply,
        instead: Sequence[Reply] = (),
    ) -> None:
        """Tell `to` this once every watched message went out; `about` names the matter.

        `instead` replaces the plain "not reached" sentence when one of them failed.
        """
        notice = self.head
        if notice.employee_id is not None:
            notice = Notice(
                group_id=self.head.id, status=NoticeStatus.WAITING, created_at=self.ctx.now
            )
            self.ctx.session.add(notice)
        notice.employee_id = to.id if isinstance(to, Employee) else to
        notice.about = about[:200]
        notice.confirm = [
            reply_to_dict(Text(item) if isinstance(item, str) else item) for item in confirm
        ]
        notice.instead = [reply_to_dict(item) for item in instead] or None


@contextmanager
def watch(ctx: ServiceCtx) -> Iterator[Watch]:
    """Every notification queued inside is one the claims of this watch wait for."""
    head = Notice(about="", confirm=[], status=NoticeStatus.WAITING, created_at=ctx.now)
    ctx.session.add(head)
    ctx.session.flush()
    head.group_id = head.id
    outer, ctx.notice_id = ctx.notice_id, head.id
    try:
        yield Watch(ctx, head)
    finally:
        ctx.notice_id = outer
    ctx.session.flush()
    _decide(ctx, head.id, None)


def settle(session: Session, env: ServiceEnv, outbox_id: int, now: datetime) -> None:
    """After a message's status changed: release or replace the claims that wait for it."""
    found = session.execute(
        select(OutboxMessage.notice_id, OutboxMessage.status).where(OutboxMessage.id == outbox_id)
    ).first()
    if found is not None and found.notice_id is not None:
        _decide(ServiceCtx(env=env, session=session, now=now), found.notice_id, found.status)


def settle_reported(session: Session, env: ServiceEnv, provider_id: str, now: datetime) -> None:
    """After a platform's delivery report (Twilio's status callback) on a message."""
    row_id = session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.provider_message_id == provider_id)
    )
    if row_id is not None:
        settle(session, env, row_id, now)


def _decide(ctx: ServiceCtx, group: int, changed: str | None) -> None:
    """Send each claim of the group, its honest replacement, or nothing yet."""
    query = (
        select(Notice)
        .where(Notice.group_id == group, Notice.employee_id.is_not(None))
        .order_by(Notice.id)
    )
    if ctx.session.get_bind().dialect.name == "postgresql":
        # Two rows of one group settling at once: the second waits here, then sees both.
        query = query.with_for_update()
    claims = list(ctx.session.scalars(query))
    statuses = list(
        ctx.session.scalars(select(OutboxMessage.status).where(OutboxMessage.notice_id == group))
    )
    if any(status not in SETTLED for status in statuses):
        return
    live = [status for status in statuses if status not in WITHDRAWN]
    for notice in claims:
        assert notice.employee_id is not None  # the query keeps only claims with a person
        if notice.status == NoticeStatus.CONFIRMED and changed in FAILED:
            # A delivery report after the claim went out (WhatsApp's "undelivered").
            _tell(ctx, notice, "core.notice_late_failed", _failed_names(ctx, group), late=True)
        if notice.status != NoticeStatus.WAITING:
            continue
        if statuses and not live:
            _close(ctx, notice, NoticeStatus.WITHDRAWN)
        elif not statuses:
            _tell(ctx, notice, "core.notice_nobody", [])
        elif any(status in FAILED for status in live):
            if notice.instead is None:
                _tell(ctx, notice, "core.notice_failed", _failed_names(ctx, group))
            elif _close(ctx, notice, NoticeStatus.REPLACED):
                _send(ctx, notice.employee_id, notice.instead, f"notice:{notice.id}:instead")
        elif _close(ctx, notice, NoticeStatus.CONFIRMED):
            _send(ctx, notice.employee_id, notice.confirm, f"notice:{notice.id}")


def _send(ctx: ServiceCtx, to: int, replies: list[Any], key: str) -> None:
    ctx.notify(to, [reply_from_dict(item) for item in replies], kind=NOTICE_KIND, key=key)


def _failed_names(ctx: ServiceCtx, group: int) -> list[str]:
    rows = ctx.session.scalars(
        select(Employee.name)
        .join(OutboxMessage, OutboxMessage.employee_id == Employee.id)
        .where(OutboxMessage.notice_id == group, OutboxMessage.status.in_(FAILED))
        .distinct()
        .order_by(Employee.name)
    )
    return list(rows)


def _tell(
    ctx: ServiceCtx, notice: Notice, key: str, names: Sequence[str], late: bool = False
) -> None:
    """The honest sentence to the person, once; with nobody reached, the admins hear too."""
    if not late and not _close(ctx, notice, NoticeStatus.REPLACED):
        return
    assert notice.employee_id is not None
    person = ctx.employee(notice.employee_id)
    admins = [a for a in ctx.holders("admin") if a.id != person.id and a.name not in names]
    shown = ", ".join(names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        shown = ctx.t_for(person, "core.notice_and_more", names=shown, n=len(names) - MAX_NAMES)
    text = ctx.t_for(person, key, about=notice.about, names=shown)
    if admins and not late:  # the sender alerts a send failure; a later report, nobody yet
        text += " " + ctx.t_for(person, "core.notice_admins_told")
    tag = f"notice:{notice.id}:" + (f"late:{'+'.join(names)}"[:150] if late else "instead")
    ctx.notify(person, [Text(text)], kind=NOTICE_KIND, key=tag)
    if names:
        return  # the sender's own alert already tells the admins who was not reached
    for admin in admins:
        alert = ctx.t_for(admin, "core.notice_nobody_admin", about=notice.about, name=person.name)
        ctx.notify(admin, [Text(alert)], kind=ALERT_KIND, key=f"{tag}:{admin.id}")


def _close(ctx: ServiceCtx, notice: Notice, status: NoticeStatus) -> bool:
    """Settle a notice once (False when another pass already did)."""
    # Safe without a conditional UPDATE: the row is locked (PostgreSQL) or this write
    # transaction is the only one (SQLite's BEGIN IMMEDIATE).
    if notice.status != NoticeStatus.WAITING:
        return False
    notice.status = status
    notice.settled_at = ctx.now
    return True
