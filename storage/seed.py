"""The eleven Bengkulu offices, and demo employees for the embedded default."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Employee, Office, RoleGrant

OFFICES = (
    ("1700", "BPS Provinsi Bengkulu", True),
    ("1701", "BPS Kabupaten Bengkulu Selatan", False),
    ("1702", "BPS Kabupaten Rejang Lebong", False),
    ("1703", "BPS Kabupaten Bengkulu Utara", False),
    ("1704", "BPS Kabupaten Kaur", False),
    ("1705", "BPS Kabupaten Seluma", False),
    ("1706", "BPS Kabupaten Mukomuko", False),
    ("1707", "BPS Kabupaten Lebong", False),
    ("1708", "BPS Kabupaten Kepahiang", False),
    ("1709", "BPS Kabupaten Bengkulu Tengah", False),
    ("1771", "BPS Kota Bengkulu", False),
)

DEMO_ADMIN_NIP = "198501012010011001"

# (nip, name, office code, phone, roles; "ca" roles are for the employee's own office)
DEMO_PEOPLE: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (DEMO_ADMIN_NIP, "Andi Pratama", "1700", "+6281200000001", ("admin", "can")),
    ("198703152011012002", "Sri Wahyuni", "1700", "+6281200000002", ("cc",)),
    ("199002202014031003", "Rudi Hartono", "1700", "+6281200000003", ("et_lead",)),
    ("199105052015022004", "Dewi Lestari", "1700", "+6281200000004", ("et_member",)),
    ("199206102016031005", "Bayu Saputra", "1700", "+6281200000005", ("et_member",)),
    ("199307152017012006", "Rina Marlina", "1700", "+6281200000006", ("et_member",)),
    ("199408202018031007", "Fajar Nugroho", "1700", "+6281200000007", ("et_member",)),
    ("199509252019022008", "Maya Sari", "1700", "+6281200000008", ("et_member", "humas")),
    ("198812122012011009", "Hendra Gunawan", "1700", "+6281200000009", ("pj_pegasus", "ca")),
    ("199601012020122010", "Putri Ayu", "1700", "+6281200000010", ("can",)),
    ("198905052013021011", "Yusuf Hidayat", "1701", "+6281200000011", ("ca",)),
    ("199004042014022012", "Lina Marpaung", "1702", "+6281200000012", ("ca",)),
    ("198711112011021013", "Agus Salim", "1703", "+6281200000013", ("ca",)),
    ("199202022016011014", "Nur Aini", "1704", "+6281200000014", ("ca",)),
    ("199303032017021015", "Teguh Santoso", "1705", "+6281200000015", ("ca",)),
    ("199404042018011016", "Wulan Sari", "1706", "+6281200000016", ("ca",)),
    ("199505052019021017", "Eko Prasetyo", "1707", "+6281200000017", ("ca",)),
    ("199606062020011018", "Fitri Handayani", "1708", "+6281200000018", ("ca",)),
    ("199707072021021019", "Doni Kurniawan", "1709", "+6281200000019", ("ca",)),
    ("199808082022011020", "Siti Rahmawati", "1771", "+6281200000020", ("ca",)),
    ("199109092015031021", "Irfan Maulana", "1700", "+6281200000021", ()),
    ("199210102016042022", "Ratna Dewi", "1700", "+6281200000022", ()),
)


def seed_offices(session: Session) -> dict[str, Office]:
    """Insert the eleven offices if missing; return them by code."""
    existing = {o.code: o for o in session.scalars(select(Office))}
    for code, name, province in OFFICES:
        if code not in existing:
            office = Office(code=code, name=name, is_province=province)
            session.add(office)
            existing[code] = office
    session.flush()
    return existing


def seed_demo(session: Session, now: datetime) -> bool:
    """Demo employees and roles, only into an empty directory; True when seeded."""
    offices = seed_offices(session)
    if session.scalar(select(Employee.id).limit(1)) is not None:
        return False
    for nip, name, code, phone, roles in DEMO_PEOPLE:
        employee = Employee(
            nip=nip,
            name=name,
            office_id=offices[code].id,
            phone=phone,
            language="id",
            active=True,
            position="",
            community="profstat",
            created_at=now,
        )
        session.add(employee)
        session.flush()
        for role in roles:
            session.add(
                RoleGrant(
                    employee_id=employee.id,
                    role=role,
                    office_id=offices[code].id if role == "ca" else None,
                    granted_at=now,
                )
            )
    session.flush()
    return True
