"""One request from /dukungan to the lead's internal evaluation, over simulated days.

Every reminder and notification is checked in the inbox of the person it is for, and every
other inbox is checked to be empty, so a message to the wrong person fails the test.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from sqlalchemy import select

from bot.messages import Document, Media
from storage.event_team import EventDocumentation, EventEvaluation, RoleAssignment
from storage.models import StepRecord
from tests.event_team.helpers import (
    CC,
    LEAD,
    MEMBERS,
    SM,
    inboxes,
    only,
    pending_reminders,
    serving,
    the_request,
    wib,
)
from tests.support import Harness, texts


def _tick_at(bot: Harness, day: date, at: time) -> dict[str, str]:
    bot.clock.now = wib(day, at)
    bot.tick()
    return inboxes(bot)


def test_one_request_from_dukungan_to_the_internal_evaluation(bot: Harness) -> None:
    # Wednesday 26 March 2025, 09.00 WIB: the SM asks for support on Monday 14 April.
    bot.say(SM, "/dukungan")
    assert "minimal 3 huruf atau angka" in texts(bot.say(SM, "x"))
    bot.say(SM, "Rapat Koordinasi Triwulan I")
    assert "Sampai pukul berapa" in texts(bot.say(SM, "14 April 2025 jam 9"))
    bot.say(SM, "11.00")
    bot.say(SM, "Aula BPS Provinsi Bengkulu")
    for role, count in (("MC", "1"), ("Notulis", "2"), ("Dokumentasi", "1")):
        bot.press(SM, role)
        bot.press(SM, count)
    bot.press(SM, "Selesai")
    bot.say(SM, "Mohon datang 30 menit lebih awal")
    summary = texts(bot.say(SM, "PP-2025-041"))
    assert "Senin, 14 April 2025, 09.00–11.00 WIB" in summary
    assert "MC ×1, Notulis ×2, Dokumentasi ×1" in summary
    bot.press(SM, "Ubah")
    bot.press(SM, "Tempat")
    assert "Kirim ke Ketua Event Team?" in texts(bot.say(SM, "Ruang Rapat Lantai 2"))
    done = texts(bot.press(SM, "Kirim"))
    assert "Permintaan #1 tersimpan" in done

    only(
        inboxes(bot),
        {
            LEAD: ("Permintaan dukungan Event Team #1 dari Irfan Maulana", "Ruang Rapat Lantai 2"),
            CC: "Irfan Maulana meminta dukungan Event Team (#1)",
        },
    )
    # Only once both got theirs does the SM hear that they were told.
    told = texts(bot.inbox(SM))
    assert "Ketua Event Team dan CC sudah diberi tahu tentang permintaan #1" in told
    assert the_request(bot.app).status == "requested"

    # Thursday 27 March: one working day without an assignment -> the lead is reminded.
    only(
        _tick_at(bot, date(2025, 3, 27), time(9, 0)),
        {LEAD: "Pengingat: peran untuk permintaan #1"},
    )
    # Friday 28 March to Monday 7 April are Idul Fitri holidays and cuti bersama: nothing.
    only(_tick_at(bot, date(2025, 4, 7), time(12, 0)), {})
    # Tuesday 8 April, the second working day: the CC is told.
    only(_tick_at(bot, date(2025, 4, 8), time(9, 0)), {CC: "belum dibagi oleh Ketua Event Team"})

    # The lead opens the proposal from the notification and confirms it.
    proposal = texts(bot.press(LEAD, "Bagi peran"))
    assert "Usulan pembagian peran" in proposal
    assert "2. Notulis 1:" in proposal
    assert "Tetapkan" in bot.last_choices[LEAD].labels[0]
    assert "Pembagian peran #1 tersimpan" in texts(bot.press(LEAD, "Tetapkan"))
    team = serving(bot.app)
    assert sorted(team.values()) == ["dokumentasi", "mc", "notulis", "notulis"]
    idle = [m for m in MEMBERS if m not in team]
    assert len(idle) == 1
    got = {m: bot.inbox(m) for m in MEMBERS}
    expected_role = {"mc": "MC", "notulis": "Notulis", "dokumentasi": "Dokumentasi"}
    for member, role in team.items():
        words = texts(got[member])
        assert f"Anda ditugaskan sebagai {expected_role[role]}" in words
        assert "Senin, 14 April 2025, 09.00–11.00 WIB" in words
        assert "Ruang Rapat Lantai 2" in words
        calendar_file = [m.reply for m in got[member] if isinstance(m.reply, Document)]
        assert len(calendar_file) == 1
        assert b"BEGIN:VEVENT" in Path(calendar_file[0].path).read_bytes()
    assert got[idle[0]] == []
    only(
        inboxes(bot, (SM, LEAD, CC)),
        {
            SM: "Petugas Event Team untuk Rapat Koordinasi Triwulan I",
            LEAD: "SM dan setiap anggota sudah diberi tahu tentang pembagian peran #1",
        },
    )
    assert the_request(bot.app).status == "assigned"

    # A notulis cannot come: they decline with a reason; the lead is asked to fill the slot.
    decliner = next(m for m, r in team.items() if r == "notulis")
    bot.inbox(decliner)
    bot.say(decliner, "/tugas")
    assert "Mohon tulis alasan" in texts(bot.press(decliner, "Tidak bisa hadir"))
    assert "Ketua Event Team akan menunjuk pengganti" in texts(
        bot.say(decliner, "Dinas luar ke Kaur")
    )
    only(inboxes(bot), {LEAD: ("tidak dapat bertugas sebagai Notulis", "Dinas luar ke Kaur")})
    refill = texts(bot.press(LEAD, "Isi ulang"))
    assert f"1. Notulis: {idle[0]}" in refill
    bot.press(LEAD, "Tetapkan")
    only(
        inboxes(bot),
        {idle[0]: "Anda ditugaskan sebagai Notulis", SM: f"{idle[0]}"},
    )
    assert "sudah diberi tahu tentang pembagian peran #1" in texts(bot.inbox(LEAD))
    team = serving(bot.app)
    assert idle[0] in team
    assert decliner not in team

    # Friday 11 April, 09.00: the working day before; Monday 07.00: two hours before.
    only(
        _tick_at(bot, date(2025, 4, 11), time(9, 0)),
        dict.fromkeys(team, "besok Anda bertugas"),
    )
    only(_tick_at(bot, date(2025, 4, 14), time(7, 0)), dict.fromkeys(team, "Dua jam lagi"))

    # 11.00: the event ends. Members are asked for photos, the SM gets the form on the CC's
    # behalf, the CC is told it went out, the lead is asked for the internal evaluation.
    after = _tick_at(bot, date(2025, 4, 14), time(11, 0))
    only(
        after,
        {
            **dict.fromkeys(team, "kirim foto dokumentasi"),
            SM: "Atas nama CC: mohon isi Form Evaluasi Kegiatan",
            CC: "sudah dikirim atas nama Anda kepada Irfan Maulana",
            LEAD: "evaluasi internal tim",
        },
    )
    photographer = next(m for m, r in team.items() if r == "dokumentasi")
    bot.say(photographer, "/dokumentasi")
    photo = Media("/tmp/rapat-1.jpg", "image/jpeg", "photo")
    assert "1 berkas diterima" in texts(bot.say(photographer, media=(photo,)))
    assert "1 berkas dokumentasi tersimpan" in texts(bot.say(photographer, "selesai"))

    # Nobody evaluates on Tuesday: both are reminded; on Wednesday the CC is told of both.
    only(
        _tick_at(bot, date(2025, 4, 15), time(11, 0)),
        {SM: "mohon isi form evaluasi", LEAD: "evaluasi internal tim untuk"},
    )
    only(
        _tick_at(bot, date(2025, 4, 16), time(11, 0)),
        {CC: ("belum diisi oleh SM", "belum diisi oleh Ketua Event Team")},
    )

    # The SM fills the form: readiness, punctuality, each role, communication, overall.
    bot.clock.advance(hours=1)
    first = texts(bot.press(SM, "Isi evaluasi"))
    assert "(1/7) Kesiapan Event Team" in first
    asked = [first]
    for stars in (4, 5, 5, 4, 3, 4, 4):
        asked.append(texts(bot.press(SM, "⭐" * stars)))
    assert "Kinerja peran Notulis" in "".join(asked)
    assert "Saran" in asked[-1]
    assert "evaluasi Anda tersimpan" in texts(bot.say(SM, "Sound system perlu dicek lebih awal"))

    # The lead rates each member who served, with a note or none.
    bot.press(LEAD, "Evaluasi tim")
    for index in range(len(team)):
        bot.press(LEAD, "⭐⭐⭐⭐")
        if index == 0:
            bot.say(LEAD, "Sangat sigap")
        else:
            last = bot.press(LEAD, "Lewati")
    assert "Evaluasi internal tersimpan" in texts(last)
    only(inboxes(bot), {})

    with bot.app.sessions() as session:
        evaluation = session.scalars(select(EventEvaluation)).one()
        assert (evaluation.readiness, evaluation.punctuality, evaluation.overall) == (4, 5, 4)
        assert evaluation.role_ratings == {"mc": 5, "notulis": 4, "dokumentasi": 3}
        assert evaluation.suggestions == "Sound system perlu dicek lebih awal"
        rated = session.scalars(select(RoleAssignment).where(RoleAssignment.status == "active"))
        assert {a.lead_rating for a in rated} == {4}
        assert session.scalars(select(EventDocumentation.path)).all() == ["/tmp/rapat-1.jpg"]
        steps = {s.step: s for s in session.scalars(select(StepRecord))}
    assert sorted(steps) == [1, 2, 3, 4, 5, 6, 7]
    assert all(s.ended_at is not None for s in steps.values())
    assert steps[3].standard == "1wd"
    assert the_request(bot.app).status == "closed"
    assert pending_reminders(bot.app) == []
