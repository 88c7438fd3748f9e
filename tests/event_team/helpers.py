"""Shared steps for the Event Team tests: the cast, a request made in chat, reading the records."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from bot.app import App
from bot.calendar import WIB
from bot.services.context import ServiceCtx
from bot.services.event_team import open_request
from storage.db import transaction
from storage.event_team import EventRequest, RoleAssignment
from storage.models import Employee, Reminder, RoleGrant
from tests.support import Delivered, Harness, texts

SM = "Irfan Maulana"  # no role: anyone responsible for an activity may ask
LEAD = "Rudi Hartono"
CC = "Sri Wahyuni"
MEMBERS = ("Dewi Lestari", "Bayu Saputra", "Rina Marlina", "Fajar Nugroho", "Maya Sari")
EVERYONE = (SM, LEAD, CC, *MEMBERS)


def wib(day: date, at: time = time(9, 0)) -> datetime:
    """A WIB wall-clock moment as UTC."""
    return datetime.combine(day, at, WIB).astimezone(UTC)


def request_in_chat(
    bot: Harness,
    when: str = "14/4/2025 09.00-11.00",
    roles: tuple[tuple[str, int], ...] = (("MC", 1), ("Notulis", 2)),
    who: str = SM,
) -> list[Delivered]:
    """The SM fills /dukungan and presses Kirim; what the SM received last."""
    bot.say(who, "/dukungan")
    bot.say(who, "Rapat Koordinasi Triwulan I")
    bot.say(who, when)
    bot.say(who, "Aula BPS Provinsi Bengkulu")
    for role, count in roles:
        bot.press(who, role)
        bot.press(who, str(count))
    bot.press(who, "Selesai")
    bot.press(who, "Lewati")
    bot.press(who, "Lewati")
    return bot.press(who, "Kirim")


def api_request(
    app: App,
    starts: datetime,
    ends: datetime,
    roles: dict[str, int],
    requester: str = SM,
    **kwargs: object,
) -> int:
    """A request opened by another feature through the service function."""
    with transaction(app.sessions) as session:
        requester_id = employee_id(app, requester)
        ctx = ServiceCtx(env=app.env, session=session, now=app.clock())
        return open_request(
            ctx,
            requester_id=requester_id,
            title="Serawai: Sesi Berbagi",
            starts_at=starts,
            ends_at=ends,
            place="Zoom",
            roles=roles,
            **kwargs,  # type: ignore[arg-type]
        )


def employee_id(app: App, name: str) -> int:
    """An employee's id by name."""
    with app.sessions() as session:
        found = session.scalar(select(Employee.id).where(Employee.name == name))
    assert found is not None
    return found


def grant(app: App, name: str, role: str) -> None:
    """Give someone one more role."""
    with transaction(app.sessions) as session:
        session.add(
            RoleGrant(employee_id=employee_id(app, name), role=role, granted_at=app.clock())
        )


def the_request(app: App, request_id: int = 1) -> EventRequest:
    """A request as stored."""
    with app.sessions() as session:
        found = session.get(EventRequest, request_id)
    assert found is not None
    return found


def serving(app: App, request_id: int = 1) -> dict[str, str]:
    """Active assignments of a request: member name -> role."""
    with app.sessions() as session:
        rows = session.execute(
            select(Employee.name, RoleAssignment.role)
            .join(RoleAssignment, RoleAssignment.member_id == Employee.id)
            .where(RoleAssignment.request_id == request_id, RoleAssignment.status == "active")
        )
        return {str(name): str(role) for name, role in rows}


def pending_reminders(app: App) -> list[Reminder]:
    """Reminders still to be carried out."""
    with app.sessions() as session:
        return list(
            session.scalars(
                select(Reminder).where(Reminder.done_at.is_(None)).order_by(Reminder.due_at)
            )
        )


def inboxes(bot: Harness, people: tuple[str, ...] = EVERYONE) -> dict[str, str]:
    """What each person received since last read, as text."""
    return {person: texts(bot.inbox(person)) for person in people}


def only(got: dict[str, str], expected: dict[str, str | tuple[str, ...]]) -> None:
    """Exactly these people received something, containing the given fragment(s)."""
    for person, text in got.items():
        if person not in expected:
            assert text == "", f"{person} should have got nothing, got {text!r}"
            continue
        wanted = expected[person]
        for fragment in (wanted,) if isinstance(wanted, str) else wanted:
            assert fragment in text, f"{person} should have got {fragment!r}: {text!r}"
