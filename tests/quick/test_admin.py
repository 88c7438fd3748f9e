"""Admin conversations: `/peran` (roles) and `/libur` (holidays) (fast tier, no database)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bot.flows.admin import ChangeRole
from tests.quick.harness import SAME, Press, Row, Table, check, fake, flow, params

ADMIN = ("admin",)
BUDI = SimpleNamespace(id=5, name="Budi Santoso", office_name="BPS Kota Bengkulu")
BUDI_2 = SimpleNamespace(id=6, name="Budi Santoso", office_name="BPS Kabupaten Kaur")
OFFICES = [
    SimpleNamespace(id=1, code="1700", name="BPS Provinsi Bengkulu"),
    SimpleNamespace(id=2, code="1771", name="BPS Kota Bengkulu"),
]
NYEPI = date(2026, 3, 19)


def directory(fragment: str) -> list[SimpleNamespace]:
    """Everyone whose name holds `fragment`."""
    return [p for p in (BUDI, BUDI_2) if fragment.casefold() in p.name.casefold()]


LOOKUP = fake(
    search=directory,
    offices=lambda: OFFICES,
    holiday=lambda day: "Hari Suci Nyepi" if day == NYEPI else None,
)
MATCHES = [(5, "Budi Santoso (BPS Kota Bengkulu)"), (6, "Budi Santoso (BPS Kabupaten Kaur)")]
PICKED: dict[str, Any] = {"matches": MATCHES, "employee_id": 5, "employee_name": "Budi Santoso"}
GRANT_CA: dict[str, Any] = PICKED | {"role": "ca"}
CONFIRMED: dict[str, Any] = GRANT_CA | {"office_id": 2, "office_name": "BPS Kota Bengkulu"}
HOLIDAY: dict[str, Any] = {"day": "2026-04-03", "name": "Wafat Yesus Kristus"}


def peran(state: str, given: Any, then: str | None, **kw: Any) -> Row:
    """A row of /peran, played by an admin with the directory above."""
    return Row(state, given, then, roles=ADMIN, lookup=LOOKUP, **kw)


TABLE: Table = {
    "peran": [
        peran("action", Press("grant"), "person", says=("admin.person_prompt",)),
        peran("action", Press("revoke"), "person"),
        peran("action", "tambah", SAME, says=("core.choose_from_buttons",)),
        peran("person", "budi", "pick", says=("admin.person_pick",), why="namesakes"),
        peran("person", "Siti", SAME, says=("admin.person_none",), why="no match"),
        peran("person", "  ", SAME, says=("admin.person_prompt",), why="empty"),
        peran("pick", Press("6"), "role", says=("admin.role_prompt",), data={"matches": MATCHES}),
        peran("pick", "Budi", SAME, says=("core.choose_from_buttons",), data={"matches": MATCHES}),
        peran("role", Press("ca"), "office", says=("admin.office_prompt",), data=PICKED),
        peran("role", Press("et_lead"), "confirm", says=("admin.confirm_grant",), data=PICKED),
        peran(
            "role",
            Press("ca"),
            "confirm",
            says=("admin.confirm_revoke",),
            data=PICKED | {"grant": False},
            why="revoking CA asks no office",
        ),
        peran("role", Press("boss"), SAME, says=("core.choose_from_buttons",), data=PICKED),
        peran("office", Press("2"), "confirm", says=("admin.confirm_grant",), data=GRANT_CA),
        peran("office", Press("99"), SAME, says=("core.choose_from_buttons",), data=GRANT_CA),
        peran("confirm", Press("yes"), None, does=("ChangeRole",), data=CONFIRMED),
        peran("confirm", Press("no"), None, says=("core.cancelled",), data=CONFIRMED),
        peran("confirm", "ya", SAME, says=("core.choose_from_buttons",), data=CONFIRMED),
    ],
    "libur": [
        Row(
            "date",
            "3 April 2026",
            "name",
            says=("admin.holiday_name_prompt",),
            roles=ADMIN,
            lookup=LOOKUP,
        ),
        Row(
            "date",
            "kapan-kapan",
            SAME,
            says=("admin.holiday_date_bad",),
            roles=ADMIN,
            lookup=LOOKUP,
        ),
        Row(
            "date",
            "19 Maret 2026",
            SAME,
            says=("admin.holiday_exists",),
            roles=ADMIN,
            lookup=LOOKUP,
            why="already a holiday",
        ),
        Row(
            "name",
            "Wafat  Yesus Kristus",
            "confirm",
            says=("admin.holiday_confirm",),
            data={"day": "2026-04-03"},
            roles=ADMIN,
        ),
        Row(
            "name",
            " ",
            SAME,
            says=("admin.holiday_name_prompt",),
            data={"day": "2026-04-03"},
            roles=ADMIN,
            why="empty",
        ),
        Row("confirm", Press("yes"), None, does=("AddHoliday",), data=HOLIDAY, roles=ADMIN),
        Row("confirm", Press("no"), None, says=("core.cancelled",), data=HOLIDAY, roles=ADMIN),
        Row("confirm", "ok", SAME, says=("core.choose_from_buttons",), data=HOLIDAY, roles=ADMIN),
    ],
}


@pytest.mark.parametrize(("name", "row"), params(TABLE))
def test_row(name: str, row: Row) -> None:
    check(flow(name), row)


def test_the_role_confirmed_is_the_one_chosen() -> None:
    played = check(flow("peran"), TABLE["peran"][14])
    assert played.commands == [ChangeRole(employee_id=5, role="ca", grant=True, office_id=2)]


def test_a_holiday_name_is_tidied() -> None:
    played = check(flow("libur"), TABLE["libur"][3])
    assert played.step.data is not None
    assert played.step.data.model_dump()["name"] == "Wafat Yesus Kristus"
