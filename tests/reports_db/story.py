"""A half-year of Event Team support made through the real services, with figures known by hand.

Triwulan I 2025: one event (18 March), evaluated with an overall 5.
Triwulan II 2025: four requests.
- #2 "Rapat Koordinasi Triwulan II", Irfan (Bagian Umum), Tue 22 April, asked 14 April
  (5 working days); MC Dewi, Notulis Bayu, assigned after 4 hours. SM: readiness 5,
  punctuality 4, MC 5, Notulis 4, communication 5, overall 5, with a suggestion. Ketua: Dewi
  5, Bayu 4.
- #3 "Sosialisasi SAKIP", Ratna (Fungsi Statistik Sosial), Thu 22 May, asked 20 May
  (2 working days: late); MC Rina, Dokumentasi Fajar, assigned after 25 hours (over the
  1-working-day standard). SM: 3, 2, MC 4, Dokumentasi 3, 3, overall 3, a suggestion.
  Ketua: Rina 4, Fajar 2 ("Terlambat hadir").
- #4 "Bimtek Pengolahan Data", Irfan, Mon 16 June, asked 2 June (8 working days); MC Dewi;
  held, the SM has not evaluated yet. Ketua: Dewi 4.
- #5 "Rapat Kerja Kabupaten", Yusuf (BPS Kabupaten Bengkulu Selatan), 20 June, cancelled.
So: 4 requests, 3 held, 1 late, 2 rated by the SM (overall 5 and 3: average 4,00), MC rated
4,50 on average, 5 assignments, Ketua's average 3,80, step 3 within its standard 2 of 3.
Triwulan III 2025: #6, asked 1 July for 15 July, not yet assigned.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from PIL import Image as PILImage
from sqlalchemy import select

from bot.app import App
from bot.calendar import WIB
from bot.flows.event_team.evaluation import SubmitEvaluation
from bot.flows.event_team.lead import AssignSlots, SubmitInternalEvaluation
from bot.messages import Media
from bot.payload import decode, encode
from bot.services import directory
from bot.services.context import ServiceCtx
from bot.services.event_team import cancel_request, open_request
from bot.services.reports_gather import CRITERIA
from storage.db import transaction
from storage.event_team import RoleAssignment
from storage.models import Employee, OutboxMessage, OutboxStatus
from storage.pegasus import Duty, DutyStatus, Proof, RosterPeriod, Swap, SwapStatus
from storage.serawai import (
    SerawaiAttendance,
    SerawaiBallot,
    SerawaiCertificate,
    SerawaiDocument,
    SerawaiHostRating,
    SerawaiProposal,
    SerawaiRound,
    SerawaiSession,
    SerawaiSpeakerRating,
    SerawaiVote,
)
from tests.support import Clock, Harness

CAN = "Putri Ayu"
ADMIN = "Andi Pratama"  # admin and CAN
CC = "Sri Wahyuni"
LEAD = "Rudi Hartono"
EMPLOYEE = "Irfan Maulana"  # no role


def wib(day: date, at: time = time(9, 0)) -> datetime:
    """A WIB wall-clock moment as UTC."""
    return datetime.combine(day, at, WIB).astimezone(UTC)


class Story:
    """Drives the Event Team services as the SM, the lead and the scheduler would."""

    def __init__(self, app: App, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    def _ctx_as(self, session: object, name: str | None) -> ServiceCtx:
        ctx = ServiceCtx(env=self.app.env, session=session, now=self.clock())  # type: ignore[arg-type]
        if name is not None:
            person = session.scalar(select(Employee).where(Employee.name == name))  # type: ignore[attr-defined]
            ctx.actor = directory.actor_of(session, person)  # type: ignore[arg-type]
        return ctx

    def at(self, day: date, hour: int = 9, minute: int = 0) -> None:
        """Move the clock to a WIB moment, doing the due work on the way."""
        self.clock.set_wib(day, time(hour, minute))
        Harness(self.app, self.clock).tick()

    def id_of(self, name: str) -> int:
        """An employee's id."""
        with self.app.sessions() as session:
            found = session.scalar(select(Employee.id).where(Employee.name == name))
        assert found is not None
        return found

    def position(self, name: str, position: str) -> None:
        """Record someone's position (it stands for their unit in the reports)."""
        with transaction(self.app.sessions) as session:
            person = session.scalar(select(Employee).where(Employee.name == name))
            assert person is not None
            person.position = position

    def request(
        self, who: str, title: str, day: date, roles: dict[str, int], start: int = 9
    ) -> int:
        """The SM asks for support now (late requests are accepted and flagged)."""
        with transaction(self.app.sessions) as session:
            return open_request(
                self._ctx_as(session, None),
                requester_id=self.id_of(who),
                title=title,
                starts_at=wib(day, time(start)),
                ends_at=wib(day, time(start + 2)),
                place="Aula BPS Provinsi Bengkulu",
                roles=roles,
                enforce_lead_time=False,
            )

    def assign(self, request_id: int, picks: dict[str, str]) -> None:
        """The lead names a member per role (first slot of each)."""
        command = AssignSlots(
            request_id, tuple((role, 1, self.id_of(name)) for role, name in picks.items())
        )
        self._domain(LEAD, command)

    def evaluate(self, request_id: int, sm: str, scores: dict[str, int], suggestion: str) -> None:
        """The SM opens the form with its button, then submits it."""
        with transaction(self.app.sessions) as session:
            ctx = self._ctx_as(session, sm)
            payload = decode(encode("et", "eval", request_id))
            assert payload is not None
            self.app.registry.press(ctx, payload)
        fixed = [(c, scores[c]) for c in CRITERIA]
        roles = [(k, v) for k, v in scores.items() if k.startswith("role:")]
        self._domain(sm, SubmitEvaluation(request_id, tuple(fixed + roles), suggestion))

    def rate_team(self, request_id: int, scores: dict[str, tuple[int, str]]) -> None:
        """The lead's internal evaluation: a rating and a note per member who served."""
        with self.app.sessions() as session:
            served = session.execute(
                select(RoleAssignment.id, Employee.name)
                .join(Employee, Employee.id == RoleAssignment.member_id)
                .where(RoleAssignment.request_id == request_id)
                .order_by(RoleAssignment.id)
            )
            ratings = tuple((aid, *scores[name]) for aid, name in served)
        self._domain(LEAD, SubmitInternalEvaluation(request_id, ratings))

    def cancel(self, request_id: int, reason: str) -> None:
        """The request is withdrawn."""
        with transaction(self.app.sessions) as session:
            cancel_request(self._ctx_as(session, None), request_id, reason)

    def _domain(self, who: str, command: object) -> None:
        with transaction(self.app.sessions) as session:
            self.app.registry.domain[type(command)](self._ctx_as(session, who), command)


