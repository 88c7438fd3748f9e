"""Benchmark: the Laporan MP Semesteran over a synthetic busy year, against its targets.

A year of 1,000 Event Team events with 10,000 evaluation answers (5 SM criteria, 2 role
ratings and 3 member ratings per event), 50,000 Serawai votes over four rounds (aggregated
per theme and per office as the SQL side will do), 52 Pegasus duties and the step records
of all of it. The half-year report is built and written as DOCX and XLSX; the time of that is
compared with "< 10 s" and the peak memory with "< 500 MB".

Then the same from the database: a SQLite file is filled with the year's Event Team records
(1,000 requests, 3,000 assignments with the lead's ratings, 1,000 SM forms: 10,000 answers)
and their 7,000 step records, four Serawai rounds (2,500 employees casting 5 choices each:
50,000 votes; three sessions with 70 speaker ratings each) and the 52 Pegasus duties with
their posters and proofs, and the half-year report is gathered, built and written from it.

    python -m bench.bench_reports [--out DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.calendar import WIB, WorkCalendar
from bot.i18n import Catalog
from bot.reports.choice import HALF, PeriodRef
from bot.reports.compliance import half_period, quarter_of, quarter_period
from bot.reports.facts import (
    Assignment,
    DutyFact,
    EventFact,
    EventTeamFacts,
    HalfYearFacts,
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
from bot.reports.programs import event_team_report, mp_semesteran_report
from bot.reports.render import write_report
from bot.services.reports import gather_half_year

YEAR = 2025
N_EVENTS, N_VOTES, N_DUTIES = 1_000, 50_000, 52
TARGET_SECONDS, TARGET_MB = 10.0, 500.0
OFFICES = (
    "BPS Provinsi Bengkulu",
    "BPS Kabupaten Bengkulu Selatan",
    "BPS Kabupaten Rejang Lebong",
    "BPS Kabupaten Bengkulu Utara",
    "BPS Kabupaten Kaur",
    "BPS Kabupaten Seluma",
    "BPS Kabupaten Mukomuko",
    "BPS Kabupaten Lebong",
    "BPS Kabupaten Kepahiang",
    "BPS Kabupaten Bengkulu Tengah",
    "BPS Kota Bengkulu",
)
UNITS = (
    "Bagian Umum",
    "Fungsi Statistik Sosial",
    "Fungsi Statistik Produksi",
    "Fungsi Statistik Distribusi",
    "Fungsi Neraca Wilayah",
    "Fungsi IPDS",
)
ROLES = ("MC", "Moderator", "Dokumentasi", "Operator", "Notulis")
CRITERIA = ("Ketepatan waktu", "Kesiapan peralatan", "Koordinasi", "Sikap petugas", "Hasil")
MEMBERS = tuple(f"Anggota {i:02d}" for i in range(1, 26))
STEP_STANDARDS = {
    1: TimeStandard.minutes(30),
    2: TimeStandard.minutes(10),
    3: TimeStandard.working_days(1),
    4: TimeStandard.working_days(1),
    5: TimeStandard.working_days(1),
    6: TimeStandard.minutes(10),
    7: TimeStandard.working_days(1),
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB).astimezone(UTC)


def _working_days(calendar: WorkCalendar) -> list[date]:
    day, out = date(YEAR, 1, 2), []
    while day.year == YEAR:
        if calendar.is_working_day(day):
            out.append(day)
        day += timedelta(days=1)
    return out


def synthetic_events(
    rng: random.Random, days: list[date]
) -> tuple[list[EventFact], int, list[StepRecord]]:
    """1,000 events with 10 evaluation answers each, and 7 step records per event."""
    events: list[EventFact] = []
    steps: list[StepRecord] = []
    answers = 0
    for i in range(N_EVENTS):
        day = days[(i * len(days)) // N_EVENTS]
        lead = round(rng.uniform(0.5, 12), 1)
        roles = rng.sample(ROLES, 3)
        crew = rng.sample(MEMBERS, 3)
        ratings = {c: rng.choice((2, 3, 4, 4, 5, 5)) for c in CRITERIA}
        role_ratings = {r: rng.choice((3, 4, 5)) for r in roles[:2]}
        member_ratings = [MemberRating(m, rng.choice((2, 3, 4, 5, 5)), "") for m in crew]
        answers += len(ratings) + len(role_ratings) + len(member_ratings)
        starts = _at(day, 9)
        events.append(
            EventFact(
                id=i + 1,
                title=f"Kegiatan internal {i + 1}",
                requesting_unit=UNITS[i % len(UNITS)],
                office=OFFICES[0],
                requested_at=starts - timedelta(days=lead * 1.4),
                starts_at=starts,
                lead_working_days=lead,
                late=lead < 3,
                status="done",
                roles_needed=dict.fromkeys(roles, 1),
                assignments=[Assignment(m, r) for m, r in zip(crew, roles, strict=True)],
                sm_ratings=ratings,
                sm_role_ratings=role_ratings,
                sm_suggestion="Pertahankan kerja sama tim." if i % 9 == 0 else "",
                member_ratings=member_ratings,
            )
        )
        for number, standard in STEP_STANDARDS.items():
            begin = starts - timedelta(hours=rng.uniform(1, 30))
            span = (
                timedelta(minutes=rng.uniform(2, 40))
                if standard.unit == "minutes"
                else timedelta(hours=rng.uniform(2, 60))
            )
            steps.append(
                StepRecord("sop321", number, f"Langkah {number}", begin, begin + span, standard)
            )
    return events, answers, steps


def synthetic_serawai(rng: random.Random) -> dict[int, SerawaiFacts]:
    """Four rounds (one per quarter) sharing 50,000 ballots, each with three sessions."""
    per_quarter: dict[int, SerawaiFacts] = {}
    for q in range(1, 5):
        start = quarter_period(YEAR, q).start
        proposals = [
            ProposalFact(q * 100 + k, OFFICES[1 + k % 10], f"Tema {q}.{k}", f"CA {k}")
            for k in range(20)
        ]
        ballots = [
            (rng.randrange(len(OFFICES)), rng.randrange(len(proposals)))
            for _ in range(N_VOTES // 4)
        ]
        per_theme = Counter(theme for _, theme in ballots)  # SELECT theme, COUNT(*) GROUP BY
        per_office = Counter(office for office, _ in ballots)
        top = {t for t, _ in per_theme.most_common(3)}
        round_ = RoundFact(
            id=q,
            name=f"Serawai Putaran {q} {YEAR}",
            proposal_opens=start + timedelta(days=7),
            proposal_closes=start + timedelta(days=16),
            voting_opens=start + timedelta(days=17),
            voting_closes=start + timedelta(days=38),
            proposals=proposals,
            turnout=[TurnoutFact(OFFICES[o], int(n * 1.25), n) for o, n in per_office.items()],
            votes=[
                ThemeVotes(p.id, p.title, p.office, per_theme[k], k in top)
                for k, p in enumerate(proposals)
            ],
        )
        sessions = [
            SessionFact(
                q * 10 + s,
                f"Sesi {q}.{s}",
                start + timedelta(days=50 + 10 * s),
                OFFICES[1 + (q + s) % 10],
                80,
                82,
                dict.fromkeys(("Undangan", "Daftar hadir", "Notulensi"), True),
                "approved",
            )
            for s in range(3)
        ]
        per_quarter[q] = SerawaiFacts(
            period=quarter_period(YEAR, q),
            rounds=[round_],
            sessions=sessions,
            speaker_ratings=[
                SpeakerRatingFact(f"Narasumber {q}.{k}", s.title, 4.5, 4.3, 4.6, 70)
                for k, s in enumerate(sessions)
            ],
            host_ratings=[HostRatingFact(s.host_office, s.title, 4.2) for s in sessions],
            best_speaker=f"Narasumber {q}.0",
            best_host=sessions[0].host_office,
        )
    return per_quarter


def synthetic_duties(rng: random.Random, folder: Path) -> list[DutyFact]:
    """52 weekly duties; a poster and a screenshot on disk for every one that was posted."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    duties = []
    for week in range(1, N_DUTIES + 1):
        day = date.fromisocalendar(YEAR, week, 1)
        status = rng.choices(("on_time", "late", "missed"), (8, 1, 1))[0]
        poster = shot = None
        if status != "missed":
            poster, shot = folder / f"poster-{week}.png", folder / f"bukti-{week}.png"
            Image.new("RGB", (1080, 1350), (20, 60 + week, 120)).save(poster)
            Image.new("RGB", (1080, 600), (90, 90, 90)).save(shot)
        duties.append(
            DutyFact(
                week,
                day,
                f"Pegawai {week}",
                OFFICES[week % 11],
                status,
                poster_path=str(poster) if poster else None,
                proof_path=str(shot) if shot else None,
                posted_at=_at(day, 8) if poster else None,
            )
        )
    return duties


