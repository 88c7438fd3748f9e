"""Step 1 on the database: a year of fair rosters, absences, swaps, /jadwal and /pegasus."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from bot.flows.pegasus.rules import Away, is_away
from bot.messages import Image
from storage.models import Employee
from storage.pegasus import Absence, Duty, Swap, SwapStatus
from tests.pegasus.conftest import PJ, add_employee, duties, name_of, publish_roster
from tests.support import Harness, texts


def _cuti(bot: Harness, who: str, start: str, end: str, other: str | None = None) -> str:
    bot.say(who, "/cuti")
    if other is not None:
        bot.press(who, "Pegawai lain")
        bot.say(who, other)
        bot.press(who, other)
    elif who == PJ:
        bot.press(who, "Saya sendiri")
    bot.say(who, start)
    bot.say(who, end)
    return texts(bot.press(who, "Kirim"))


def test_a_year_over_23_people_with_3_away_is_fair_within_one_turn(bot: Harness) -> None:
    add_employee(bot.app, "199911112023011023", "Zainal Abidin", bot.clock(), community="")
    assert "Tercatat" in _cuti(bot, "Irfan Maulana", "14/4/2025", "25/4/2025")
    assert "Tercatat" in _cuti(bot, PJ, "1/7/2025", "31/7/2025", other="Ratna Dewi")
    assert "Tercatat" in _cuti(bot, "Sri Wahyuni", "1/12/2025", "19/12/2025")

    # Two periods (a quarter, then three more): the second carries the first one's history.
    publish_roster(bot, start="7/4/2025", weeks="13 minggu")
    bot.say(PJ, "/petugas")
    bot.press(PJ, "Tambah pegawai")
    bot.say(PJ, "Zainal")
    assert "Daftar sekarang 23 orang" in texts(bot.press(PJ, "Zainal"))
    bot.say(PJ, "/susunjadwal")
    bot.press(PJ, "Senin, 7 Juli 2025")  # the suggested start: right after the first period
    bot.say(PJ, "39 minggu")
    bot.press(PJ, "Jumat")
    bot.say(PJ, "1")
    assert "Jadwal Pegasus diterbitkan: 39 minggu" in texts(bot.press(PJ, "Terbitkan"))

    year = duties(bot.app)
    assert len(year) == 52
    with bot.app.sessions() as session:
        away = {
            a.employee_id: [Away(a.start_date, a.end_date)]
            for a in session.scalars(select(Absence))
        }
        pool = list(session.scalars(select(Employee.id)))
    for turn in year:
        assert not is_away(away.get(turn.employee_id, []), turn.posting_date)
    counts = Counter(d.employee_id for d in year)
    everyone = [counts.get(employee_id, 0) for employee_id in pool]
    assert len(everyone) == 23
    assert max(everyone) - min(everyone) <= 1, everyone
    # Zainal joined the second period's round instead of serving week after week.
    zainal = [d.posting_date for d in year if name_of(bot.app, d.employee_id) == "Zainal Abidin"]
    assert 1 <= len(zainal) <= 3


def test_an_open_offer_goes_to_the_first_colleague_who_takes_it(bot: Harness) -> None:
    first = publish_roster(bot)[0]
    person = name_of(bot.app, first.employee_id)
    bot.inbox(person)
    bot.say(person, "/tukar")
    bot.press(person, "Tawarkan ke semua")
    assert "Permintaan tukar giliran tersimpan" in texts(bot.press(person, "Kirim"))
    bot.inbox("Irfan Maulana")
    bot.inbox("Ratna Dewi")
    assert "Tawaran terkirim" not in texts(bot.inbox(person))  # 19 have not got it yet
    assert "Menunggu persetujuan PJ" in texts(bot.press("Ratna Dewi", "Saya ambil"))
    assert "sudah diambil rekan lain" in texts(bot.press("Irfan Maulana", "Saya ambil"))
    # A second swap for the same turn cannot open while this one waits for the PJ.
    assert "masih berjalan" in texts(bot.say(person, "/tukar"))
    bot.inbox(PJ)
    assert "Permintaan tukar ditolak" in texts(bot.press(PJ, "Tolak"))
    assert "tidak menyetujui" in texts(bot.inbox("Ratna Dewi"))
    assert name_of(bot.app, duties(bot.app)[0].employee_id) == person


def test_a_colleague_declines_and_a_crafted_approval_is_refused(bot: Harness) -> None:
    first = publish_roster(bot)[0]
    person = name_of(bot.app, first.employee_id)
    bot.say(person, "/tukar")
    bot.press(person, "Pilih rekan")
    bot.say(person, "Putri")
    bot.press(person, "Putri")
    bot.press(person, "Kirim")
    bot.inbox("Putri Ayu")
    with bot.app.sessions() as session:
        swap = session.scalars(select(Swap)).one()
    # Neither a bystander nor the requester can answer for Putri, nor approve for the PJ.
    assert "rekan lain" in texts(bot.say("Irfan Maulana", payload=f"pgs:{swap.id}:a"))
    assert "hanya untuk pemegang peran" in texts(bot.say(person, payload=f"pgs:{swap.id}:ok"))
    told = texts(bot.press("Putri Ayu", "Tidak bisa"))
    assert "jawaban Anda tersimpan" in told
    assert "Putri Ayu tidak bisa menggantikan" in texts(bot.inbox(person))
    assert "sudah disampaikan" in texts(bot.inbox("Putri Ayu"))
    with bot.app.sessions() as session:
        assert session.get(Swap, swap.id).status == SwapStatus.DECLINED  # type: ignore[union-attr]
        assert session.get(Duty, first.id).employee_id == first.employee_id  # type: ignore[union-attr]


def test_leave_over_a_published_turn_offers_a_swap_and_tells_the_pj(bot: Harness) -> None:
    first = publish_roster(bot)[0]
    person = name_of(bot.app, first.employee_id)
    bot.inbox(person)
    bot.inbox(PJ)
    saved = _cuti(bot, person, "9/4/2025", "9/4/2025")
    assert "Anda terjadwal Pegasus pada Jumat, 11 April 2025" in saved
    assert person in texts(bot.inbox(PJ))
    assert "Serahkan kepada siapa?" in texts(bot.press(person, "Tukar giliran"))


def test_anyone_sees_the_roster_and_their_own_turn(bot: Harness) -> None:
    roster = publish_roster(bot)
    got = bot.say("Sri Wahyuni", "/jadwal")
    assert "Jadwal Pegasus Senin, 7 April 2025 s.d. Minggu, 4 Mei 2025" in texts(got)
    assert "tidak mendapat giliran" in texts(got)
    assert any(isinstance(m.reply, Image) for m in got)
    person = name_of(bot.app, roster[1].employee_id)
    bot.inbox(person)
    mine = texts(bot.say(person, "/pegasus"))
    assert "Kamis, 17 April 2025 pukul 08.00 WIB" in mine
    assert "menunggu kata motivasi" in mine
    assert "belum mendapat giliran" in texts(bot.say("Sri Wahyuni", "/pegasus"))
    assert date(2025, 4, 17) == roster[1].posting_date


def test_an_absence_recorded_by_mistake_is_taken_back(bot: Harness) -> None:
    assert "Tidak ada catatan" in texts(bot.say("Irfan Maulana", "/batalcuti"))
    assert "/batalcuti" in _cuti(bot, "Irfan Maulana", "14/4/2025", "25/4/2025")
    _cuti(bot, PJ, "1/7/2025", "31/7/2025", other="Ratna Dewi")

    # Irfan sees only his own; the PJ sees everyone's.
    (own,) = bot.say("Irfan Maulana", "/batalcuti")
    assert own.labels == ["Irfan Maulana: Senin, 14 April 2025 s.d. Jumat, 25 April 2025"]
    (everyone,) = bot.say(PJ, "/batalcuti")
    assert len(everyone.labels) == 3
    assert "Semua (2)" in everyone.labels
    bot.press(PJ, "Irfan Maulana")  # the PJ picks Irfan's, but Irfan is quicker

    bot.press("Irfan Maulana", "Irfan Maulana")
    assert "1 catatan tidak di tempat dibatalkan" in texts(bot.press("Irfan Maulana", "Kirim"))
    assert "sudah tidak ada" in texts(bot.press(PJ, "Kirim"))

    with bot.app.sessions() as session:
        left = session.scalars(select(Absence).order_by(Absence.id)).all()
    assert [name_of(bot.app, a.employee_id) for a in left] == ["Ratna Dewi"]
    assert "Tidak ada catatan" in texts(bot.say("Irfan Maulana", "/batalcuti"))