def half_year(app: App, clock: Clock) -> Story:
    """Play the events of the module docstring; the clock ends on Tuesday 1 July 2025, 10.00."""
    s = Story(app, clock)
    s.position("Irfan Maulana", "Bagian Umum")
    s.position("Ratna Dewi", "Fungsi Statistik Sosial")
    everyone = dict.fromkeys(CRITERIA, 4) | {"overall": 5}

    s.at(date(2025, 3, 10))
    apel = s.request("Irfan Maulana", "Apel Pagi Bersama", date(2025, 3, 18), {"mc": 1})
    s.at(date(2025, 3, 10), 10)
    s.assign(apel, {"mc": "Bayu Saputra"})
    s.at(date(2025, 3, 18), 12)
    s.evaluate(apel, "Irfan Maulana", everyone | {"role:mc": 4}, "")
    s.rate_team(apel, {"Bayu Saputra": (4, "")})

    s.at(date(2025, 4, 14))
    rakor = s.request(
        "Irfan Maulana", "Rapat Koordinasi Triwulan II", date(2025, 4, 22), {"mc": 1, "notulis": 1}
    )
    s.at(date(2025, 4, 14), 13)
    s.assign(rakor, {"mc": "Dewi Lestari", "notulis": "Bayu Saputra"})
    s.at(date(2025, 4, 22), 12)
    scores = {"readiness": 5, "punctuality": 4, "communication": 5, "overall": 5}
    s.evaluate(
        rakor,
        "Irfan Maulana",
        scores | {"role:mc": 5, "role:notulis": 4},
        "Mohon notulen dikirim lebih cepat.",
    )
    s.rate_team(rakor, {"Dewi Lestari": (5, ""), "Bayu Saputra": (4, "")})

    s.at(date(2025, 5, 20))
    sakip = s.request(
        "Ratna Dewi", "Sosialisasi SAKIP", date(2025, 5, 22), {"mc": 1, "dokumentasi": 1}, 13
    )
    s.at(date(2025, 5, 21), 10)
    s.assign(sakip, {"mc": "Rina Marlina", "dokumentasi": "Fajar Nugroho"})
    s.at(date(2025, 5, 22), 16)
    scores = {"readiness": 3, "punctuality": 2, "communication": 3, "overall": 3}
    s.evaluate(
        sakip,
        "Ratna Dewi",
        scores | {"role:mc": 4, "role:dokumentasi": 3},
        "Perlu koordinasi lebih awal.",
    )
    s.rate_team(sakip, {"Rina Marlina": (4, ""), "Fajar Nugroho": (2, "Terlambat hadir")})

    s.at(date(2025, 6, 2))
    bimtek = s.request("Irfan Maulana", "Bimtek Pengolahan Data", date(2025, 6, 16), {"mc": 1})
    raker = s.request("Yusuf Hidayat", "Rapat Kerja Kabupaten", date(2025, 6, 20), {"mc": 1})
    s.at(date(2025, 6, 2), 11)
    s.assign(bimtek, {"mc": "Dewi Lestari"})
    s.at(date(2025, 6, 5))
    s.cancel(raker, "Acara diundur ke triwulan berikutnya")
    s.at(date(2025, 6, 16), 12)
    s.rate_team(bimtek, {"Dewi Lestari": (4, "")})

    s.at(date(2025, 7, 1))
    s.request("Irfan Maulana", "Rapat Evaluasi Semester", date(2025, 7, 15), {"mc": 1})
    s.at(date(2025, 7, 1), 10)
    return s