Quarters = dict[int, tuple[EventTeamFacts, SerawaiFacts, PegasusFacts]]


def synthetic_year(folder: Path) -> tuple[Quarters, dict[str, int]]:
    """The facts of every quarter of the year, and what went into them."""
    rng = random.Random(YEAR)
    calendar = WorkCalendar()
    events, answers, steps = synthetic_events(rng, _working_days(calendar))
    serawai = synthetic_serawai(rng)
    duties = synthetic_duties(rng, folder / "media")
    quarters: Quarters = {}
    for q in range(1, 5):
        period = quarter_period(YEAR, q)
        quarters[q] = (
            EventTeamFacts(
                period,
                [e for e in events if quarter_of(e.starts_at.astimezone(WIB).date())[1] == q],
                [
                    s
                    for s in steps
                    if s.ended_at and quarter_of(s.ended_at.astimezone(WIB).date())[1] == q
                ],
            ),
            serawai[q],
            PegasusFacts(period, [d for d in duties if quarter_of(d.duty_date)[1] == q]),
        )
    votes = sum(v.votes for f in serawai.values() for r in f.rounds for v in r.votes)
    counts = {
        "events": len(events),
        "evaluations": answers,
        "votes": votes,
        "duties": len(duties),
        "step records": len(steps),
    }
    return quarters, counts


