"""The employee directory: who is writing, what they may do, finding colleagues by name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot import phones
from bot.flows.base import Actor
from bot.messages import Channel
from storage.models import Employee, Office, Role, RoleGrant

NIP_RE = re.compile(r"^\d{18}$")


def normalize_phone(raw: str) -> str | None:
    """A phone number in E.164 (+62812...), or None if it is not one (see `bot.phones`)."""
    return phones.normalise(raw)


def sender_key(channel: Channel, sender: str) -> tuple[str, str] | None:
    """The Employee column and value that identify a platform sender (None: nobody)."""
    if channel is Channel.TELEGRAM:
        return "telegram_id", sender
    if channel is not Channel.WHATSAPP and NIP_RE.match(sender):
        return "nip", sender
    phone = normalize_phone(sender)
    return ("phone", phone) if phone else None


def sender_filter(channel: Channel, sender: str) -> ColumnElement[bool] | None:
    """The WHERE clause that picks the employee behind a platform sender (None: nobody)."""
    key = sender_key(channel, sender)
    return None if key is None else getattr(Employee, key[0]) == key[1]


def find_sender(session: Session, channel: Channel, sender: str) -> Employee | None:
    """The active employee behind a platform sender, if any."""
    where = sender_filter(channel, sender)
    if where is None:
        return None
    return session.scalar(select(Employee).where(Employee.active, where))


def active_grants(session: Session, employee_id: int) -> list[RoleGrant]:
    """The roles an employee holds now."""
    return list(
        session.scalars(
            select(RoleGrant).where(
                RoleGrant.employee_id == employee_id, RoleGrant.revoked_at.is_(None)
            )
        )
    )


def actor_of(session: Session, employee: Employee) -> Actor:
    """The employee as flows see them, with their roles."""
    grants = active_grants(session, employee.id)
    return actor_from(employee, [(g.role, g.office_id) for g in grants])


def actor_from(employee: Employee, grants: Iterable[tuple[str, int | None]]) -> Actor:
    """The employee as flows see them, given their active grants as (role, office id)."""
    grants = list(grants)
    return Actor(
        id=employee.id,
        nip=employee.nip,
        name=employee.name,
        office_id=employee.office_id,
        office_code=employee.office.code,
        office_name=employee.office.name,
        language=employee.language,
        roles=frozenset(role for role, _office in grants),
        ca_office_ids=frozenset(
            office for role, office in grants if role == Role.CA and office is not None
        ),
    )


@dataclass(frozen=True)
class Person:
    """A colleague found in the directory."""

    id: int
    nip: str
    name: str
    office_code: str
    office_name: str


def search_people(session: Session, fragment: str, limit: int = 8) -> list[Person]:
    """Active employees whose name contains `fragment` (case-insensitive), or whose NIP is it."""
    fragment = fragment.strip()
    if not fragment:
        return []
    query = (
        select(Employee)
        .where(Employee.active)
        .where(
            (func.lower(Employee.name).contains(fragment.lower(), autoescape=True))
            | (Employee.nip == fragment)
        )
        .order_by(Employee.name)
        .limit(limit)
    )
    return [
        Person(e.id, e.nip, e.name, e.office.code, e.office.name) for e in session.scalars(query)
    ]


def offices(session: Session) -> list[Office]:
    """Every office, province first."""
    return list(session.scalars(select(Office).order_by(Office.is_province.desc(), Office.code)))


def grant(
    session: Session,
    employee_id: int,
    role: str,
    office_id: int | None,
    by: int | None,
    now: datetime,
) -> bool:
    """Give a role; False when the employee already holds it."""
    for existing in active_grants(session, employee_id):
        if existing.role == role and existing.office_id == office_id:
            return False
    session.add(
        RoleGrant(
            employee_id=employee_id,
            role=role,
            office_id=office_id,
            granted_by_id=by,
            granted_at=now,
        )
    )
    return True


def revoke(session: Session, employee_id: int, role: str, now: datetime) -> int:
    """Take a role away (every office's grant of it); how many grants ended."""
    count = 0
    for existing in active_grants(session, employee_id):
        if existing.role == role:
            existing.revoked_at = now
            count += 1
    return count
