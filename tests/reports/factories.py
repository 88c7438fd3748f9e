"""Facts whose figures are known by hand, for the report tests (and the README pictures).

Event Team, Triwulan II 2025: 7 events (2 in April, 3 in May, 2 in June), 2 late requests,
per-event SM scores 5, 4, 4, 5, 4, 4, 4, so the overall average is 30/7 = 4,29.
Serawai: 153 of 195 employees voted (78,5%); themes got 58, 41, 23, 23 and 8 votes, the
tie at 23 broken for "Literasi Data untuk Pimpinan". Speakers average 307/70 = 4,39.
Pegasus: 13 weekly duties, 10 on time, 2 late, 1 missed (76,9% on time), 1 swap.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from bot.calendar import WIB
from bot.reports.compliance import quarter_period
from bot.reports.facts import (
    Assignment,
    DutyFact,
    EventFact,
    EventTeamFacts,
    HostRatingFact,
    MemberRating,
    PegasusFacts,
    ProposalFact,
    RoundFact,
    SerawaiFacts,
    SessionFact,
    SpeakerRatingFact,
    StepRecord,
    ThemeVotes,
    TimeStandard,
    TurnoutFact,
)

Q1 = quarter_period(2025, 1)
Q2 = quarter_period(2025, 2)
CRITERIA = ("Ketepatan waktu", "Kesiapan peralatan", "Koordinasi")


def wib(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A WIB wall-clock moment as a UTC instant."""
    return datetime.combine(day, time(hour, minute), WIB).astimezone(UTC)


def _event(
    id_: int,
    title: str,
    unit: str,
    day: date,
    lead: int,
    ratings: tuple[int, int, int],
    *,
    suggestion: str = "",
    member_scores: tuple[tuple[str, int, str], ...] = (),
) -> EventFact:
    members = ("Andi", "Budi", "Citra", "Dewi", "Eka")
    roles = ("MC", "Dokumentasi", "Operator")
    assignments = tuple(
        Assignment(members[(id_ + i) % len(members)], role) for i, role in enumerate(roles)
    )
    return EventFact(
        id=id_,
        title=title,
        requesting_unit=unit,
        office="BPS Provinsi Bengkulu" if "Kabupaten" not in unit else unit,
        requested_at=wib(day, 10) - timedelta(days=round(lead * 7 / 5) + 1),
        starts_at=wib(day, 9),
        lead_working_days=lead,
        late=lead < 3,
        status="done",
        roles_needed={"MC": 1, "Dokumentasi": 1, "Operator": 1},
        assignments=assignments,
        sm_ratings=dict(zip(CRITERIA, ratings, strict=True)),
        sm_role_ratings={"MC": ratings[0], "Dokumentasi": ratings[1], "Operator": 5},
        sm_suggestion=suggestion,
        member_ratings=tuple(MemberRating(m, s, n) for m, s, n in member_scores)
        or tuple(MemberRating(a.member, 4) for a in assignments),
    )