def half_year(quarters: Quarters) -> HalfYearFacts:
    """The first half-year's facts."""
    q1, q2 = quarters[1], quarters[2]
    return HalfYearFacts(half_period(YEAR, 1), (q1[0], q2[0]), (q1[1], q2[1]), (q1[2], q2[2]))


def _mb(n_bytes: float) -> float:
    return n_bytes / 1_000_000


def _run(out: Path, calendar: WorkCalendar) -> tuple[dict[str, int], list[float], Path, Path]:
    """Make the year's facts, then build and write the half-year report; phase timings."""
    t0 = time.perf_counter()
    quarters, counts = synthetic_year(out)
    t1 = time.perf_counter()
    report = mp_semesteran_report(half_year(quarters), calendar)
    t2 = time.perf_counter()
    docx, xlsx = write_report(report, out, "laporan-mp-semester-1")
    t3 = time.perf_counter()
    quarterly = event_team_report(quarters[2][0], calendar)
    write_report(quarterly, out, "laporan-event-team-triwulan-2")
    t4 = time.perf_counter()
    counts["events in Triwulan II"] = len(quarters[2][0].events)
    return counts, [t1 - t0, t2 - t1, t3 - t2, t4 - t3], docx, xlsx


# --- the same year from a database -------------------------------------------------------

ROLE_CODES = ("mc", "moderator", "dokumentasi", "operator", "notulis")
STANDARD_CODES = {1: "30m", 2: "10m", 3: "1wd", 4: "1wd", 5: "1wd", 6: "10m", 7: "1wd"}


