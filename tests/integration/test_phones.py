"""Every phone number goes through one normaliser: what an import stores is what WhatsApp sends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.importer import import_employees
from bot.messages import Channel
from bot.phones import normalise
from storage.db import transaction
from storage.models import Employee
from tests.support import Harness

HEADER = "nip,nama,kantor,telepon\n"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+62 0812-3456-7003", "+6281234567003"),  # was +620812…: never matched again
        ("0812 3456 7003", "+6281234567003"),
        ("812 3456 7003", "+6281234567003"),  # was read as a Japanese number
        ("62 812 3456 7003", "+6281234567003"),
        ("0062 812 3456 7003", "+6281234567003"),
        ("whatsapp:+6281234567003", "+6281234567003"),
        ("(0736) 21 123", "+6273621123"),  # a Bengkulu landline
        ("+1 415 555 0100", "+14155550100"),
        ("12345", None),
        ("+62 812", None),
        ("0812-abc", None),
        ("", None),
    ],
)
def test_numbers_as_people_type_them(typed: str, stored: str | None) -> None:
    assert normalise(typed) == stored


def test_an_imported_number_with_both_prefixes_is_recognised_on_whatsapp(
    bot: Harness, tmp_path: Path
) -> None:
    path = tmp_path / "pegawai.csv"
    path.write_text(HEADER + "199903032023013003,Dian Sastro,1771,+62 0812-3456-7003\n")
    with transaction(bot.app.sessions) as session:
        assert import_employees(session, path, bot.app.clock()) == (1, 0)
    with bot.app.sessions() as session:
        dian = session.scalar(select(Employee).where(Employee.nip == "199903032023013003"))
        assert dian is not None
        assert dian.phone == "+6281234567003"
    result = bot.send("+6281234567003", "halo", channel=Channel.WHATSAPP)
    assert result.employee_id == dian.id  # she is not an unknown sender
    rows = bot.pending()
    assert rows
    assert all("belum terdaftar" not in str(row.payload.get("text", "")) for row in rows)
