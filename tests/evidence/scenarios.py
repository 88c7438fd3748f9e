"""Scripted stories the exploration plays first, through the same checked chat a user has.

The random walk of tests/evidence/explore.py reaches every flow a command starts, but some flows
begin only from a button on a proactive message with a record behind it, sometimes weeks and
several people later: the team's evaluation after an event was held, the check-in during a
Serawai session, the proof after a Pegasus poster went out. These stories take the records
there, as the people concerned would, by reusing the features' own test steps (the Event Team,
Serawai and Pegasus transcripts). Every message goes through the exploration's driver: each
step is checked as in the walk (catalog texts, valid conversations, nothing logged as an error)
and the first entry of each flow is recorded the same way. Nothing is written to the database
directly; it is only read to know when to move the clock.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from bot.calendar import WIB
from bot.dispatch import DispatchResult
from bot.messages import Channel, Media
from bot.tick import TickReport
from tests.event_team.helpers import CC, LEAD, MEMBERS, SM, request_in_chat
from tests.evidence.explore import Explorer, Scenario
from tests.pegasus.conftest import HUMAS, PJ, duties, name_of, publish_roster
from tests.serawai.support import CAN, REGENCY_CAS, open_round, propose, the_round
from tests.support import Delivered, Harness, texts

FINISH = 12  # buttons pressed to get to the end of a flow, at most
MINUTES = "Bayu Saputra"  # the Serawai session's minute taker


class Checked(Harness):
    """The tests' harness, but every message and tick goes through the exploration's driver."""

    def __init__(self, explorer: Explorer, story: str) -> None:
        super().__init__(explorer.app, explorer.clock)
        self.explorer = explorer
        self.story = story

    def send(
        self,
        who: str,
        text: str | None = None,
        *,
        payload: str | None = None,
        media: tuple[Media, ...] = (),
        message_id: str | None = None,
        channel: Channel = Channel.CONSOLE,
    ) -> DispatchResult:
        """One checked message from `who` (a NIP or a name); notes the flow it entered."""
        nip = who if who.isdigit() else self.nip_of(who)
        self.explorer.send(nip, text, payload=payload, media=media)
        said = text if text and text.startswith("/") else f"{self.story}: {text or payload}"
        self.explorer.note(nip, f"{said} as {nip}")
        return DispatchResult()

    def tick(self) -> TickReport:
        """The scheduler's turn at the current time, checked."""
        self.explorer.driver.advance()
        return TickReport()

    def at(self, moment: datetime) -> None:
        """Move the clock to `moment` (never back) and tick."""
        self.clock.now = max(self.clock.now, moment.astimezone(UTC))
        self.tick()

    def finish(self, who: str) -> None:
        """Press the first button that does not lead away, until `who` is out of their flow."""
        nip = who if who.isdigit() else self.nip_of(who)
        for _ in range(FINISH):
            if self.explorer.driver.flow_of(nip)[0] is None:
                return
            offered = self.explorer.driver.offered(nip)
            ahead = [p for label, p in offered if label not in self.explorer.retreat]
            if not ahead:
                return
            self.say(who, payload=ahead[0])

    def finish_choosing(self, who: str) -> None:
        """Press the first button while the state offers only buttons that do not lead away and
        no text is asked (picking which record a flow is about)."""
        nip = who if who.isdigit() else self.nip_of(who)
        offered = self.explorer.driver.offered(nip)
        ahead = [p for label, p in offered if label not in self.explorer.retreat]
        if ahead and len(ahead) == len(offered):
            self.say(who, payload=ahead[0])

    def photo(self) -> Media:
        """A photo as a channel saves it."""
        return Media(str(self.explorer.driver.files["photo"]), "image/png", "photo")

    def document(self) -> Media:
        """A PDF as a channel saves it."""
        path = str(self.explorer.driver.files["document"])
        return Media(path, "application/pdf", "document", "berkas.pdf")


def _wib(day: date, at: time = time(9, 0)) -> datetime:
    return datetime.combine(day, at, WIB)