def fill_database(
    url: str, rng: random.Random, days: list[date], duties: list[DutyFact]
) -> tuple[Engine, dict[str, int]]:
    """A migrated database holding the year's Event Team and Pegasus records; what went in."""
    from sqlalchemy import insert

    from storage.db import make_engine, make_session_factory, migrate, transaction
    from storage.event_team import EventEvaluation, EventRequest, RoleAssignment
    from storage.models import Employee
    from storage.models import StepRecord as StepRow
    from storage.seed import seed_offices

    engine = make_engine(url)
    migrate(engine)
    created = _at(days[0], 7)
    with transaction(make_session_factory(engine)) as session:
        offices = seed_offices(session)
        office = offices["1700"].id
        people = [
            {
                "nip": f"19900101{i:010d}",
                "name": name,
                "office_id": office,
                "position": UNITS[i % len(UNITS)] if i >= len(MEMBERS) else "",
                "created_at": created,
            }
            for i, name in enumerate([*MEMBERS, *(f"SM {k:02d}" for k in range(30))])
        ]
        session.execute(insert(Employee), people)
        ids = list(session.scalars(select(Employee.id).order_by(Employee.id)))
        members, requesters = ids[: len(MEMBERS)], ids[len(MEMBERS) :]
        requests, assignments, forms, steps = [], [], [], []
        for i in range(N_EVENTS):
            day = days[(i * len(days)) // N_EVENTS]
            starts = _at(day, 9)
            lead = rng.randint(1, 12)
            roles = rng.sample(ROLE_CODES, 3)
            requester = requesters[i % len(requesters)]
            requests.append(
                {
                    "id": i + 1,
                    "requester_id": requester,
                    "title": f"Kegiatan internal {i + 1}",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2),
                    "place": "Aula",
                    "roles": [[r, 1] for r in roles],
                    "status": "closed",
                    "late": lead < 3,
                    "lead_days": lead,
                    "revision": 1,
                    "created_at": starts - timedelta(days=lead * 1.4),
                }
            )
            for role, member in zip(roles, rng.sample(members, 3), strict=True):
                assignments.append(
                    {
                        "request_id": i + 1,
                        "role": role,
                        "slot": 1,
                        "member_id": member,
                        "status": "active",
                        "assigned_at": starts - timedelta(days=lead),
                        "lead_rating": rng.choice((2, 3, 4, 5, 5)),
                    }
                )
            score = {c: rng.choice((2, 3, 4, 4, 5, 5)) for c in ("r", "p", "c", "o")}
            forms.append(
                {
                    "request_id": i + 1,
                    "evaluator_id": requester,
                    "readiness": score["r"],
                    "punctuality": score["p"],
                    "communication": score["c"],
                    "overall": score["o"],
                    "role_ratings": {r: rng.choice((3, 4, 5)) for r in roles},
                    "suggestions": "Pertahankan kerja sama tim." if i % 9 == 0 else "",
                    "submitted_at": starts + timedelta(hours=5),
                }
            )
            for number, code in STANDARD_CODES.items():
                begin = starts - timedelta(hours=rng.uniform(1, 30))
                span = (
                    timedelta(minutes=rng.uniform(2, 40))
                    if code.endswith("m")
                    else timedelta(hours=rng.uniform(2, 60))
                )
                steps.append(
                    {
                        "program": "sop321",
                        "step": number,
                        "ref": f"event:{i + 1}",
                        "standard": code,
                        "started_at": begin,
                        "ended_at": begin + span,
                    }
                )
        for model, rows in (
            (EventRequest, requests),
            (RoleAssignment, assignments),
            (EventEvaluation, forms),
            (StepRow, steps),
        ):
            session.execute(insert(model), rows)
        _fill_duties(session, duties, members, created)
        votes = _fill_serawai(session, rng, [o.id for o in offices.values()], created)
    answers = 7 * len(forms) + len(assignments)  # 4 criteria + 3 roles per form, 1 per member
    counts = {
        "events": len(requests),
        "evaluation answers": answers,
        "assignments": len(assignments),
        "step records": len(steps),
        "Pegasus duties": len(duties),
        "Serawai votes": votes,
    }
    return engine, counts


VOTERS, CHOICES = 2_500, 5  # 4 rounds x 2,500 ballots x 5 choices = 50,000 votes


