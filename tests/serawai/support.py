"""Helpers for the Serawai tests: many employees at once, and reading what a broadcast reached."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.calendar import WIB
from bot.messages import Choices, Media, reply_from_dict
from bot.payload import encode
from storage.db import transaction
from storage.models import Employee, Office, OutboxMessage, Reminder
from storage.serawai import SerawaiProposal, SerawaiRound
from tests.support import Clock, Delivered, Harness, texts

CAN = "198501012010011001"  # Andi Pratama: admin and CAN
CAN_2 = "Putri Ayu"
CC = "Sri Wahyuni"
PROVINCE_CA = "Hendra Gunawan"
REGENCY_CAS = {
    "1701": "Yusuf Hidayat",
    "1702": "Lina Marpaung",
    "1703": "Agus Salim",
    "1704": "Nur Aini",
    "1705": "Teguh Santoso",
    "1706": "Wulan Sari",
    "1707": "Eko Prasetyo",
    "1708": "Fitri Handayani",
    "1709": "Doni Kurniawan",
    "1771": "Siti Rahmawati",
}


def add_employees(app: App, count: int, now: datetime) -> dict[str, list[str]]:
    """Create `count` employees spread over the eleven offices; their NIPs by office code."""
    with transaction(app.sessions) as session:
        offices = list(session.scalars(select(Office).order_by(Office.code)))
        by_office: dict[str, list[str]] = {o.code: [] for o in offices}
        rows = []
        for i in range(count):
            office = offices[i % len(offices)]
            nip = f"2000{i:014d}"
            by_office[office.code].append(nip)
            rows.append(
                Employee(
                    nip=nip,
                    name=f"Pegawai {office.code} Nomor {i:03d}",
                    office_id=office.id,
                    language="id",
                    active=True,
                    position="",
                    community="",
                    created_at=now,
                )
            )
        session.add_all(rows)
    return by_office


def employee_id(app: App, who: str) -> int:
    """An employee's id by NIP or (part of) their name."""
    with app.sessions() as session:
        column = Employee.nip == who if who.isdigit() else Employee.name.contains(who)
        found = session.scalars(select(Employee.id).where(column)).all()
    assert len(found) == 1, f"{who!r} names {len(found)} employees"
    return found[0]


def active_ids(app: App) -> set[int]:
    """Every active employee."""
    with app.sessions() as session:
        return set(session.scalars(select(Employee.id).where(Employee.active)))


def reached(app: App, key_prefix: str) -> dict[int, list[Delivered]]:
    """Who got the messages whose idempotency key starts with `key_prefix`, and what."""
    got: dict[int, list[Delivered]] = {}
    with app.sessions() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith(key_prefix))
            .order_by(OutboxMessage.id)
        )
        for row in rows:
            assert row.employee_id is not None
            got.setdefault(row.employee_id, []).append(
                Delivered(reply_from_dict(row.payload), row.kind)
            )
    return got


def at(clock: Clock, moment: datetime) -> None:
    """Move the clock to an instant."""
    clock.now = moment


