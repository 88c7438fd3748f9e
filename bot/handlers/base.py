"""What every channel implements: how to deliver one reply, and how failures are told apart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.messages import Channel, Inbound, Reply


class SendError(Exception):
    """Delivery failed: `str()` is the platform's words (for the operator's log), `reason` a
    key of the `delivery.reason_*` texts (the sentence people are shown)."""

    def __init__(self, detail: str, *, reason: str = "unknown") -> None:
        super().__init__(detail)
        self.reason = reason


class TransientSendError(SendError):
    """Worth trying again later (429, 5xx, timeout); `retry_after` in seconds when told."""

    def __init__(
        self, detail: str, retry_after: float | None = None, *, reason: str = "unknown"
    ) -> None:
        super().__init__(detail, reason=reason)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """Will never succeed (blocked the bot, invalid number, no approved template)."""


class HoldSendError(SendError):
    """Not now: WhatsApp's 24-hour window is closed; keep the message whole until it opens."""


@dataclass(frozen=True)
class Delivery:
    """What the sender knows about the message it is delivering."""

    recipient: str
    reply: Reply
    kind: str  # reply | notification | reminder | broadcast ...
    outbox_id: int
    # WhatsApp: when the recipient last wrote to us (None: never); decides template use.
    last_inbound_at: float | None = None


class ChannelSender(Protocol):
    """Delivers replies on one platform."""

    channel: Channel

    async def send(self, delivery: Delivery) -> str:
        """Deliver one reply; return the platform's message id; raise a SendError on failure."""
        ...

    def holds(self, delivery: Delivery) -> bool:
        """True when `send` would only raise HoldSendError: the message is kept, not sent,
        so it takes none of the platform's rate and none of the chat's pacing."""
        ...


InboundSink = Callable[[Inbound], Awaitable[None]]