def _fill_serawai(
    session: Session, rng: random.Random, offices: list[int], created: datetime
) -> int:
    """Four rounds (one a quarter) of 20 proposals, 2,500 ballots of 5 choices and 3 sessions."""
    from sqlalchemy import insert

    from storage.models import Employee
    from storage.serawai import (
        SerawaiBallot,
        SerawaiProposal,
        SerawaiRound,
        SerawaiSession,
        SerawaiSpeakerRating,
        SerawaiVote,
    )

    session.execute(
        insert(Employee),
        [
            {
                "nip": f"19950101{i:010d}",
                "name": f"Pegawai {i:04d}",
                "office_id": offices[i % len(offices)],
                "created_at": created,
            }
            for i in range(VOTERS)
        ],
    )
    voters = list(
        session.execute(
            select(Employee.id, Employee.office_id).where(Employee.name.startswith("Pegawai "))
        ).all()
    )
    total = 0
    for q in range(1, 5):
        start = quarter_period(YEAR, q).start
        rnd = SerawaiRound(
            name=f"Serawai Putaran {q} {YEAR}",
            status="scheduled",
            opened_at=_at(start + timedelta(days=7), 9),
            proposal_closes_at=_at(start + timedelta(days=16), 16),
            voting_closes_at=_at(start + timedelta(days=38), 16),
            proposal_days=7,
            voting_days=15,
            themes_to_select=3,
            proposals_per_office=2,
            max_choices=CHOICES,
        )
        session.add(rnd)
        session.flush()
        proposals = [
            SerawaiProposal(
                round_id=rnd.id,
                office_id=offices[1 + k % 10],
                slot=1 + k // 10,
                proposer_id=voters[k][0],
                title=f"Tema {q}.{k}",
                summary="Ringkasan",
                speaker=f"Narasumber {q}.{k}",
                created_at=rnd.opened_at,
                updated_at=rnd.opened_at,
            )
            for k in range(20)
        ]
        session.add_all(proposals)
        session.flush()
        session.execute(
            insert(SerawaiBallot),
            [
                {
                    "round_id": rnd.id,
                    "employee_id": voter,
                    "office_id": office,
                    "cast_at": rnd.proposal_closes_at,
                    "updated_at": rnd.proposal_closes_at,
                }
                for voter, office in voters
            ],
        )
        ballots = session.scalars(select(SerawaiBallot.id).where(SerawaiBallot.round_id == rnd.id))
        votes = [
            {"ballot_id": ballot, "proposal_id": p.id}
            for ballot in ballots
            for p in rng.sample(proposals, CHOICES)
        ]
        session.execute(insert(SerawaiVote), votes)
        total += len(votes)
        for rank, proposal in enumerate(proposals[:3], start=1):
            held = _at(start + timedelta(days=50 + 10 * rank), 9)
            sesi = SerawaiSession(
                round_id=rnd.id,
                proposal_id=proposal.id,
                rank=rank,
                decided_by="votes",
                votes=0,
                title=proposal.title,
                host_office_id=proposal.office_id,
                status="held",
                starts_at=held,
                ends_at=held + timedelta(hours=2),
                checkin_secret="rahasia",
                report_status="approved",
            )
            session.add(sesi)
            session.flush()
            session.execute(
                insert(SerawaiSpeakerRating),
                [
                    {
                        "session_id": sesi.id,
                        "rater_id": rater,
                        "speaker_id": proposal.proposer_id,
                        "mastery": rng.randint(3, 5),
                        "delivery": rng.randint(3, 5),
                        "relevance": rng.randint(3, 5),
                        "rated_at": held + timedelta(hours=3),
                    }
                    for rater, _office in voters[100:170]
                ],
            )
    return total


def _fill_duties(
    session: Session, duties: list[DutyFact], people: list[int], created: datetime
) -> None:
    """The year's roster: one duty a week, posted on the day, a day late, or missed."""
    from sqlalchemy import insert

    from storage.pegasus import Duty, Proof, RosterPeriod

    first = duties[0].duty_date
    roster = RosterPeriod(
        start_date=first,
        end_date=duties[-1].duty_date + timedelta(days=6),
        weeks=len(duties),
        weekday=first.weekday(),
        per_week=1,
        created_at=created,
    )
    session.add(roster)
    session.flush()
    rows, proofs = [], []
    for index, d in enumerate(duties):
        posted = None
        if d.status != "missed":
            posted = _at(d.duty_date + timedelta(days=d.status == "late"), 8)
        rows.append(
            {
                "id": index + 1,
                "period_id": roster.id,
                "week": d.week,
                "seat": 1,
                "posting_date": d.duty_date,
                "employee_id": people[index % len(people)],
                "status": "missed" if posted is None else "proven" if d.proof_path else "posted",
                "poster_path": d.poster_path,
                "posted_at": posted,
            }
        )
        if d.proof_path and posted is not None:
            proofs.append(
                {"duty_id": index + 1, "platform": "wa", "media_path": d.proof_path, "at": posted}
            )
    session.execute(insert(Duty), rows)
    session.execute(insert(Proof), proofs)