def pegasus_quarter(app: App, clock: Clock) -> None:
    """Pegasus in Triwulan II 2025, written straight into its tables (with real poster files).

    Five Friday duties: Agus 11 April on time (proofs: a screenshot and an Instagram link),
    Dewi 25 April on time, Irfan 2 May a day late (he took Bayu's turn, the PJ approved),
    Rina 16 May missed, Fajar 23 May on time (a link). Maya's 4 July duty is next quarter.
    So 3 of 5 on time (60%), 1 late, 1 missed, 1 swap, 2 with proof, 4 posters. Posting
    (step 5, 1 working day) took 1 hour for Agus and over a working day for Irfan: 1 of 2.
    """
    folder = Path(app.settings.media_dir) / "pegasus"
    folder.mkdir(parents=True, exist_ok=True)
    s = Story(app, clock)
    plan = [
        (date(2025, 4, 11), "Agus Salim", 0, True),
        (date(2025, 4, 25), "Dewi Lestari", 0, True),
        (date(2025, 5, 2), "Irfan Maulana", 1, True),
        (date(2025, 5, 16), "Rina Marlina", None, False),
        (date(2025, 5, 23), "Fajar Nugroho", 0, True),
        (date(2025, 7, 4), "Maya Sari", None, False),
    ]
    ids = {name: s.id_of(name) for name in (*(p[1] for p in plan), "Bayu Saputra")}
    with transaction(app.sessions) as session:
        roster = RosterPeriod(
            start_date=date(2025, 4, 7),
            end_date=date(2025, 7, 6),
            weeks=13,
            weekday=4,
            per_week=1,
            created_at=wib(date(2025, 4, 1)),
        )
        session.add(roster)
        session.flush()
        duties: list[Duty] = []
        for day, name, late_by, has_poster in plan:
            poster = None
            if has_poster:
                poster = folder / f"poster-{day:%m%d}.png"
                PILImage.new("RGB", (540, 675), (31, 78, 121)).save(poster)
            posted = None if late_by is None else wib(day + timedelta(days=late_by), time(8))
            status = DutyStatus.POSTED if posted else DutyStatus.MISSED
            duties.append(
                Duty(
                    period_id=roster.id,
                    week=(day - roster.start_date).days // 7 + 1,
                    seat=1,
                    posting_date=day,
                    employee_id=ids[name],
                    status=status if day.month < 7 else DutyStatus.ASSIGNED,
                    poster_path=str(poster) if poster else None,
                    posted_at=posted,
                )
            )
        session.add_all(duties)
        session.flush()
        shot = folder / "bukti-0411.png"
        PILImage.new("RGB", (540, 300), (90, 90, 90)).save(shot)
        session.add_all(
            [
                Proof(
                    duty_id=duties[0].id,
                    platform="wa",
                    media_path=str(shot),
                    at=wib(date(2025, 4, 11), time(10)),
                ),
                Proof(
                    duty_id=duties[0].id,
                    platform="ig",
                    link="https://www.instagram.com/p/Agus/",
                    at=wib(date(2025, 4, 11), time(10)),
                ),
                Proof(
                    duty_id=duties[4].id,
                    platform="ig",
                    link="https://www.instagram.com/p/Fajar/",
                    at=wib(date(2025, 5, 23), time(10)),
                ),
                Swap(
                    duty_id=duties[2].id,
                    from_employee_id=ids["Bayu Saputra"],
                    to_employee_id=ids["Irfan Maulana"],
                    taker_id=ids["Irfan Maulana"],
                    status=SwapStatus.APPROVED,
                    created_at=wib(date(2025, 4, 28)),
                    decided_at=wib(date(2025, 4, 28), time(11)),
                ),
            ]
        )
        ctx = ServiceCtx(env=app.env, session=session, now=clock())
        for duty, began, ended in (
            (duties[0], wib(date(2025, 4, 11), time(7)), wib(date(2025, 4, 11), time(8))),
            (duties[2], wib(date(2025, 5, 2), time(7)), wib(date(2025, 5, 5), time(8))),
        ):
            ctx.step_started("sop330", 5, f"duty:{duty.id}", "1wd", at=began)
            ctx.step_done("sop330", 5, f"duty:{duty.id}", at=ended)


