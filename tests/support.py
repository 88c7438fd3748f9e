"""Test support: a settable clock, and a harness that talks to the bot as any employee."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import count

from sqlalchemy import or_, select

from bot.app import App
from bot.calendar import WIB
from bot.dispatch import DispatchResult, dispatch
from bot.messages import Channel, Choices, Inbound, Media, Reply, reply_from_dict, reply_text
from bot.outbox import mark_sent
from bot.services import notices
from bot.tick import TickReport, tick
from storage.db import transaction
from storage.models import Employee, OutboxMessage

_ids = count(1)


@dataclass
class Clock:
    """A clock tests move by hand."""

    now: datetime = field(default_factory=lambda: datetime(2025, 3, 26, 2, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def set_wib(self, day: date, at: time = time(9, 0)) -> None:
        """Jump to a WIB wall-clock moment."""
        self.now = datetime.combine(day, at, WIB).astimezone(UTC)

    def advance(self, **delta: float) -> None:
        """Move forward."""
        self.now += timedelta(**delta)


@dataclass
class Delivered:
    """A message as a person received it."""

    reply: Reply
    kind: str

    @property
    def text(self) -> str:
        """Its words."""
        return reply_text(self.reply)

    @property
    def labels(self) -> list[str]:
        """Button labels, when it has buttons."""
        return [o.label for o in self.reply.options] if isinstance(self.reply, Choices) else []

    def payload_for(self, label_part: str) -> str:
        """The payload of the first button whose label contains `label_part`."""
        assert isinstance(self.reply, Choices), f"no buttons in: {self.text}"
        for option in self.reply.options:
            if label_part.casefold() in option.label.casefold():
                return option.payload
        raise AssertionError(f"no button {label_part!r} in {self.labels}")


class Harness:
    """Talk to the bot as anyone, over the console channel, and read what each person got."""

    def __init__(self, app: App, clock: Clock) -> None:
        self.app = app
        self.clock = clock
        self.last_choices: dict[str, Delivered] = {}

    def nip_of(self, name: str) -> str:
        """An employee's NIP by (part of) their name."""
        with self.app.sessions() as session:
            found = session.scalar(select(Employee.nip).where(Employee.name.contains(name)))
        assert found, f"no employee named like {name!r}"
        return found

    def send(
        self,
        who: str,
        text: str | None = None,
        *,
        payload: str | None = None,
        media: tuple[Media, ...] = (),
        message_id: str | None = None,
        channel: Channel = Channel.CONSOLE,
    ) -> DispatchResult:
        """Deliver one message from `who` (a NIP, phone or name)."""
        sender = who if who.isdigit() or who.startswith("+") else self.nip_of(who)
        inbound = Inbound(
            channel=channel,
            sender=sender,
            received_at=self.clock(),
            text=text,
            payload=payload,
            media=media,
            message_id=message_id or f"t-{next(_ids)}",
        )
        return dispatch(self.app, inbound)

    def say(self, who: str, text: str | None = None, **kwargs: object) -> list[Delivered]:
        """Send, then return (and mark delivered) what `who` received."""
        self.send(who, text, **kwargs)  # type: ignore[arg-type]
        return self.inbox(who)

    def press(
        self, who: str, label_part: str, message: Delivered | None = None
    ) -> list[Delivered]:
        """Press a button of the last message with buttons `who` received (or of `message`)."""
        target = message or self.last_choices[who]
        return self.say(who, payload=target.payload_for(label_part))

    def inbox(self, who: str) -> list[Delivered]:
        """Everything queued for `who` (or a group chat, "-100...") not yet read, oldest first."""
        group = who.startswith("-")
        nip = who if who.isdigit() or group else self.nip_of(who)
        got: list[Delivered] = []
        with transaction(self.app.sessions) as session:
            employee_id = session.scalar(select(Employee.id).where(Employee.nip == nip))
            to_them = OutboxMessage.recipient == nip
            if not group:
                to_them = or_(OutboxMessage.employee_id == employee_id, to_them)
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == "pending", to_them)
                .order_by(OutboxMessage.id)
            )
            for row in rows:
                got.append(Delivered(reply_from_dict(row.payload), row.kind))
                mark_sent(session, row.id, f"t{row.id}", self.clock())
                notices.settle(session, self.app.env, row.id, self.clock())  # as the sender does
        for item in got:
            if isinstance(item.reply, Choices):
                self.last_choices[who] = item
        return got

    def pending(self) -> list[OutboxMessage]:
        """Messages still waiting in the outbox."""
        with self.app.sessions() as session:
            return list(
                session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.status == "pending")
                    .order_by(OutboxMessage.id)
                )
            )

    def tick(self) -> TickReport:
        """Run the scheduler's due work now."""
        return tick(self.app)

    def run_days(self, until: date, at: time = time(9, 0), step_hours: int = 1) -> Iterator[date]:
        """Move the clock hour by hour up to `until` at `at`, ticking each hour."""
        end = datetime.combine(until, at, WIB).astimezone(UTC)
        while self.clock.now < end:
            self.clock.advance(hours=step_hours)
            self.tick()
            yield self.clock.now.astimezone(WIB).date()


def texts(messages: list[Delivered]) -> str:
    """All the words of some messages, joined, for `in` assertions."""
    return "\n".join(m.text for m in messages)
