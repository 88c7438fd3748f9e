"""How big a file each channel lets the bot receive, and the check every handler makes.

Telegram: bots can download files up to 20 MB (Bot API getFile). WhatsApp: Twilio's limit for
a WhatsApp message is 16 MB. The console reads files from disk and has no limit of its own.
A file over its channel's limit is refused with the limit named, never silently dropped.
"""

from __future__ import annotations

from bot.messages import Channel

MB = 1024 * 1024
MAX_BYTES: dict[Channel, int] = {
    Channel.TELEGRAM: 20 * MB,
    Channel.WHATSAPP: 16 * MB,
}
CHANNEL_NAMES = {Channel.TELEGRAM: "Telegram", Channel.WHATSAPP: "WhatsApp", Channel.CONSOLE: ""}


def too_big(channel: Channel, size: int | None) -> bool:
    """Whether a file of `size` bytes (None or 0: not known) is over the channel's limit."""
    limit = MAX_BYTES.get(channel)
    return limit is not None and size is not None and size > limit


def limit_mb(channel: Channel) -> int:
    """The channel's limit in whole megabytes, as the refusal names it."""
    return MAX_BYTES[channel] // MB