def _pressing(bot: Checked, who: str, label_part: str) -> list[Delivered]:
    """Read `who`'s messages, then press the newest button labelled like `label_part`."""
    got = [m for m in bot.inbox(who) if label_part.casefold() in " ".join(m.labels).casefold()]
    assert got, f"{who} got no {label_part!r} button"
    return bot.press(who, label_part, got[-1])


def event_team_asked(explorer: Explorer) -> None:
    """A request for Monday 14 April assigned; another cancelled."""
    bot = Checked(explorer, "event team")
    request_in_chat(bot, when="14/4/2025 09.00-11.00")
    _pressing(bot, LEAD, "Bagi peran")
    bot.finish(LEAD)
    # The requester starts a reschedule, a member starts declining; both think better of it.
    bot.say(SM, "/permintaan")
    bot.press(SM, "Ubah jadwal #1")
    bot.say(SM, "batal")
    for member in MEMBERS:
        if "Tidak bisa hadir" in " ".join(" ".join(m.labels) for m in bot.say(member, "/tugas")):
            break
    bot.press(member, "Tidak bisa hadir")
    bot.say(member, "batal")
    # The member marks days away, then starts taking one back and stops.
    bot.say(member, "/tidaktersedia")
    bot.say(member, "21/4/2025 sampai 23/4/2025")
    bot.say(member, "Cuti tahunan")
    bot.press(member, "Kirim")
    bot.say(member, "/tersedia")
    bot.say(member, "batal")
    request_in_chat(bot, when="16/4/2025 13.00-15.00")
    bot.say(SM, "/permintaan")
    bot.press(SM, "Batalkan #2")
    bot.say(SM, "Kegiatan ditunda ke triwulan II")
    bot.finish(SM)


def event_team_held(explorer: Explorer) -> None:
    """The request held: documented, evaluated by the team's lead and by the requester."""
    bot = Checked(explorer, "event team")
    bot.at(_wib(date(2025, 4, 14), time(11, 0)))
    members = [name for name in MEMBERS if "foto" in texts(bot.inbox(name))]
    bot.say(members[0], "/dokumentasi")
    bot.say(members[0], media=(bot.photo(),))
    bot.say(members[0], "selesai")
    _pressing(bot, LEAD, "Evaluasi tim")
    for _ in range(8):
        bot.say(LEAD, "4")
    bot.finish(LEAD)
    _pressing(bot, SM, "Isi evaluasi")
    for _ in range(8):
        bot.say(SM, "4")
    bot.say(SM, "Sudah baik")
    bot.inbox(CC)