def wib(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A WIB wall-clock moment as an aware datetime."""
    return datetime.combine(day, time(hour, minute), WIB)


def the_round(app: App) -> SerawaiRound:
    """The latest round."""
    with app.sessions() as session:
        found = session.scalar(select(SerawaiRound).order_by(SerawaiRound.id.desc()))
    assert found is not None
    return found


def proposals(app: App) -> dict[str, SerawaiProposal]:
    """Standing proposals of the latest round, by title."""
    with app.sessions() as session:
        rows = session.scalars(
            select(SerawaiProposal).where(SerawaiProposal.withdrawn_at.is_(None))
        )
        return {p.title: p for p in rows}


def vote_payload(round_id: int, proposal_id: int) -> str:
    """The ballot button of one theme."""
    return encode("srw", "v", round_id, proposal_id)


def due(app: App, kind: str) -> list[Reminder]:
    """Reminders of a kind, by due time."""
    with app.sessions() as session:
        return list(
            session.scalars(
                select(Reminder).where(Reminder.kind == kind).order_by(Reminder.due_at)
            )
        )


def open_round(
    bot: Harness,
    name: str,
    *,
    themes: int = 3,
    choices: int = 1,
    letter: Path | None = None,
) -> str:
    """CAN opens a round in chat with the SOP's default windows; returns the confirmation."""
    bot.say(CAN, "/serawai")
    bot.press(CAN, "Buka putaran")
    bot.say(CAN, name)
    bot.say(CAN, "7")
    bot.say(CAN, "15")
    bot.press(CAN, f"{themes} tema")
    bot.press(CAN, "1 usulan")
    bot.press(CAN, f"{choices} pilihan")
    if letter is None:
        bot.press(CAN, "Lewati")
    else:
        bot.say(CAN, media=(Media(str(letter), "application/pdf", "document", letter.name),))
    return texts(bot.press(CAN, "Kirim"))


def propose(bot: Harness, ca: str, title: str, speaker: str = "Narasumber Tamu") -> str:
    """A regency CA proposes a theme in chat; returns the bot's answer."""
    bot.say(ca, "/usultema")
    bot.press(ca, "Usulan baru")
    bot.say(ca, title)
    bot.say(ca, f"Ringkasan tentang {title.lower()}.")
    bot.say(ca, speaker)
    return texts(bot.press(ca, "Kirim"))


def buttons(message: Delivered) -> list[str]:
    """The payloads of a message's buttons."""
    assert isinstance(message.reply, Choices)
    return [o.payload for o in message.reply.options]


LONG_NAME = "Dr. Ir. Muhammad Abdurrahman Wahyudi Saputrajaya, S.Si., M.Stat."  # core: 40 chars


def held_session(
    app: App, now: datetime, title: str = "Literasi Data untuk Semua", status: str = "held"
) -> int:
    """A scheduled round whose one session (hosted by 1701) is on Monday 15 September 2025,
    09.00-11.00 WIB, and already held unless `status` says otherwise; its id."""
    from storage.serawai import RoundStatus, SerawaiSession

    with transaction(app.sessions) as session:
        office = session.scalar(select(Office).where(Office.code == "1701"))
        ca = session.scalar(select(Employee).where(Employee.name == REGENCY_CAS["1701"]))
        assert office is not None
        assert ca is not None
        rnd = SerawaiRound(
            name="Serawai Uji",
            status=RoundStatus.SCHEDULED,
            opened_at=wib(date(2025, 7, 1)),
            proposal_closes_at=wib(date(2025, 7, 10), 16),
            voting_closes_at=wib(date(2025, 7, 31), 16),
            proposal_days=7,
            voting_days=15,
        )
        session.add(rnd)
        session.flush()
        proposal = SerawaiProposal(
            round_id=rnd.id,
            office_id=office.id,
            slot=1,
            proposer_id=ca.id,
            title=title,
            summary="-",
            speaker="-",
            created_at=now,
            updated_at=now,
        )
        session.add(proposal)
        session.flush()
        sesi = SerawaiSession(
            round_id=rnd.id,
            proposal_id=proposal.id,
            rank=1,
            decided_by="votes",
            votes=1,
            title=title,
            host_office_id=office.id,
            status=status,
            starts_at=wib(date(2025, 9, 15)),
            place="Aula",
            ends_at=wib(date(2025, 9, 15), 11),
            checkin_secret="ab" * 32,
        )
        session.add(sesi)
        session.flush()
        return sesi.id


def voting_round(
    bot: Harness, titles: dict[str, str], *, themes: int = 3, choices: int = 1
) -> tuple[SerawaiRound, dict[str, SerawaiProposal]]:
    """A round opened in chat, with proposals by the given offices' CAs, now in its vote."""
    open_round(bot, "Serawai Uji", themes=themes, choices=choices)
    for code, title in titles.items():
        propose(bot, REGENCY_CAS[code], title)
    rnd = the_round(bot.app)
    at(bot.clock, rnd.proposal_closes_at)
    bot.tick()
    return the_round(bot.app), proposals(bot.app)
