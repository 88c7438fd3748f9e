"""A whole Serawai round over simulated days: eleven offices, 222 employees, 200 of them voters.

Proposals, the announcement with its letter, ballots, reminders to exactly the non-voters, a tie
broken by the chain, results with a chart, the schedule, the committee, preparation, check-in,
minutes, certificates, ratings, the best speaker and host, and the report approved by the CC.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import select

from bot.messages import Choices, Document, Image, Media
from storage.db import transaction
from storage.event_team import EventRequest
from storage.models import OutboxMessage, StepRecord
from storage.serawai import SerawaiAttendance, SerawaiBallot, SerawaiCertificate, SerawaiSession
from tests.serawai.support import (
    CAN,
    CAN_2,
    CC,
    PROVINCE_CA,
    REGENCY_CAS,
    active_ids,
    add_employees,
    at,
    due,
    employee_id,
    open_round,
    proposals,
    propose,
    reached,
    the_round,
    vote_payload,
    wib,
)
from tests.support import Harness, texts

THEMES = {  # proposing office -> title
    "1701": "Literasi Data untuk Semua",
    "1702": "Dashboard Kinerja dengan Looker",
    "1703": "Menulis Berita Resmi Statistik",
    "1704": "Pemanfaatan Big Data Mobilitas",
    "1705": "Survei dengan CAPI",
    "1706": "Manajemen Arsip Digital",
}
HOST = REGENCY_CAS["1701"]  # Yusuf Hidayat hosts the first session
SPEAKERS = ("Irfan Maulana", "Ratna Dewi")


def _assign_votes(by_office: dict[str, list[str]]) -> dict[str, list[str]]:
    """Voter NIPs per theme: a 30-30 tie for third place, broken by distinct offices (8 vs 5)."""
    pools = {code: list(nips) for code, nips in by_office.items()}
    plan: dict[str, list[str]] = {title: [] for title in THEMES.values()}
    for code in ("1700", "1701", "1702", "1703", "1704"):  # 30 votes from 5 offices
        plan[THEMES["1703"]] += [pools[code].pop() for _ in range(6)]
    for code, n in (("1705", 4), ("1706", 4), ("1707", 4), ("1708", 4), ("1709", 4)):
        plan[THEMES["1704"]] += [pools[code].pop() for _ in range(n)]
    for code, n in (("1771", 4), ("1700", 3), ("1701", 3)):  # ... 30 votes from 8 offices
        plan[THEMES["1704"]] += [pools[code].pop() for _ in range(n)]
    rest = [nip for code in sorted(pools) for nip in pools[code]]
    for title, n in ((THEMES["1701"], 60), (THEMES["1702"], 50), (THEMES["1705"], 20)):
        plan[title] += [rest.pop() for _ in range(n)]
    plan[THEMES["1706"]] += rest  # the last 10 vote late, after the midpoint reminder
    return plan


def test_a_whole_round(bot: Harness, tmp_path: Path) -> None:
    app, clock = bot.app, bot.clock
    at(clock, wib(date(2025, 7, 1)))  # Tuesday
    by_office = add_employees(app, 200, clock())
    everyone = active_ids(app)
    assert len(everyone) == 222

    # Step 1-2: CAN opens the round with the official letter; everyone gets both.
    letter = tmp_path / "surat-serawai.pdf"
    letter.write_bytes(b"%PDF-1.4\n% surat\n")
    opened = open_round(bot, "Serawai Triwulan III 2025", letter=letter)
    assert "Pengumuman diantrekan untuk 222 pegawai" in opened
    assert "Kamis, 10 Juli 2025 pukul 16.00 WIB" in opened
    rnd = the_round(app)
    announced = reached(app, f"serawai:{rnd.id}:announce:")
    assert set(announced) == everyone
    first = announced[employee_id(app, CAN)][0]
    assert first.kind == "broadcast"
    assert "Kamis, 31 Juli 2025 pukul 16.00 WIB" in first.text
    assert "lebih banyak kantor berbeda" in first.text  # the tie-break chain, up front
    letters = reached(app, f"serawai:{rnd.id}:letter:")
    assert set(letters) == everyone
    assert isinstance(letters[employee_id(app, HOST)][0].reply, Document)

    # CAN sees the delivery of the announcement as the sender reports it.
    with transaction(app.sessions) as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.startswith(f"serawai:{rnd.id}:announce:"))
            .order_by(OutboxMessage.id)  # queued in employee order: CAN's own is among rows[:150]
        ).all()
        for row in rows[:150]:
            row.status = "delivered"
        rows[150].status = "failed"
    status = texts(bot.say(CAN, "/serawai_status"))
    assert "Pengumuman: 222 penerima — antre 71, terkirim 0, diterima 150, gagal 1" in status

    # Step 3: six offices propose; one edits; 1707 proposes then withdraws.
    for office_code, title in THEMES.items():
        clock.advance(minutes=5)
        assert "tersimpan" in propose(bot, REGENCY_CAS[office_code], title)
    too_long = "X" * 101
    bot.say(REGENCY_CAS["1707"], "/usultema")
    bot.press(REGENCY_CAS["1707"], "Usulan baru")
    assert "maksimal 100 karakter (sekarang 101)" in texts(bot.say(REGENCY_CAS["1707"], too_long))
    bot.say(REGENCY_CAS["1707"], "batal")
    propose(bot, REGENCY_CAS["1707"], "Tema yang Ditarik")
    bot.say(REGENCY_CAS["1707"], "/usultema")
    bot.press(REGENCY_CAS["1707"], "Tarik:")
    assert "sudah ditarik" in texts(bot.press(REGENCY_CAS["1707"], "Kirim"))
    assert "hanya untuk" in texts(bot.say("Irfan Maulana", "/usultema"))

    # Two working days before the close, only offices without a proposal are reminded.
    reminder = due(app, "serawai.proposal_reminder")[0]
    at(clock, reminder.due_at)
    bot.tick()
    reminded = reached(app, f"serawai:{rnd.id}:proposal-reminder:")
    silent = {employee_id(app, REGENCY_CAS[c]) for c in ("1707", "1708", "1709", "1771")}
    assert set(reminded) == silent
    assert "BPS Kabupaten Lebong belum mengusulkan" in texts(
        reminded[employee_id(app, REGENCY_CAS["1707"])]
    )

    # Step 4: at the close of proposals everyone gets the ballot.
    at(clock, rnd.proposal_closes_at)
    bot.tick()
    ballots = reached(app, f"serawai:{rnd.id}:ballot:")
    assert set(ballots) == everyone
    ballot = ballots[employee_id(app, CAN)][-1]
    assert isinstance(ballot.reply, Choices)
    assert [o.label for o in ballot.reply.options] == list(THEMES.values())
    closed = texts(bot.say(REGENCY_CAS["1708"], "/usultema"))
    assert "tidak ada putaran Serawai yang menerima usulan" in closed
    themes = proposals(app)
    plan = _assign_votes(by_office)
    late_voters = plan.pop(THEMES["1706"])
    clock.advance(hours=1)
    for title, nips in plan.items():
        for nip in nips:
            bot.send(nip, payload=vote_payload(rnd.id, themes[title].id))
    # A ballot is changeable until the close.
    irfan = "Irfan Maulana"
    first_vote = bot.say(irfan, payload=vote_payload(rnd.id, themes[THEMES["1701"]].id))
    assert "Pilihan Anda tercatat: Literasi Data untuk Semua" in texts(first_vote)
    changed = bot.say(irfan, payload=vote_payload(rnd.id, themes[THEMES["1702"]].id))
    assert "diubah menjadi: Dashboard Kinerja dengan Looker" in texts(changed)
    again = bot.last_choices[irfan].reply
    assert isinstance(again, Choices)
    marked = [o.label for o in again.options if o.label.startswith("✅")]
    assert marked == ["✅ Dashboard Kinerja dengan Looker"]  # the ballot again, still pressable

    # CAN may see turnout per office, never the running results.
    bot.inbox(CAN)
    turnout = texts(bot.say(CAN, "/serawai_partisipasi"))
    assert "Total: 191/222 (86%)" in turnout
    assert "1771 BPS Kota Bengkulu: " in turnout
    assert not any(title in turnout for title in THEMES.values())
    assert "suara" not in texts(bot.say(CAN, "/serawai_status")).split("Sudah memilih")[0]

    # Reminders go to exactly the non-voters: at the midpoint, then two working days before.
    midpoint, h2 = due(app, "serawai.vote_reminder")
    at(clock, midpoint.due_at)
    bot.tick()
    voted = {employee_id(app, n) for nips in plan.values() for n in nips} | {
        employee_id(app, bot.nip_of(irfan))
    }
    assert set(reached(app, f"serawai:{rnd.id}:vote-reminder:midpoint:")) == everyone - voted
    for nip in late_voters:
        bot.send(nip, payload=vote_payload(rnd.id, themes[THEMES["1706"]].id))
    voted |= {employee_id(app, n) for n in late_voters}
    at(clock, h2.due_at)
    bot.tick()
    second = reached(app, f"serawai:{rnd.id}:vote-reminder:h-2:")
    assert set(second) == everyone - voted
    assert len(second) == 21
    assert "belum memilih" in texts(second[employee_id(app, CAN)])

    # Step 5: the close tallies, breaks the 30-30 tie by offices, broadcasts with a chart.
    at(clock, rnd.voting_closes_at)
    refused = bot.say(CAN, payload=vote_payload(rnd.id, themes[THEMES["1701"]].id))
    assert "voting ini sudah ditutup" in texts(refused)
    bot.tick()
    with app.sessions() as session:
        assert (
            session.scalar(
                select(SerawaiBallot).where(SerawaiBallot.employee_id == employee_id(app, CAN))
            )
            is None
        )
    results = reached(app, f"serawai:{rnd.id}:results:")
    assert set(results) == everyone
    text, chart = results[employee_id(app, HOST)]
    assert "201 pegawai memberikan suara" in text.text
    assert "1. Literasi Data untuk Semua (BPS Kabupaten Bengkulu Selatan) — 60 suara" in text.text
    assert (
        "Suara sama (30): “Pemanfaatan Big Data Mobilitas” unggul atas “Menulis Berita Resmi "
        "Statistik” karena dipilih oleh lebih banyak kantor (8 lawan 5)."
    ) in text.text
    assert "(2) tema yang diusulkan lebih dulu, (3) keputusan CAN" in text.text
    assert isinstance(chart.reply, Image)
    assert Path(chart.reply.path).read_bytes().startswith(b"\x89PNG")
    with app.sessions() as session:
        sessions = list(session.scalars(select(SerawaiSession).order_by(SerawaiSession.rank)))
    assert [(s.title, s.decided_by) for s in sessions] == [
        (THEMES["1701"], "votes"),
        (THEMES["1702"], "votes"),
        (THEMES["1704"], "offices"),
    ]

    # CAN sets each theme's date and host (the proposer by default); the schedule goes out.
    asked = reached(app, f"serawai:{rnd.id}:schedule-ask:")
    assert employee_id(app, CAN) in asked
    for sesi, day in zip(sessions, ("15/9/2025", "22/9/2025", "29/9/2025"), strict=True):
        bot.say(CAN, "/serawai")
        bot.press(CAN, "Atur jadwal")
        bot.press(CAN, sesi.title)
        bot.say(CAN, f"{day} 09.00")
        bot.press(CAN, "(pengusul)")
        bot.say(CAN, "Aula dan Zoom")
        done = texts(bot.press(CAN, "Kirim"))
    assert "Jadwal 3 sesi sedang diumumkan" in done
    schedule = reached(app, f"serawai:{rnd.id}:schedule:")
    assert set(schedule) == everyone
    assert "Senin, 15 September 2025 pukul 09.00 WIB, penyelenggara BPS Kabupaten Bengkulu " in (
        schedule[employee_id(app, CC)][0].text
    )

    # Step 6: the host's CA picks the committee from the directory.
    first_session = sessions[0]
    ask = [m for m in bot.inbox(HOST) if "Susun panitia" in " ".join(m.labels)][-1]
    bot.press(HOST, "Susun panitia", ask)
    bot.say(HOST, "yusuf")
    bot.press(HOST, "Yusuf Hidayat")
    for speaker in SPEAKERS:
        bot.say(HOST, speaker.split()[0])
        bot.press(HOST, speaker)
        bot.press(HOST, "Tambah" if speaker == SPEAKERS[0] else "Lanjut")
    bot.say(HOST, "Nomor 001")
    bot.press(HOST, "Nomor 001")
    bot.say(HOST, "Nomor 012")
    bot.press(HOST, "Nomor 012")
    answer = bot.press(HOST, "Kirim")
    saved = texts(answer)
    assert "Susunan panitia *Literasi Data untuk Semua* tersimpan" in saved
    assert "narasumber" in texts(bot.inbox("Ratna Dewi"))
    assert "/notula" in texts(bot.inbox("Nomor 012"))

    # Step 7: the checklist, each tick reported to the province CA.
    checklist = [m for m in answer if "Persiapan Serawai" in m.text][-1]
    for item in ("Undangan", "Draf kata sambutan", "Ruangan", "Materi"):
        checklist = bot.press(HOST, item, checklist)[-1]
    assert "4/4 siap" in checklist.text
    province = texts(bot.inbox(PROVINCE_CA))
    assert "Panitia Serawai *Literasi Data untuk Semua*" in province
    assert "1/4" in province
    assert "✅ Serawai *Literasi Data untuk Semua* (BPS Kabupaten Bengkulu Selatan" in province

    # Step 8: ten working days before, an Event Team (SOP-321) request linked to the session,
    # from its coordinator, without the lead-time rule; the Event Team lead is told.
    event_team = next(r for r in due(app, "serawai.event_team") if r.args["session_id"] == 1)
    assert event_team.due_at == wib(date(2025, 8, 29))
    at(clock, event_team.due_at)
    bot.tick()
    with app.sessions() as session:
        request = session.scalars(
            select(EventRequest).where(EventRequest.linked_ref == "serawai:1")
        ).one()
        linked = session.get(SerawaiSession, 1)
        assert linked is not None
    assert linked.event_request_id == request.id
    assert request.requester_id == employee_id(app, HOST)
    assert request.title == "Serawai: Literasi Data untuk Semua"
    assert (request.starts_at, request.place) == (wib(date(2025, 9, 15)), "Aula dan Zoom")
    assert sorted(role for role, _ in request.roles) == ["dokumentasi", "operator"]
    assert "Literasi Data untuk Semua" in texts(bot.inbox("Rudi Hartono"))  # Ketua Event Team
    assert f"(nomor {request.id})" in texts(bot.inbox(HOST))

    # Step 9: check-in with the code on screen, minutes and photos.
    at(clock, wib(date(2025, 9, 15), 8, 45))
    bot.tick()
    assert "/kodehadir" in texts(bot.inbox(HOST))
    clock.advance(minutes=20)
    shown = texts(bot.say(HOST, "/kodehadir"))
    code = re.search(r"\*(\d{6})\*", shown)
    assert code is not None
    participants = [f"Nomor {i:03d}" for i in range(20, 26)]
    for name in participants[:5]:
        assert "tercatat pukul 09.05 WIB" in texts(bot.say(name, f"/hadir {code[1]}"))
    assert "sudah tercatat" in texts(bot.say(participants[0], f"/hadir {code[1]}"))
    assert "tercatat" in texts(bot.say(SPEAKERS[0], f"/hadir {code[1]}"))
    clock.advance(seconds=31)  # the code on screen changed; the previous one still counts
    bot.say(participants[5], "/hadir")
    assert "tercatat" in texts(bot.say(participants[5], code[1]))
    assert "Kode tidak cocok" in texts(bot.say("Nomor 030", "/hadir 000000"))
    assert "Tidak ada sesi Serawai berlangsung yang Anda" in texts(
        bot.say("Nomor 030", "/kodehadir")
    )
    with app.sessions() as session:
        assert len(session.scalars(select(SerawaiAttendance)).all()) == 7

    # The end of the session: speakers get certificates; participants are asked to rate.
    at(clock, wib(date(2025, 9, 15), 11, 0))
    bot.tick()
    for speaker in SPEAKERS:
        got = bot.inbox(speaker)
        assert [type(m.reply) for m in got[-2:]] == [Image, Document], speaker
    taker = "Nomor 012"
    bot.press(taker, "Kirim notulen", [m for m in bot.inbox(taker) if m.labels][-1])
    minutes = tmp_path / "notulen.pdf"
    minutes.write_bytes(b"%PDF-1.4\n")
    photo = tmp_path / "foto.jpg"
    photo.write_bytes(b"\xff\xd8\xff")
    bot.say(taker, media=(Media(str(minutes), "application/pdf", "document", "notulen.pdf"),))
    assert "1 notulen, 1 foto" in texts(
        bot.say(taker, media=(Media(str(photo), "image/jpeg", "photo", "foto.jpg"),))
    )
    bot.press(taker, "Selesai")

    # Step 11: each participant rates both speakers; the certificate follows the rating.
    for n, name in enumerate(participants):
        ask = [m for m in bot.inbox(name) if "Beri penilaian" in " ".join(m.labels)][-1]
        bot.press(name, "Beri penilaian", ask)
        for score in ("3", "4", "3") if n % 2 else ("4", "4", "4"):  # Irfan
            bot.say(name, score)
        bot.press(name, "Lewati")
        for score in ("5", "5", "4"):  # Ratna
            bot.say(name, score)
        got = bot.say(name, "Sangat bermanfaat")
        assert "Terima kasih atas penilaian Anda" in got[0].text
        assert isinstance(got[1].reply, Image)
        assert isinstance(got[2].reply, Document)
        assert re.search(r"nomor SRW/2025/001/\d{4}", got[1].text)
    assert "sudah tercatat" in texts(bot.press(participants[0], "Beri penilaian", ask))
    with app.sessions() as session:
        certificates = list(session.scalars(select(SerawaiCertificate)))
    assert len(certificates) == 8
    assert sorted(c.serial for c in certificates) == list(range(1, 9))
    assert all(Path(c.png_path).is_file() and Path(c.pdf_path).is_file() for c in certificates)
    mine = next(c for c in certificates if c.holder_name.endswith("Nomor 020"))
    bot.inbox(CC)
    verified = texts(bot.say(CC, f"/verifikasi {mine.code}"))
    assert verified == (
        f"✅ Sertifikat SAH: {mine.number}, atas nama {mine.holder_name} sebagai Peserta pada "
        "Literasi Data untuk Semua, 15 September 2025."
    )

    # CAN rates the host; best speaker and host of the quarter.
    for member in (CAN, CAN_2):
        bot.say(member, "/serawai_nilaikantor")
        bot.press(member, first_session.title)
        bot.say(member, "5" if member == CAN else "4")
        bot.press(member, "Lewati")
    bot.say(CAN, "/serawai_terbaik")
    best = texts(bot.press(CAN, "Triwulan 3 2025"))
    assert "1. Ratna Dewi — 4.67 (6 penilaian)" in best
    assert "2. Irfan Maulana — 3.67 (6 penilaian)" in best
    assert "1. BPS Kabupaten Bengkulu Selatan — 4.50 (2 penilaian)" in best

    # Step 10: the report, returned once by the CC with a note, then approved.
    review = texts(bot.say(HOST, "/laporanserawai"))
    assert "Kelengkapan administrasi lengkap." in review
    assert "diajukan ke CC" in texts(bot.press(HOST, "Ajukan"))
    cc_message = [m for m in bot.inbox(CC) if "menunggu persetujuan" in m.text][-1]
    assert "✅ Notulensi" in cc_message.text
    bot.press(CC, "Kembalikan", cc_message)
    bot.say(CC, "Lampirkan daftar hadir bertanda tangan.")
    assert "Lampirkan daftar hadir bertanda tangan." in texts(bot.inbox(HOST))
    bot.say(HOST, "/laporanserawai")
    bot.press(HOST, "Ajukan")
    cc_message = [m for m in bot.inbox(CC) if "menunggu persetujuan" in m.text][-1]
    assert "disetujui" in texts(bot.press(CC, "Setujui", cc_message))
    assert "disetujui oleh CC" in texts(bot.inbox(HOST))

    # Every step of the SOP has its record, with its start and its end.
    with app.sessions() as session:
        steps = {
            (r.ref, r.step, r.ended_at is not None)
            for r in session.scalars(select(StepRecord).where(StepRecord.program == "sop098"))
        }
    assert {s for ref, s, _ in steps if ref == f"round:{rnd.id}"} == {1, 2, 3, 4, 5}
    assert {(s, done) for ref, s, done in steps if ref == "session:1"} == {
        (6, True),
        (7, True),
        (8, True),
        (9, True),
        (10, True),
        (11, True),
    }
