"""Importing the employee directory from CSV or XLSX: all rows or none.

Columns (header row, case-insensitive; Indonesian or English names):
`nip` (18 digits, required), `nama`/`name` (required), `kantor`/`office` (office code such as
1700 or 1771, required), `telepon`/`phone` (optional; 08..., 62..., +62...),
`telegram_id` (optional), `jabatan`/`position`, `komunitas`/`community`,
`peran`/`roles` (optional, separated by `;`: admin, can, ca, cc, et_lead, et_member,
pj_pegasus, humas; `ca` applies to the row's office), `bahasa`/`language` (id or en),
`aktif`/`active` (ya/tidak, yes/no, 1/0; default ya).
An existing NIP is updated; roles in the file are added, never removed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.directory import NIP_RE, active_grants, grant, normalize_phone
from storage.models import Employee, Office, Role

ALIASES = {
    "nip": "nip", "nama": "name", "name": "name", "kantor": "office", "office": "office",
    "kode_kantor": "office", "telepon": "phone", "phone": "phone", "hp": "phone",
    "telegram_id": "telegram_id", "jabatan": "position", "position": "position",
    "komunitas": "community", "community": "community", "peran": "roles", "roles": "roles",
    "bahasa": "language", "language": "language", "aktif": "active", "active": "active",
}  # fmt: skip
TRUE = {"", "ya", "yes", "y", "1", "true", "aktif"}
FALSE = {"tidak", "no", "n", "0", "false", "nonaktif"}


class ImportRejected(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, row: int, reason: str) -> None:
        super().__init__(f"baris {row}: {reason}")
        self.row = row
        self.reason = reason


@dataclass(frozen=True)
class Row:
    """One valid employee row."""

    nip: str
    name: str
    office: str
    phone: str | None
    telegram_id: str | None
    position: str
    community: str
    roles: tuple[str, ...]
    language: str
    active: bool


NUMERIC_MARK = "#numeric#"


def _cell(value: object) -> str:
    # An 18-digit NIP typed into Excel as a number has already lost digits: flag it.
    if isinstance(value, float) and value >= 1e15:
        return NUMERIC_MARK
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_rows(path: Path) -> list[dict[str, str]]:
    """The file's rows as dicts keyed by our column names."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        if sheet is None:
            raise ImportRejected(1, "berkas Excel tidak memiliki lembar kerja")
        values = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
            values = [[v.strip() for v in row] for row in csv.reader(handle, dialect)]
    if not values:
        raise ImportRejected(1, "berkas kosong")
    header = [ALIASES.get(h.strip().casefold().replace(" ", "_"), "") for h in values[0]]
    for required in ("nip", "name", "office"):
        if required not in header:
            raise ImportRejected(1, f"kolom '{required}' tidak ada di baris judul")
    return [
        {key: (row[i] if i < len(row) else "") for i, key in enumerate(header) if key}
        for row in values[1:]
        if any(cell for cell in row)
    ]


def validate(raw_rows: list[dict[str, str]], office_codes: set[str]) -> list[Row]:
    """Check every row; the first bad one rejects the file with its row number."""
    rows: list[Row] = []
    seen_nip: dict[str, int] = {}
    seen_phone: dict[str, int] = {}
    for number, raw in enumerate(raw_rows, start=2):
        nip = raw.get("nip", "").replace(" ", "")
        if nip == NUMERIC_MARK:
            raise ImportRejected(
                number,
                "NIP tersimpan sebagai angka di Excel sehingga digitnya hilang; "
                "format kolom NIP sebagai Teks",
            )
        if not NIP_RE.match(nip):
            raise ImportRejected(number, f"NIP '{nip}' harus 18 angka")
        if nip in seen_nip:
            raise ImportRejected(number, f"NIP {nip} sudah ada di baris {seen_nip[nip]}")
        seen_nip[nip] = number
        name = " ".join(raw.get("name", "").split())
        if not name or len(name) > 200:
            raise ImportRejected(number, "nama kosong atau lebih dari 200 karakter")
        office = raw.get("office", "").removesuffix(".0")
        if office not in office_codes:
            raise ImportRejected(number, f"kode kantor '{office}' tidak dikenal")
        phone = None
        if raw.get("phone"):
            phone = normalize_phone(raw["phone"])
            if phone is None:
                raise ImportRejected(number, f"nomor telepon '{raw['phone']}' tidak valid")
            if phone in seen_phone:
                raise ImportRejected(
                    number, f"nomor {phone} sudah ada di baris {seen_phone[phone]}"
                )
            seen_phone[phone] = number
        roles = tuple(r.strip().casefold() for r in raw.get("roles", "").split(";") if r.strip())
        for role in roles:
            if role not in {r.value for r in Role}:
                raise ImportRejected(number, f"peran '{role}' tidak dikenal")
        language = raw.get("language", "id").casefold() or "id"
        if language not in ("id", "en"):
            raise ImportRejected(number, f"bahasa '{language}' harus id atau en")
        active_raw = raw.get("active", "").casefold()
        if active_raw not in TRUE | FALSE:
            raise ImportRejected(number, f"kolom aktif '{active_raw}' harus ya atau tidak")
        telegram_id = raw.get("telegram_id", "").removesuffix(".0") or None
        if telegram_id is not None and not telegram_id.isdigit():
            raise ImportRejected(number, f"telegram_id '{telegram_id}' harus angka")
        rows.append(
            Row(
                nip,
                name,
                office,
                phone,
                telegram_id,
                raw.get("position", ""),
                raw.get("community", ""),
                roles,
                language,
                active_raw in TRUE,
            )
        )
    return rows