def serawai_quarter(app: App, clock: Clock) -> None:
    """A Serawai round and its two sessions in Triwulan II 2025, written into its tables.

    "Serawai Putaran II 2025" (opened 14 April, proposals to 23 April, votes to 14 May, 2
    themes): three proposals (a fourth withdrawn). 11 of the 22 employees voted (50%): 8 of 12
    at the province office, one each at 1701, 1702 and 1703. Literasi Data 5 votes,
    Visualisasi Data 3 and Manajemen Waktu 3; Visualisasi went through as the earlier proposal.
    Session 1 (5 June, host 1701): 6 present, 7 certificates, speaker Yusuf rated by 5 (mastery
    4,6, delivery 4, relevance 5), host rated 5 and 4, every item in, approved by the CC.
    Session 2 (19 June, host 1702): 4 present, 4 certificates (a fifth revoked), Lina rated by
    3 (4, 3, 4), host rated 3, speech draft and minutes missing, returned by the CC.
    The sessions took 120 and 150 minutes: 1 of 2 within the 2-hour standard.
    """
    with app.sessions() as session:
        people = dict(session.execute(select(Employee.name, Employee.id)).all())
        office_of = dict(session.execute(select(Employee.id, Employee.office_id)).all())
    opened = wib(date(2025, 4, 14))
    with transaction(app.sessions) as session:
        rnd = SerawaiRound(
            name="Serawai Putaran II 2025",
            status="scheduled",
            opened_at=opened,
            proposal_closes_at=wib(date(2025, 4, 23), time(16)),
            voting_closes_at=wib(date(2025, 5, 14), time(16)),
            proposal_days=7,
            voting_days=15,
            themes_to_select=2,
        )
        session.add(rnd)
        session.flush()
        themes = {}
        for slot_at, (who, title, speaker) in enumerate(
            [
                ("Yusuf Hidayat", "Literasi Data untuk Pimpinan", "Yusuf Hidayat"),
                ("Lina Marpaung", "Visualisasi Data dengan Python", "Lina Marpaung"),
                ("Agus Salim", "Manajemen Waktu Kerja", "Agus Salim"),
                ("Nur Aini", "Tema yang ditarik", "Nur Aini"),
            ]
        ):
            proposal = SerawaiProposal(
                round_id=rnd.id,
                office_id=office_of[people[who]],
                slot=1,
                proposer_id=people[who],
                title=title,
                summary="Ringkasan",
                speaker=speaker,
                created_at=opened + timedelta(hours=slot_at),
                updated_at=opened + timedelta(hours=slot_at),
                withdrawn_at=opened + timedelta(days=1) if who == "Nur Aini" else None,
            )
            session.add(proposal)
            session.flush()
            themes[title.split()[0]] = proposal
        ballots = {
            "Literasi": (
                "Andi Pratama",
                "Sri Wahyuni",
                "Rudi Hartono",
                "Dewi Lestari",
                "Yusuf Hidayat",
            ),
            "Visualisasi": ("Bayu Saputra", "Rina Marlina", "Lina Marpaung"),
            "Manajemen": ("Fajar Nugroho", "Maya Sari", "Agus Salim"),
        }
        for theme, voters in ballots.items():
            for voter in voters:
                ballot = SerawaiBallot(
                    round_id=rnd.id,
                    employee_id=people[voter],
                    office_id=office_of[people[voter]],
                    cast_at=wib(date(2025, 4, 28)),
                    updated_at=wib(date(2025, 4, 28)),
                )
                session.add(ballot)
                session.flush()
                session.add(SerawaiVote(ballot_id=ballot.id, proposal_id=themes[theme].id))
        sessions = []
        for rank, (theme, decided_by, day, minutes) in enumerate(
            [
                ("Literasi", "votes", date(2025, 6, 5), 120),
                ("Visualisasi", "earlier", date(2025, 6, 19), 150),
            ],
            start=1,
        ):
            proposal = themes[theme]
            sesi = SerawaiSession(
                round_id=rnd.id,
                proposal_id=proposal.id,
                rank=rank,
                decided_by=decided_by,
                votes=len(ballots[theme]),
                title=proposal.title,
                host_office_id=proposal.office_id,
                status="held",
                starts_at=wib(day),
                ends_at=wib(day, time(11)),
                checkin_secret="rahasia",
                prep_invitation=True,
                prep_speech=rank == 1,
                report_status="approved" if rank == 1 else "returned",
                report_note=None if rank == 1 else "Notulen belum ada",
            )
            session.add(sesi)
            session.flush()
            sessions.append(sesi)
            ctx = ServiceCtx(env=app.env, session=session, now=clock())
            ctx.step_started("sop098", 9, f"session:{sesi.id}", "120m", at=wib(day))
            ctx.step_done(
                "sop098", 9, f"session:{sesi.id}", at=wib(day) + timedelta(minutes=minutes)
            )
        first, second = sessions
        present = {
            first.id: (
                "Irfan Maulana",
                "Ratna Dewi",
                "Putri Ayu",
                "Hendra Gunawan",
                "Dewi Lestari",
                "Bayu Saputra",
            ),
            second.id: ("Irfan Maulana", "Ratna Dewi", "Rina Marlina", "Fajar Nugroho"),
        }
        speakers = {first.id: "Yusuf Hidayat", second.id: "Lina Marpaung"}
        for sid, names in present.items():
            sesi_day = first.starts_at if sid == first.id else second.starts_at
            assert sesi_day is not None
            holders = [*names, speakers[sid]]
            for serial, name in enumerate(holders, start=1):
                if name in names:
                    session.add(
                        SerawaiAttendance(
                            session_id=sid, employee_id=people[name], checked_in_at=sesi_day
                        )
                    )
                session.add(
                    SerawaiCertificate(
                        session_id=sid,
                        employee_id=people[name],
                        role="speaker" if name == speakers[sid] else "participant",
                        holder_name=name,
                        serial=serial,
                        number=f"SRW/2025/{sid:03d}/{serial:04d}",
                        code=f"kode-{sid}-{serial}",
                        png_path="sertifikat.png",
                        pdf_path="sertifikat.pdf",
                        issued_at=sesi_day,
                        revoked_at=sesi_day if (sid, serial) == (second.id, 1) else None,
                    )
                )
            for kind in ("photo", "minutes") if sid == first.id else ("photo",):
                session.add(
                    SerawaiDocument(
                        session_id=sid,
                        kind=kind,
                        path=f"{kind}.jpg",
                        uploaded_by_id=people["Irfan Maulana"],
                        uploaded_at=sesi_day,
                    )
                )
        ratings = {
            first.id: [(5, 4, 5), (5, 4, 5), (4, 4, 5), (5, 4, 5), (4, 4, 5)],
            second.id: [(4, 3, 4)] * 3,
        }
        for sid, scores in ratings.items():
            for rater, (mastery, delivery, relevance) in zip(present[sid], scores, strict=False):
                session.add(
                    SerawaiSpeakerRating(
                        session_id=sid,
                        rater_id=people[rater],
                        speaker_id=people[speakers[sid]],
                        mastery=mastery,
                        delivery=delivery,
                        relevance=relevance,
                        rated_at=wib(date(2025, 6, 20)),
                    )
                )
        for sid, rater, score, comment in (
            (first.id, "Andi Pratama", 5, "Persiapan rapi"),
            (first.id, "Putri Ayu", 4, ""),
            (second.id, "Andi Pratama", 3, ""),
        ):
            host = first.host_office_id if sid == first.id else second.host_office_id
            session.add(
                SerawaiHostRating(
                    session_id=sid,
                    rater_id=people[rater],
                    office_id=host,
                    score=score,
                    comment=comment,
                    rated_at=wib(date(2025, 6, 20)),
                )
            )


