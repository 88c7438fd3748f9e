"""Telling the admins a message did not reach someone, and reaching the admins themselves.

A message that fails for good (at send time, or later through a Twilio status callback) is
told to every admin in a plain sentence of their language: who, over which channel, and why
(`delivery.reason_*`, never the platform's exception text). An alert that itself fails goes
again over the admin's other channel (Telegram when linked). Every failed or dropped message
stays listed for `/gagal` (bot/services/failed.py) with what was tried.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import outbox
from bot.i18n import Catalog
from bot.messages import Channel, Text, reply_from_dict
from bot.services.context import ServiceCtx, ServiceEnv
from storage.models import OutboxMessage

ALERT_KIND = "admin_alert"
CHANNEL_NAMES = {"whatsapp": "WhatsApp", "telegram": "Telegram", "console": "konsol"}


def reason_text(catalog: Catalog, language: str, reason: str | None) -> str:
    """The sentence for a failure reason key (an unknown key reads as "unknown")."""
    key = f"delivery.reason_{reason or 'unknown'}"
    if key not in catalog.entries:
        key = "delivery.reason_unknown"
    return catalog.t(key, language)


def channel_name(channel: str) -> str:
    """WhatsApp, Telegram: how a channel is written in a sentence."""
    return CHANNEL_NAMES.get(channel, channel)


def tell_admins(env: ServiceEnv, session: Session, row: OutboxMessage, now: datetime) -> None:
    """A message failed for good: tell the admins (an alert goes on over another channel)."""
    ctx = ServiceCtx(env=env, session=session, now=now)
    if row.kind == ALERT_KIND:
        _other_channel(ctx, row)
        return
    who = ctx.employee(row.employee_id).name if row.employee_id else row.recipient
    for admin in ctx.holders("admin"):
        if admin.id == row.employee_id:
            continue
        text = ctx.t_for(
            admin,
            "core.delivery_failed",
            who=who,
            channel=channel_name(row.channel),
            error=reason_text(ctx.catalog, admin.language, row.reason),
        )
        ctx.notify(admin, [Text(text)], kind=ALERT_KIND, key=f"alert:{row.id}:{admin.id}")


def _other_channel(ctx: ServiceCtx, row: OutboxMessage) -> None:
    """An alert that did not reach its admin: once more over Telegram, when they linked it."""
    if row.employee_id is None or row.channel == Channel.TELEGRAM.value:
        return
    if Channel.TELEGRAM not in ctx.env.channels or (row.idempotency_key or "").endswith("~tg"):
        return
    admin = ctx.employee(row.employee_id)
    if not admin.active or not admin.telegram_id:
        return
    outbox.put(
        ctx.session,
        channel=Channel.TELEGRAM,
        recipient=admin.telegram_id,
        replies=[reply_from_dict(row.payload)],
        now=ctx.now,
        employee_id=admin.id,
        kind=ALERT_KIND,
        key=f"{row.idempotency_key or f'alert-row:{row.id}'}~tg",
    )
