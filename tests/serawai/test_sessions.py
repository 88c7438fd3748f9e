"""Serawai sessions: a moved session's Event Team request, rights re-checked on every button,
the check-in window, and the CC's decision taken once."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from bot.payload import encode
from storage.db import transaction
from storage.event_team import EventRequest
from storage.models import Employee
from storage.serawai import (
    SerawaiAttendance,
    SerawaiCommitteeMember,
    SerawaiSession,
)
from tests.serawai.support import (
    CAN,
    CC,
    REGENCY_CAS,
    at,
    employee_id,
    held_session,
    reached,
    wib,
)
from tests.support import Harness, texts

HOST = REGENCY_CAS["1701"]
OTHER_CA = REGENCY_CAS["1704"]


def _reschedule(bot: Harness, day: str) -> str:
    bot.say(CAN, "/serawai_jadwal")
    bot.press(CAN, "Literasi Data")
    bot.say(CAN, f"{day} 09.00-11.00")
    bot.press(CAN, "(pengusul)")
    bot.say(CAN, "Aula")
    return texts(bot.press(CAN, "Kirim"))


def _session(bot: Harness, session_id: int) -> SerawaiSession:
    with bot.app.sessions() as session:
        found = session.get(SerawaiSession, session_id)
    assert found is not None
    return found


def test_a_moved_session_cancels_its_event_team_request_and_asks_again(bot: Harness) -> None:
    at(bot.clock, wib(date(2025, 8, 1)))
    session_id = held_session(bot.app, bot.clock(), status="scheduled")
    assert "Jadwal *Literasi Data untuk Semua* tersimpan" in _reschedule(bot, "15/9/2025")
    at(bot.clock, wib(date(2025, 8, 29)))
    bot.tick()
    first = _session(bot, session_id).event_request_id
    assert first is not None

    at(bot.clock, wib(date(2025, 9, 1)))
    _reschedule(bot, "22/9/2025")
    moved = reached(bot.app, f"serawai:s{session_id}:moved:")
    assert "Senin, 22 September 2025 pukul 09.00 WIB" in moved[next(iter(moved))][-1].text
    assert _session(bot, session_id).event_request_id is None
    at(bot.clock, wib(date(2025, 9, 8)))
    bot.tick()
    with bot.app.sessions() as session:
        requests = list(session.scalars(select(EventRequest).order_by(EventRequest.id)))
    assert [(r.status, r.linked_ref) for r in requests] == [
        ("cancelled", f"serawai:{session_id}"),
        ("requested", f"serawai:{session_id}"),
    ]
    assert requests[1].starts_at == wib(date(2025, 9, 22))
    assert _session(bot, session_id).event_request_id == requests[1].id


def test_buttons_are_rechecked_against_the_presser(bot: Harness) -> None:
    at(bot.clock, wib(date(2025, 9, 1)))
    session_id = held_session(bot.app, bot.clock(), status="scheduled")
    crafted = {
        encode("srw", "p", session_id, "invitation"): "hanya untuk",  # another office's CA
        encode("srw", "k", session_id): "hanya untuk",
        encode("srw", "n", session_id): "Penilaian terbuka bagi peserta",
        encode("srw", "r", session_id, "ok"): "hanya untuk",
        encode("srw", "zz", session_id): "tidak dikenal",
        encode("srw", "k", 999): "sudah tidak berlaku",
    }
    for payload, answer in crafted.items():
        assert answer in texts(bot.say(OTHER_CA, payload=payload)), payload
    assert not _session(bot, session_id).prep_invitation
    assert "tidak dikenal" in texts(bot.say(HOST, payload=encode("srw", "p", session_id, "cake")))
    # The host's own CA may tick the checklist.
    assert "1/4 siap" in texts(bot.say(HOST, payload=encode("srw", "p", session_id, "venue")))
    assert _session(bot, session_id).prep_venue


def test_check_in_only_while_the_session_runs_and_once_per_person(bot: Harness) -> None:
    session_id = held_session(bot.app, bot.clock(), status="scheduled")
    with transaction(bot.app.sessions) as session:
        coordinator = session.scalar(select(Employee.id).where(Employee.name == "Irfan Maulana"))
        assert coordinator is not None
        session.add(
            SerawaiCommitteeMember(
                session_id=session_id, role="coordinator", employee_id=coordinator
            )
        )
    at(bot.clock, wib(date(2025, 9, 15), 8, 20))
    assert "Tidak ada sesi Serawai berlangsung" in texts(bot.say("Irfan Maulana", "/kodehadir"))
    assert "Tidak ada sesi Serawai yang sedang berlangsung" in texts(
        bot.say("Ratna Dewi", "/hadir 123456")
    )
    bot.clock.advance(minutes=15)  # half an hour before the start: check-in opens
    code = re.search(r"\*(\d{6})\*", texts(bot.say("Irfan Maulana", "/kodehadir")))
    assert code is not None
    assert "/hadir" not in texts(bot.say(OTHER_CA, "/kodehadir"))  # not theirs to show
    assert "tercatat pukul 08.35 WIB" in texts(bot.say("Ratna Dewi", f"/hadir {code[1]}"))
    bot.clock.advance(seconds=61)  # two windows later the old code no longer counts
    assert "Kode tidak cocok" in texts(bot.say(OTHER_CA, f"/hadir {code[1]}"))
    fresh = re.search(r"\*(\d{6})\*", texts(bot.say("Irfan Maulana", "/kodehadir")))
    assert fresh is not None
    assert "sudah tercatat pukul 08.35 WIB" in texts(bot.say("Ratna Dewi", f"/hadir {fresh[1]}"))
    at(bot.clock, wib(date(2025, 9, 15), 11, 1))
    assert "Tidak ada sesi Serawai yang sedang berlangsung" in texts(
        bot.say(OTHER_CA, f"/hadir {code[1]}")
    )
    with bot.app.sessions() as session:
        assert len(session.scalars(select(SerawaiAttendance)).all()) == 1


def test_the_cc_decides_a_report_once(bot: Harness) -> None:
    at(bot.clock, wib(date(2025, 9, 16)))
    session_id = held_session(bot.app, bot.clock())
    review = texts(bot.say(HOST, "/laporanserawai"))
    assert (
        "Belum lengkap: Undangan, Draf kata sambutan, Daftar hadir, Dokumentasi (foto), "
        "Notulensi, Saran dan masukan (penilaian peserta)."
    ) in review
    assert "hanya untuk" in texts(bot.say(OTHER_CA, payload=encode("srw", "l", session_id)))
    assert "diajukan ke CC" in texts(bot.press(HOST, "Ajukan"))
    message = [m for m in bot.inbox(CC) if "menunggu persetujuan" in m.text][-1]
    assert "⬜ Notulensi" in message.text
    assert "hanya untuk" in texts(bot.say(HOST, payload=message.payload_for("Setujui")))
    assert "disetujui" in texts(bot.press(CC, "Setujui", message))
    assert "sudah diputuskan" in texts(bot.press(CC, "Kembalikan", message))
    assert "tidak dapat diajukan" in texts(bot.say(HOST, payload=encode("srw", "l", session_id)))
    told = reached(bot.app, f"serawai:s{session_id}:report-approved:")
    assert list(told) == [employee_id(bot.app, HOST)]
    assert "disetujui oleh CC" in texts(told[employee_id(bot.app, HOST)])
    assert _session(bot, session_id).report_status == "approved"
