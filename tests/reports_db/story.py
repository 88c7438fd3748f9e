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

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from bot.app import App
from bot.calendar import WIB
from bot.flows.event_team import SubmitEvaluation
from bot.flows.event_team_lead import AssignSlots, SubmitInternalEvaluation
from bot.payload import decode, encode
from bot.services import directory
from bot.services.context import ServiceCtx
from bot.services.event_team import cancel_request, open_request
from bot.services.reports_gather import CRITERIA
from storage.db import transaction
from storage.event_team import RoleAssignment
from storage.models import Employee
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
        ctx = ServiceCtx(app=self.app, session=session, now=self.clock())  # type: ignore[arg-type]
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
            self.app.registry.actions["et"](ctx, payload)
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
