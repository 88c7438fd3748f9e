"""What did not reach people: `/gagal` for admins, and the *Buka* button of an opener.

`/gagal` counts the last week's outgoing messages (held, openers sent, delivered, failed,
dropped) and lists the newest that failed or were dropped: for whom, which channel was tried
and how often, and why, in a plain sentence (`delivery.reason_*`). Admins only, checked
against the database on every use.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from bot.alerts import channel_name, reason_text
from bot.calendar import format_datetime
from bot.held import OPENER_KIND, OpenHeld, topic_of
from bot.messages import Channel, Text
from bot.registry import Command, Outcome, Registry
from bot.services.context import ServiceCtx
from storage.models import Employee, OutboxMessage, OutboxStatus

WINDOW = timedelta(days=7)
LISTED = 15
_SHOWN = (OutboxStatus.FAILED, OutboxStatus.DROPPED)
_DONE = (OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ)


def counts(ctx: ServiceCtx) -> Counter[str]:
    """The last week's messages: held, opened (openers sent), delivered, failed, dropped."""
    rows = ctx.session.execute(
        select(OutboxMessage.status, OutboxMessage.kind, func.count())
        .where(OutboxMessage.created_at >= ctx.now - WINDOW)
        .group_by(OutboxMessage.status, OutboxMessage.kind)
    ).all()
    found: Counter[str] = Counter()
    for status, kind, count in rows:
        if status in _DONE:
            found["opened" if kind == OPENER_KIND else "delivered"] += count
        elif status == OutboxStatus.HELD:
            found["held"] += count
        elif status == OutboxStatus.FAILED:
            found["failed"] += count
        elif status == OutboxStatus.DROPPED:
            found["dropped"] += count
    return found


def failed_list(ctx: ServiceCtx, _args: str) -> Outcome:
    """/gagal: the counts, then the newest failed or dropped messages, each with its reason."""
    assert ctx.actor is not None
    found = counts(ctx)
    lines = [
        ctx.t(
            "delivery.gagal_counts",
            held=found["held"],
            opened=found["opened"],
            delivered=found["delivered"],
            failed=found["failed"],
            dropped=found["dropped"],
        )
    ]
    rows = ctx.session.execute(
        select(OutboxMessage, Employee)
        .outerjoin(Employee, Employee.id == OutboxMessage.employee_id)
        .where(OutboxMessage.status.in_(_SHOWN), OutboxMessage.created_at >= ctx.now - WINDOW)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(LISTED)
    ).all()
    language = ctx.actor.language
    for number, (row, person) in enumerate(rows, 1):
        key = "delivery.gagal_item_dropped" if row.status == OutboxStatus.DROPPED else None
        lines.append(
            ctx.t(
                key or "delivery.gagal_item",
                number=number,
                when=format_datetime(row.created_at, language),
                what=topic_of(ctx.catalog, language, row),
                who=person.name if person is not None else ctx.t("delivery.unknown_person"),
                channel=channel_name(row.channel),
                attempts=row.attempts,
                reason=reason_text(ctx.catalog, language, row.reason),
            )
        )
    if not rows:
        lines.append(ctx.t("delivery.gagal_none"))
    return Outcome([Text("\n\n".join(lines))])


def open_held(ctx: ServiceCtx, _button: OpenHeld) -> Outcome:
    """*Buka* on an opener: writing opened the window, and dispatch released what was held
    (it goes out before this answer). Say so only when nothing was waiting."""
    assert ctx.actor is not None
    waiting = ctx.session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.employee_id == ctx.actor.id,
            OutboxMessage.channel == Channel.WHATSAPP.value,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.kind.not_in(("reply", OPENER_KIND)),
        )
        .limit(1)
    )
    return Outcome([] if waiting is not None else [Text(ctx.t("delivery.nothing_waiting"))])


def register(reg: Registry) -> None:
    """/gagal and the opener's button."""
    reg.command(
        Command(
            "gagal",
            "delivery.cmd_gagal",
            roles=frozenset({"admin"}),
            handler=failed_list,
            order=82,
        ),
        "failed",
    )
    reg.button(OpenHeld, open_held)