def _run_db(engine: Engine, out: Path, calendar: WorkCalendar) -> tuple[float, Path, Path]:
    """Gather the first half-year from the database, build and write it; seconds taken."""
    from storage.db import make_session_factory

    t0 = time.perf_counter()
    with make_session_factory(engine)() as session:
        gathered = gather_half_year(
            session, PeriodRef(YEAR, HALF, 1), Catalog.load(), date(YEAR, 7, 1)
        )
    report = mp_semesteran_report(gathered, calendar)
    docx, xlsx = write_report(report, out, "laporan-mp-semester-1-db")
    return time.perf_counter() - t0, docx, xlsx


def _verdict(rows: list[tuple[str, float, float, str]]) -> bool:
    """Print each figure beside its target; True when one is missed."""
    missed = False
    for name, value, target, unit in rows:
        ok = value < target
        missed |= not ok
        shown = f"{value:.2f} s" if unit == "s" else f"{value:.1f} MB"
        print(f"{name:<44} {shown:>10}   target < {target:g} {unit:<3} {'OK' if ok else 'MISSED'}")
    return missed


def main() -> int:
    """Run the benchmark and print each figure beside its target; 1 when one is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the written files in this folder")
    args = parser.parse_args()
    calendar = WorkCalendar()
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch)
        # first run timed without tracemalloc, which slows Python down several times
        counts, (facts_s, build_s, write_s, quarter_s), docx, xlsx = _run(out, calendar)
        # second run traced from the facts onwards: the peak is facts + report + files
        tracemalloc.start()
        _run(Path(scratch) / "traced", calendar)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        total = build_s + write_s
        print("Synthetic year: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        print(f"  facts generated in {facts_s:.2f} s (not part of the target)")
        print(f"  half-year report built in {build_s:.2f} s, written in {write_s:.2f} s")
        print(
            f"  files: {docx.name} {docx.stat().st_size / 1e6:.2f} MB, "
            f"{xlsx.name} {xlsx.stat().st_size / 1e6:.2f} MB"
        )
        print(
            f"  (also: Event Team quarterly report of Triwulan II, both files: {quarter_s:.2f} s)"
        )

        rng = random.Random(YEAR)
        quarters, _ = synthetic_year(Path(scratch) / "db-media")
        t0 = time.perf_counter()
        url = f"sqlite:///{Path(scratch) / 'year.sqlite3'}"
        duties = [d for q in quarters.values() for d in q[2].duties]
        engine, filled = fill_database(url, rng, _working_days(calendar), duties)
        fill_s = time.perf_counter() - t0
        db_s, db_docx, _ = _run_db(engine, out, calendar)
        tracemalloc.start()
        _run_db(engine, Path(scratch) / "traced-db", calendar)
        _, db_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        engine.dispose()
        print("SQLite database: " + ", ".join(f"{v:,} {k}" for k, v in filled.items()))
        print(f"  filled (migrations included) in {fill_s:.2f} s (not part of the target)")
        print(f"  half-year report gathered, built and written in {db_s:.2f} s: {db_docx.name}")

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        missed = _verdict(
            [
                ("half-year report, both files", total, TARGET_SECONDS, "s"),
                ("from SQLite: gather, build, both files", db_s, TARGET_SECONDS, "s"),
                ("peak Python memory (tracemalloc)", _mb(peak), TARGET_MB, "MB"),
                ("peak Python memory, from SQLite", _mb(db_peak), TARGET_MB, "MB"),
                ("peak RSS of the process (ru_maxrss)", _mb(rss), TARGET_MB, "MB"),
            ]
        )
        return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