def event_team_q2() -> EventTeamFacts:
    """Seven events in Triwulan II 2025; average overall rating 4,29; two late requests."""
    events = [
        _event(1, "Rapat Koordinasi Triwulan", "Bagian Umum", date(2025, 4, 15), 6, (5, 5, 5)),
        _event(
            2,
            "Sosialisasi SAKIP",
            "Bagian Umum",
            date(2025, 4, 24),
            2,
            (4, 4, 4),
            suggestion="Mohon petugas dokumentasi datang 30 menit lebih awal.",
        ),
        _event(
            3, "Apel Hari Pendidikan", "Fungsi Statistik Sosial", date(2025, 5, 2), 4, (4, 4, 4)
        ),
        _event(4, "Bimtek Sensus Ekonomi", "Fungsi IPDS", date(2025, 5, 20), 8, (5, 5, 5)),
        _event(
            5,
            "Diseminasi Data Kemiskinan",
            "Fungsi Statistik Sosial",
            date(2025, 5, 28),
            3,
            (4, 4, 4),
        ),
        _event(
            6,
            "Rapat Evaluasi Zona Integritas",
            "Bagian Umum",
            date(2025, 6, 11),
            2,
            (2, 5, 5),
            suggestion="Perlu gladi bersih sebelum acara dimulai.",
            member_scores=(("Andi", 5, ""), ("Budi", 2, "Terlambat hadir"), ("Citra", 4, "")),
        ),
        _event(
            7,
            "Penyuluhan Kesehatan Pegawai",
            "BPS Kabupaten Seluma",
            date(2025, 6, 25),
            12,
            (4, 4, 4),
        ),
    ]
    m10, wd1 = TimeStandard.minutes(10), TimeStandard.working_days(1)
    steps = [
        StepRecord(
            "sop321",
            2,
            "Input permintaan",
            wib(date(2025, 4, 8), 9),
            wib(date(2025, 4, 8), 9, 8),
            m10,
        ),
        StepRecord(
            "sop321",
            2,
            "Input permintaan",
            wib(date(2025, 4, 9), 9),
            wib(date(2025, 4, 9), 9, 12),
            m10,
        ),
        StepRecord(
            "sop321",
            2,
            "Input permintaan",
            wib(date(2025, 5, 9), 9),
            wib(date(2025, 5, 9), 9, 5),
            m10,
        ),
        StepRecord(
            "sop321", 3, "Penugasan", wib(date(2025, 4, 8), 9), wib(date(2025, 4, 8), 15), wd1
        ),
    ]
    return EventTeamFacts(Q2, events, steps)


def event_team_q1() -> EventTeamFacts:
    """Three events in Triwulan I 2025 (scores 5, 5 and 4), none late."""
    events = [
        _event(11, "Rapat Kerja Awal Tahun", "Bagian Umum", date(2025, 1, 14), 7, (5, 5, 5)),
        _event(12, "Pelatihan Pengolahan", "Fungsi IPDS", date(2025, 2, 18), 5, (5, 5, 5)),
        _event(13, "Apel Kesadaran", "Bagian Umum", date(2025, 3, 17), 4, (4, 4, 4)),
    ]
    return EventTeamFacts(Q1, events)