def serawai(explorer: Explorer) -> None:
    """A round whose two themes tie, through the schedule, committee, session, minutes,
    ratings and the report the CC returns."""
    bot = Checked(explorer, "serawai")
    open_round(bot, "Serawai Uji Bukti", themes=1)
    # Proposed at the same moment, with no votes: only CAN can break the tie.
    for office, title in (("1701", "Literasi Data untuk Semua"), ("1702", "Dashboard Kinerja")):
        propose(bot, REGENCY_CAS[office], title)
    bot.at(the_round(bot.app).proposal_closes_at)
    bot.at(the_round(bot.app).voting_closes_at)
    bot.say(CAN, "/serawai_seri")
    bot.finish(CAN)
    bot.say(CAN, "Tema paling sesuai dengan kebutuhan kantor.")
    bot.finish(CAN)
    day = the_round(bot.app).voting_closes_at.astimezone(WIB).date() + timedelta(days=28)
    day -= timedelta(days=day.weekday())  # a Monday
    bot.say(CAN, "/serawai_jadwal")
    bot.finish_choosing(CAN)
    bot.say(CAN, f"{day.day}/{day.month}/{day.year} 09.00")
    bot.press(CAN, "(pengusul)")
    bot.say(CAN, "Aula dan Zoom")
    bot.press(CAN, "Kirim")
    host = next(
        name
        for name in REGENCY_CAS.values()
        if any("Susun panitia" in " ".join(m.labels) for m in bot.inbox(name))
    )
    bot.say(host, "/panitia")
    bot.finish_choosing(host)
    for person in (host.split()[0], "Irfan", "Dewi", MINUTES.split()[0]):
        if bot.explorer.driver.flow_of(bot.nip_of(host))[0] is None:
            break
        bot.say(host, person)
        labels = bot.last_choices[host].labels
        match = [label for label in labels if label.startswith(person)]
        if match:
            bot.press(host, match[0])
        if any("Lanjut" in label for label in bot.last_choices[host].labels):
            bot.press(host, "Lanjut")
    bot.finish(host)
    bot.at(_wib(day, time(8, 45)))
    bot.clock.advance(minutes=20)
    code = re.search(r"\*(\d{6})\*", texts(bot.say(host, "/kodehadir")))
    assert code is not None, "no check-in code shown"
    participants = ("Maya Sari", "Rina Marlina", "Fajar Nugroho")
    for name in participants:
        bot.say(name, "/hadir")
        bot.say(name, code[1])
    bot.at(_wib(day, time(11, 0)))
    _pressing(bot, MINUTES, "Kirim notulen")
    bot.say(MINUTES, media=(bot.document(),))
    bot.say(MINUTES, media=(bot.photo(),))
    bot.say(MINUTES, "Selesai")
    for name in participants:
        _pressing(bot, name, "Beri penilaian")
        for _ in range(3):
            bot.say(name, "4")
        bot.finish(name)
    bot.say(CAN, "/serawai_nilaikantor")
    bot.finish(CAN)
    bot.say(host, "/laporanserawai")
    bot.press(host, "Ajukan")
    _pressing(bot, "Sri Wahyuni", "Kembalikan")
    bot.say("Sri Wahyuni", "Lampirkan daftar hadir bertanda tangan.")


def pegasus(explorer: Explorer) -> None:
    """A roster published; a swap asked, accepted and approved; a poster approved, posted and
    proven; another sent back with a note."""
    bot = Checked(explorer, "pegasus")
    first, second, third, *_ = publish_roster(bot)
    agus, andi, bayu = (name_of(bot.app, d.employee_id) for d in (first, second, third))
    bot.say(bayu, "/tukar")
    bot.press(bayu, "Pilih rekan")
    bot.say(bayu, "Irfan")
    bot.press(bayu, "Irfan")
    bot.press(bayu, "Kirim")
    _pressing(bot, "Irfan Maulana", "Bersedia")
    _pressing(bot, PJ, "Setujui")
    # Irfan records leave, then starts taking it back and stops.
    bot.say("Irfan Maulana", "/cuti")
    bot.say("Irfan Maulana", "2/6/2025")
    bot.say("Irfan Maulana", "6/6/2025")
    bot.press("Irfan Maulana", "Kirim")
    bot.say("Irfan Maulana", "/batalcuti")
    bot.say("Irfan Maulana", "batal")
    bot.at(_wib(date(2025, 4, 8), time(10, 0)))
    _pressing(bot, agus, "Kirim kata motivasi")
    bot.say(agus, "Bekerja dengan hati, melayani dengan data yang jujur.", media=(bot.photo(),))
    bot.press(agus, "Kirim untuk disetujui")
    _pressing(bot, PJ, "Setujui")
    for hour in range(0, 24 * 3 + 1, 6):  # to Saturday 12 April, 09.00: H-5 of the second
        bot.at(_wib(date(2025, 4, 9)) + timedelta(hours=hour))
    _pressing(bot, HUMAS, "Bukti grup WhatsApp")
    bot.say(HUMAS, media=(bot.photo(),))
    bot.press(HUMAS, "Bukti Instagram")
    bot.say(HUMAS, "https://www.instagram.com/p/Cxyz123/")
    _pressing(bot, andi, "Kirim kata motivasi")
    bot.say(andi, "Data yang baik, keputusan yang bijak.", media=(bot.photo(),))
    bot.press(andi, "Kirim untuk disetujui")
    _pressing(bot, PJ, "Minta perbaikan")
    bot.say(PJ, "Mohon fotonya diganti yang lebih terang.")
    assert duties(bot.app)


SCENARIOS: tuple[Scenario, ...] = (event_team_asked, pegasus, event_team_held, serawai)