@dataclass(frozen=True)
class ImportPlan:
    """What a valid file would do: every row, sorted into added, changed and left alone."""

    rows: tuple[Row, ...]
    added: tuple[Row, ...]
    changed: tuple[Row, ...]
    unchanged: tuple[Row, ...]


def plan_import(session: Session, path: Path) -> ImportPlan:
    """Read and check a file against the directory; writes nothing (ImportRejected: bad row)."""
    offices = {o.code: o for o in session.scalars(select(Office))}
    rows = validate(read_rows(path), set(offices))
    added: list[Row] = []
    changed: list[Row] = []
    unchanged: list[Row] = []
    released: set[str] = set()  # numbers an earlier row moved its holder away from
    for number, row in enumerate(rows, start=2):
        employee = session.scalar(select(Employee).where(Employee.nip == row.nip))
        if row.phone:
            holder = session.scalar(select(Employee).where(Employee.phone == row.phone))
            if holder is not None and holder.nip != row.nip and row.phone not in released:
                raise ImportRejected(number, f"nomor {row.phone} sudah dipakai {holder.name}")
            if employee is not None and employee.phone and employee.phone != row.phone:
                released.add(employee.phone)
        if employee is None:
            added.append(row)
        elif _differs(session, employee, row, offices[row.office].id):
            changed.append(row)
        else:
            unchanged.append(row)
    return ImportPlan(tuple(rows), tuple(added), tuple(changed), tuple(unchanged))


def _differs(session: Session, employee: Employee, row: Row, office_id: int) -> bool:
    """True when importing `row` would change `employee` (a field, or a role to add)."""
    fields = (
        (employee.name, row.name),
        (employee.office_id, office_id),
        (employee.phone, row.phone or employee.phone),
        (employee.telegram_id, row.telegram_id or employee.telegram_id),
        (employee.position, row.position),
        (employee.community, row.community),
        (employee.language, row.language),
        (employee.active, row.active),
    )
    if any(old != new for old, new in fields):
        return True
    held = {(g.role, g.office_id) for g in active_grants(session, employee.id)}
    return any((role, office_id if role == Role.CA else None) not in held for role in row.roles)


def apply_import(session: Session, plan: ImportPlan, now: datetime) -> tuple[int, int]:
    """Write a plan inside the caller's transaction; (created, updated)."""
    offices = {o.code: o for o in session.scalars(select(Office))}
    created = updated = 0
    for row in plan.rows:
        employee = session.scalar(select(Employee).where(Employee.nip == row.nip))
        if employee is None:
            employee = Employee(nip=row.nip, created_at=now, language=row.language)
            session.add(employee)
            created += 1
        else:
            updated += 1
        employee.name = row.name
        employee.office_id = offices[row.office].id
        employee.phone = row.phone or employee.phone
        employee.telegram_id = row.telegram_id or employee.telegram_id
        employee.position = row.position
        employee.community = row.community
        employee.language = row.language
        employee.active = row.active
        session.flush()
        for role in row.roles:
            office_id = offices[row.office].id if role == Role.CA else None
            grant(session, employee.id, role, office_id, None, now)
    return created, updated


def import_employees(session: Session, path: Path, now: datetime) -> tuple[int, int]:
    """Import a file inside the caller's transaction; (created, updated)."""
    return apply_import(session, plan_import(session, path), now)