def _poster(folder: Path, name: str, color: str, size: tuple[int, int] = (540, 675)) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    picture = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((30, 30, size[0] - 30, size[1] - 30), outline="white", width=8)
    draw.text((60, size[1] // 2), name, fill="white")
    picture.save(path)
    return str(path)


def pegasus_q2(folder: Path) -> PegasusFacts:
    """Thirteen weekly duties in Triwulan II 2025: 10 on time, 2 late, 1 missed, 1 swap."""
    people = [
        ("Rahmat Hidayat", "BPS Kota Bengkulu"),
        ("Siti Aminah", "BPS Provinsi Bengkulu"),
        ("Yusuf Pratama", "BPS Kabupaten Seluma"),
        ("Lina Marlina", "BPS Kabupaten Kaur"),
    ]
    statuses = ["on_time"] * 13
    statuses[3], statuses[8], statuses[11] = "late", "missed", "late"
    colors = ("#1F4E79", "#2E8B57", "#C0392B", "#7F5FA8")
    duties = []
    for i, status in enumerate(statuses):
        day = date(2025, 3, 31) + timedelta(weeks=i)
        person, office = people[i % len(people)]
        week = day.isocalendar().week
        posted = None if status == "missed" else wib(day, 8 if status == "on_time" else 16)
        duties.append(
            DutyFact(
                week=week,
                duty_date=day,
                person=person,
                office=office,
                status=status,
                swapped_from="Dedi Kurniawan" if i == 5 else None,
                poster_path=None
                if status == "missed"
                else _poster(folder, f"poster-{week}.png", colors[i % 4]),
                proof_url=f"https://www.instagram.com/p/bps1700-{week}"
                if i % 2 == 0 and status != "missed"
                else None,
                proof_path=_poster(folder, f"bukti-{week}.png", "#555555", (720, 400))
                if i % 2 == 1 and status != "missed"
                else None,
                posted_at=posted,
            )
        )
    wd3 = TimeStandard.working_days(3)
    steps = [
        StepRecord(
            "sop330", 4, "Kutipan dan desain", wib(date(2025, 4, 14)), wib(date(2025, 4, 15)), wd3
        ),
    ]
    return PegasusFacts(Q2, duties, steps)


def pegasus_q1(folder: Path) -> PegasusFacts:
    """Thirteen duties in Triwulan I 2025, all on time, no pictures."""
    duties = [
        DutyFact(
            week=i + 1,
            duty_date=date(2024, 12, 30) + timedelta(weeks=i),
            person=f"Pegawai {i + 1}",
            office="BPS Provinsi Bengkulu",
            status="on_time",
        )
        for i in range(13)
    ]
    return PegasusFacts(Q1, duties)


def serawai_q2() -> SerawaiFacts:
    """One round with 5 proposals and a tie at the third place; two sessions."""
    proposals = (
        ProposalFact(1, "BPS Kota Bengkulu", "Analisis Data dengan Python", "Rina", "Rina"),
        ProposalFact(2, "BPS Kabupaten Seluma", "Menulis Rilis yang Mudah Dibaca", "Joko", "Joko"),
        ProposalFact(3, "BPS Kabupaten Kaur", "Literasi Data untuk Pimpinan", "Tuti"),
        ProposalFact(4, "BPS Kabupaten Lebong", "Dashboard Kinerja Kantor", "Bayu"),
        ProposalFact(5, "BPS Kabupaten Mukomuko", "Etika Pelayanan Publik", "Sari"),
    )
    votes = (
        ThemeVotes(1, "Analisis Data dengan Python", "BPS Kota Bengkulu", 58, True),
        ThemeVotes(2, "Menulis Rilis yang Mudah Dibaca", "BPS Kabupaten Seluma", 41, True),
        ThemeVotes(3, "Literasi Data untuk Pimpinan", "BPS Kabupaten Kaur", 23, True),
        ThemeVotes(4, "Dashboard Kinerja Kantor", "BPS Kabupaten Lebong", 23, False),
        ThemeVotes(5, "Etika Pelayanan Publik", "BPS Kabupaten Mukomuko", 8, False),
    )
    round_ = RoundFact(
        id=1,
        name="Serawai Putaran I 2025",
        proposal_opens=date(2025, 4, 8),
        proposal_closes=date(2025, 4, 16),
        voting_opens=date(2025, 4, 17),
        voting_closes=date(2025, 5, 9),
        themes_to_select=3,
        proposals=proposals,
        turnout=(
            TurnoutFact("BPS Provinsi Bengkulu", 120, 96),
            TurnoutFact("BPS Kota Bengkulu", 45, 30),
            TurnoutFact("BPS Kabupaten Seluma", 30, 27),
        ),
        votes=votes,
        tie_break_notes=(
            "“Literasi Data untuk Pimpinan” dan “Dashboard Kinerja Kantor” sama-sama "
            "memperoleh 23 suara; “Literasi Data untuk Pimpinan” terpilih karena diusulkan "
            "lebih dahulu.",
        ),
    )
    full = dict.fromkeys(
        (
            "Undangan",
            "Draf kata sambutan",
            "Daftar hadir",
            "Dokumentasi",
            "Notulensi",
            "Saran dan masukan",
        ),
        True,
    )
    sessions = (
        SessionFact(
            1,
            "Analisis Data dengan Python",
            date(2025, 5, 22),
            "BPS Kota Bengkulu",
            85,
            88,
            full,
            "approved",
        ),
        SessionFact(
            2,
            "Menulis Rilis yang Mudah Dibaca",
            date(2025, 6, 19),
            "BPS Kabupaten Seluma",
            64,
            66,
            {**full, "Notulensi": False},
            "pending",
            "Notulensi belum diunggah.",
        ),
    )
    return SerawaiFacts(
        period=Q2,
        rounds=(round_,),
        sessions=sessions,
        speaker_ratings=(
            SpeakerRatingFact("Rina Marlina", "Analisis Data dengan Python", 4.6, 4.4, 4.8, 40),
            SpeakerRatingFact("Joko Susilo", "Menulis Rilis yang Mudah Dibaca", 4, 4.2, 4.1, 30),
        ),
        host_ratings=(
            HostRatingFact("BPS Kota Bengkulu", "Analisis Data dengan Python", 4.5),
            HostRatingFact("BPS Kabupaten Seluma", "Menulis Rilis yang Mudah Dibaca", 3.8),
        ),
        best_speaker="Rina Marlina (BPS Kota Bengkulu)",
        best_host="BPS Kota Bengkulu",
    )