# --- Triwulan IV 2026 and Semester II 2026, through the chat ---------------------------------

Q4_REPORT_DAY = date(2026, 12, 18)  # Friday: the reports are asked for at 10.00 WIB


def quarter_iv_2026(bot: Harness) -> Story:
    """Event Team in Semester II 2026 as the services and the chat record it.

    Triwulan III: "Apel Kesiapsiagaan" (Irfan, asked Mon 10 Aug for Thu 20 Aug, 7 working
    days: 17 August is a holiday), MC Bayu; SM overall 4, Ketua 4; no photos.
    Triwulan IV (the report is made on Friday 18 December, 10.00):
    - A "Rapat Koordinasi Triwulan IV" (Irfan, asked Mon 5 Oct for Thu 15 Oct, 8 working
      days), MC Dewi and Notulis Bayu assigned after 4 hours; Dewi sends a photo in chat;
      SM overall 5; Ketua Dewi 5, Bayu 4. Held.
    - B "Sosialisasi Zona Integritas" (Ratna, asked Tue 10 Nov for Thu 12 Nov: 2 working
      days, late), MC Rina and Dokumentasi Fajar assigned the next morning (over one working
      day); SM: punctuality 2, MC 2, overall 3; no photos, no internal evaluation. Held.
    - C "Rapat Kerja Kabupaten" (Yusuf, asked 2 Nov for 20 Nov), cancelled on 5 Nov; one of
      its messages failed for good.
    - D "Bimtek Statistik Sektoral" (Irfan, asked 23 Nov for 3 Dec), nobody assigned:
      expired unassigned.
    - E "Rapat Evaluasi Akhir Tahun" (Irfan, asked Mon 14 Dec for Tue 29 Dec, 9 working
      days: 24 and 25 December are off), assigned after an hour: still ahead.
    """
    app, clock = bot.app, bot.clock
    s = Story(app, clock)
    s.at(date(2026, 8, 10))
    apel = s.request("Irfan Maulana", "Apel Kesiapsiagaan", date(2026, 8, 20), {"mc": 1})
    s.at(date(2026, 8, 10), 10)
    s.assign(apel, {"mc": "Bayu Saputra"})
    s.at(date(2026, 8, 20), 12)
    s.evaluate(apel, "Irfan Maulana", dict.fromkeys(CRITERIA, 4) | {"role:mc": 4}, "")
    s.rate_team(apel, {"Bayu Saputra": (4, "")})

    s.at(date(2026, 10, 5))
    rakor = s.request(
        "Irfan Maulana",
        "Rapat Koordinasi Triwulan IV",
        date(2026, 10, 15),
        {"mc": 1, "notulis": 1},
    )
    s.at(date(2026, 10, 5), 13)
    s.assign(rakor, {"mc": "Dewi Lestari", "notulis": "Bayu Saputra"})
    s.at(date(2026, 10, 15), 12)
    photo = Path(app.settings.media_dir) / "inbound" / "rakor-iv-1.jpg"
    photo.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (800, 600), (46, 139, 87)).save(photo)
    bot.inbox("Dewi Lestari")
    bot.say("Dewi Lestari", "/dokumentasi")
    got = bot.say("Dewi Lestari", media=(Media(str(photo), "image/jpeg", "photo"),))
    assert any("1 berkas diterima" in m.text for m in got)
    bot.say("Dewi Lestari", "selesai")
    scores = {"readiness": 5, "punctuality": 5, "communication": 5, "overall": 5}
    s.evaluate(rakor, "Irfan Maulana", scores | {"role:mc": 5, "role:notulis": 4}, "")
    s.rate_team(rakor, {"Dewi Lestari": (5, "Sigap."), "Bayu Saputra": (4, "")})

    s.at(date(2026, 11, 2))
    raker = s.request("Yusuf Hidayat", "Rapat Kerja Kabupaten", date(2026, 11, 20), {"mc": 1})
    s.at(date(2026, 11, 5))
    s.cancel(raker, "Acara diundur ke tahun depan")
    with transaction(app.sessions) as session:
        first = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.like(f"et:{raker}:%"))
            .order_by(OutboxMessage.id)
        ).first()
        assert first is not None
        first.status = OutboxStatus.FAILED

    s.at(date(2026, 11, 10))
    zi = s.request(
        "Ratna Dewi",
        "Sosialisasi Zona Integritas",
        date(2026, 11, 12),
        {"mc": 1, "dokumentasi": 1},
        13,
    )
    s.at(date(2026, 11, 11), 10)
    s.assign(zi, {"mc": "Rina Marlina", "dokumentasi": "Fajar Nugroho"})
    s.at(date(2026, 11, 12), 16)
    scores = {"readiness": 3, "punctuality": 2, "communication": 3, "overall": 3}
    s.evaluate(
        zi,
        "Ratna Dewi",
        scores | {"role:mc": 2, "role:dokumentasi": 3},
        "Petugas perlu hadir lebih awal.",
    )

    s.at(date(2026, 11, 23))
    s.request("Irfan Maulana", "Bimtek Statistik Sektoral", date(2026, 12, 3), {"mc": 1})
    s.at(date(2026, 12, 14))
    akhir = s.request("Irfan Maulana", "Rapat Evaluasi Akhir Tahun", date(2026, 12, 29), {"mc": 1})
    s.at(date(2026, 12, 14), 10)
    s.assign(akhir, {"mc": "Rina Marlina"})
    s.at(Q4_REPORT_DAY, 10)
    return s


