"""The SM reschedules or cancels: people are told, pending reminders move or are withdrawn."""

from __future__ import annotations

import re
from datetime import date, time

from bot.messages import Document
from tests.event_team.helpers import (
    CC,
    LEAD,
    SM,
    inboxes,
    only,
    pending_reminders,
    request_in_chat,
    serving,
    the_request,
    wib,
)
from tests.support import Harness, texts


def _assigned(bot: Harness) -> list[str]:
    request_in_chat(bot)
    inboxes(bot)
    bot.press(LEAD, "Bagi peran")
    bot.press(LEAD, "Tetapkan")
    inboxes(bot)
    return list(serving(bot.app))


def _tick_at(bot: Harness, day: date, at: time) -> dict[str, str]:
    bot.clock.now = wib(day, at)
    bot.tick()
    return inboxes(bot)


def test_a_reschedule_tells_members_and_lead_and_moves_every_reminder(bot: Harness) -> None:
    team = _assigned(bot)
    bot.say(SM, "/permintaan")
    bot.press(SM, "Ubah jadwal #1")
    asked = texts(bot.say(SM, "15/4/2025 13.00-15.00"))
    assert "Selasa, 15 April 2025, 13.00–15.00 WIB" in asked
    assert "diubah menjadi Selasa, 15 April 2025" in texts(bot.press(SM, "Kirim"))
    got = {m: bot.inbox(m) for m in team}
    for member in team:
        assert "Jadwal berubah" in texts(got[member])
        assert any(isinstance(m.reply, Document) for m in got[member])
    only(inboxes(bot), {LEAD: "dari Senin, 14 April 2025, 09.00–11.00 WIB menjadi Selasa"})
    request = the_request(bot.app)
    assert request.revision == 2
    timed = [r.key for r in pending_reminders(bot.app) if re.search(r":r\d+:", r.key)]
    assert timed
    assert all(":r2:" in key for key in timed)

    # The old moments pass quietly; the new ones speak.
    only(_tick_at(bot, date(2025, 4, 11), time(9, 0)), {})
    only(_tick_at(bot, date(2025, 4, 14), time(9, 0)), dict.fromkeys(team, "besok Anda bertugas"))
    only(_tick_at(bot, date(2025, 4, 14), time(11, 0)), {})
    only(_tick_at(bot, date(2025, 4, 15), time(11, 0)), dict.fromkeys(team, "Dua jam lagi"))
    after = _tick_at(bot, date(2025, 4, 15), time(15, 0))
    assert "Form Evaluasi Kegiatan" in after[SM]
    assert "atas nama Anda" in after[CC]


def test_a_cancellation_tells_members_and_lead_and_withdraws_every_reminder(
    bot: Harness,
) -> None:
    team = _assigned(bot)
    assert pending_reminders(bot.app)
    bot.say(SM, "/permintaan")
    bot.press(SM, "Batalkan #1")
    assert "Batalkan permintaan" in texts(bot.say(SM, "Kegiatan ditunda ke triwulan II"))
    done = texts(bot.press(SM, "Ya, batalkan"))
    assert "Permintaan #1 dibatalkan" in done
    assert "diberi tahu" not in done  # not yet: nobody has been sent anything
    only(
        inboxes(bot),
        {**dict.fromkeys(team, "dibatalkan"), LEAD: "Kegiatan ditunda ke triwulan II"},
    )
    # Everyone got it; only now does the SM hear so.
    assert "sudah diberi tahu tentang pembatalan permintaan #1" in texts(bot.inbox(SM))
    assert pending_reminders(bot.app) == []
    only(_tick_at(bot, date(2025, 4, 14), time(12, 0)), {})
    assert "Dibatalkan" in texts(bot.say(SM, "/permintaan"))
    assert "belum punya tugas" in texts(bot.say(team[0], "/tugas"))


def test_a_member_marks_dates_unavailable_and_lists_their_assignments(bot: Harness) -> None:
    team = _assigned(bot)
    member = team[0]
    assert "Rapat Koordinasi Triwulan I" in texts(bot.say(member, "/tugas"))
    bot.say(member, "/tidaktersedia")
    assert "belum terbaca" in texts(bot.say(member, "kapan-kapan"))
    assert "sudah lewat" in texts(bot.say(member, "1/3/2025"))
    bot.say(member, "14/4/2025 sampai 16/4/2025")
    asked = texts(bot.say(member, "Cuti tahunan"))
    assert "Senin, 14 April 2025" in asked
    assert "Rabu, 16 April 2025" in asked
    done = texts(bot.press(member, "Kirim"))
    assert "3 tanggal dicatat" in done
    assert "Anda sudah ditugaskan pada: #1 Rapat Koordinasi Triwulan I" in done


def test_when_the_only_member_declines_and_nobody_replaces_them(bot: Harness) -> None:
    request_in_chat(bot, roles=(("MC", 1),))
    inboxes(bot)
    bot.press(LEAD, "Bagi peran")
    bot.press(LEAD, "Tetapkan")
    (member,) = serving(bot.app)
    bot.inbox(member)
    bot.press(member, "Tidak bisa hadir")
    bot.say(member, "Sakit")
    inboxes(bot)
    # The refill reminders fall silent once the event has begun; the lead has nobody to rate.
    after = _tick_at(bot, date(2025, 4, 14), time(11, 0))
    assert "Pengingat" not in after[LEAD]
    assert "evaluasi internal tim" in after[LEAD]
    assert "Tidak ada anggota yang bertugas" in texts(bot.press(LEAD, "Evaluasi tim"))
    only(_tick_at(bot, date(2025, 4, 15), time(11, 0)), {SM: "mohon isi form evaluasi"})


def test_a_member_takes_back_dates_marked_unavailable(bot: Harness) -> None:
    member = _assigned(bot)[0]
    assert "tidak menandai tanggal" in texts(bot.say(member, "/tersedia"))
    bot.say(member, "/tidaktersedia")
    bot.say(member, "14/4/2025 sampai 16/4/2025")
    assert "/tersedia" in texts(bot.press(member, "Lewati") + bot.press(member, "Kirim"))

    (asked,) = bot.say(member, "/tersedia")
    assert asked.labels == [
        "Senin, 14 April 2025",
        "Selasa, 15 April 2025",
        "Rabu, 16 April 2025",
        "Semua (3)",
    ]
    confirm = texts(bot.press(member, "Selasa, 15 April 2025"))
    assert "Selasa, 15 April 2025" in confirm
    assert "Senin" not in confirm
    assert "1 tanggal dibatalkan" in texts(bot.press(member, "Kirim"))

    (left,) = bot.say(member, "/tersedia")
    assert left.labels == ["Senin, 14 April 2025", "Rabu, 16 April 2025", "Semua (2)"]
    bot.press(member, "Semua (2)")
    assert "2 tanggal dibatalkan" in texts(bot.press(member, "Kirim"))
    assert "tidak menandai tanggal" in texts(bot.say(member, "/tersedia"))


def test_only_team_members_have_tersedia(bot: Harness) -> None:
    assert "/tersedia" not in texts(bot.say(SM, "menu"))
    assert "Kirim" not in texts(bot.say(SM, "/tersedia"))
