"""Pegasus test helpers: the people involved, a published roster, files sent in chat."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from bot.app import App
from bot.calendar import to_wib
from bot.messages import Media
from storage.db import transaction
from storage.models import Employee, OutboxMessage
from storage.pegasus import Duty
from tests.support import Harness, texts

PJ = "Hendra Gunawan"  # PJ Pegasus (and CA) in the demo directory
HUMAS = "Maya Sari"
OFFICE_CHAT = "-1001234567890"


def publish_roster(
    bot: Harness, start: str = "7/4/2025", weeks: str = "4 minggu", per_week: str = "1"
) -> list[Duty]:
    """The PJ puts the demo community in the pool and publishes a Friday roster in chat."""
    bot.say(PJ, "/petugas")
    bot.press(PJ, "komunitas")
    assert "22 pegawai komunitas profstat ditambahkan" in texts(bot.press(PJ, "profstat"))
    bot.say(PJ, "/susunjadwal")
    bot.say(PJ, start)
    bot.say(PJ, weeks)
    bot.press(PJ, "Jumat")
    preview = texts(bot.say(PJ, per_week))
    assert "Rancangan jadwal Pegasus" in preview, preview
    assert "Jadwal Pegasus diterbitkan" in texts(bot.press(PJ, "Terbitkan"))
    return duties(bot.app)


def duties(app: App) -> list[Duty]:
    """Every duty, in posting order."""
    with app.sessions() as session:
        return list(session.scalars(select(Duty).order_by(Duty.posting_date, Duty.seat, Duty.id)))


def duty(app: App, duty_id: int) -> Duty:
    """One duty as stored now."""
    with app.sessions() as session:
        found = session.get(Duty, duty_id)
        assert found is not None
        return found


def name_of(app: App, employee_id: int) -> str:
    """An employee's name."""
    with app.sessions() as session:
        found = session.get(Employee, employee_id)
        assert found is not None
        return found.name


def sent_rows(app: App, kind: str | None = None) -> list[OutboxMessage]:
    """Everything ever queued (of one kind), oldest first."""
    with app.sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list(session.scalars(query))


def received(app: App, name: str, kind: str | None = None) -> list[tuple[date, str]]:
    """(WIB date, text) of every message queued for one person."""
    with app.sessions() as session:
        employee_id = session.scalar(select(Employee.id).where(Employee.name == name))
    return [
        (to_wib(row.created_at).date(), str(row.payload.get("text") or row.payload.get("caption")))
        for row in sent_rows(app, kind)
        if row.employee_id == employee_id
    ]


@pytest.fixture
def photo(app: App) -> Callable[[str], Media]:
    """A photo as a channel would have saved it in media storage."""

    def make(name: str = "foto", size: tuple[int, int] = (640, 640)) -> Media:
        folder = Path(app.settings.media_dir) / "inbound"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.jpg"
        PILImage.new("RGB", size, (30, 120, 200)).save(path, "JPEG")
        return Media(str(path), "image/jpeg", "photo", f"{name}.jpg")

    return make


def add_employee(app: App, nip: str, name: str, now: datetime, community: str = "profstat") -> int:
    """One more employee in the directory."""
    with transaction(app.sessions) as session:
        office_id = session.scalar(select(Employee.office_id).order_by(Employee.id).limit(1))
        assert office_id is not None
        person = Employee(
            nip=nip,
            name=name,
            office_id=office_id,
            language="id",
            active=True,
            community=community,
            created_at=now,
        )
        session.add(person)
        session.flush()
        return person.id