def pegasus_half_2026(app: App) -> None:
    """Pegasus turns in Semester II 2026 (written into its tables), as of 18 December.

    - Bayu, Fri 7 Aug: quote Thu 30 Jul (before the window opens on 31 Jul), approved at
      15.00, posted on the day with a link.
    - Agus, Fri 2 Oct: quote 30 Sep, approved Thu 1 Oct 09.00 (window from Fri 25 Sep 08.00:
      4 working days, over the 3), posted on the day with a link.
    - Dewi, Fri 16 Oct: quote Tue 13 Oct, approved 16.00 (from Fri 9 Oct 08.00: 2,3 working
      days), posted on Monday 19 Oct: late, no proof.
    - Rina, Fri 30 Oct: nothing: missed.
    - Fajar, Fri 13 Nov: quote Wed 4 Nov 10.00 (before the window opens on 6 Nov), approved
      the next morning, posted on the day, no proof.
    - Maya, Wed 23 Dec: quote Mon 14 Dec 09.00, approved Tue 10.00: waiting for its day.
    """
    s_ids = Story(app, Clock(datetime(2026, 1, 1, tzinfo=UTC)))
    plan = [
        # day, name, quote, approved, posted, proof link
        (
            date(2026, 8, 7),
            "Bayu Saputra",
            wib(date(2026, 7, 30), time(10)),
            wib(date(2026, 7, 30), time(15)),
            wib(date(2026, 8, 7), time(8)),
            True,
        ),
        (
            date(2026, 10, 2),
            "Agus Salim",
            wib(date(2026, 9, 30), time(9)),
            wib(date(2026, 10, 1), time(9)),
            wib(date(2026, 10, 2), time(8)),
            True,
        ),
        (
            date(2026, 10, 16),
            "Dewi Lestari",
            wib(date(2026, 10, 13), time(10)),
            wib(date(2026, 10, 13), time(16)),
            wib(date(2026, 10, 19), time(8)),
            False,
        ),
        (date(2026, 10, 30), "Rina Marlina", None, None, None, False),
        (
            date(2026, 11, 13),
            "Fajar Nugroho",
            wib(date(2026, 11, 4), time(10)),
            wib(date(2026, 11, 5), time(10)),
            wib(date(2026, 11, 13), time(8)),
            False,
        ),
        (
            date(2026, 12, 23),
            "Maya Sari",
            wib(date(2026, 12, 14), time(9)),
            wib(date(2026, 12, 15), time(10)),
            None,
            False,
        ),
    ]
    folder = Path(app.settings.media_dir) / "pegasus"
    folder.mkdir(parents=True, exist_ok=True)
    ids = {name: s_ids.id_of(name) for _day, name, *_ in plan}
    with transaction(app.sessions) as session:
        roster = RosterPeriod(
            start_date=date(2026, 8, 3),
            end_date=date(2026, 12, 27),
            weeks=21,
            weekday=4,
            per_week=1,
            created_at=wib(date(2026, 7, 27)),
        )
        session.add(roster)
        session.flush()
        for day, name, quoted, approved, posted, link in plan:
            poster = None
            if quoted is not None:
                poster = folder / f"poster-{day:%Y%m%d}.png"
                PILImage.new("RGB", (540, 675), (31, 78, 121)).save(poster)
            if posted is not None:
                status = DutyStatus.POSTED
            elif approved is not None:
                status = DutyStatus.APPROVED
            else:
                status = DutyStatus.MISSED
            duty = Duty(
                period_id=roster.id,
                week=(day - roster.start_date).days // 7 + 1,
                seat=1,
                posting_date=day,
                employee_id=ids[name],
                status=status,
                quote=None if quoted is None else "Kerja ikhlas, kerja tuntas.",
                poster_path=None if poster is None else str(poster),
                submitted_at=quoted,
                approved_at=approved,
                posted_at=posted,
            )
            session.add(duty)
            session.flush()
            if link:
                session.add(
                    Proof(
                        duty_id=duty.id,
                        platform="ig",
                        link=f"https://www.instagram.com/p/{name.split()[0]}/",
                        at=posted or wib(day),
                    )
                )
