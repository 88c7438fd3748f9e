"""A period's facts, read from the database for the report builders (`bot.reports`).

Each program has one gatherer that turns its tables into the plain rows of
`bot.reports.facts` with a handful of set-based queries (no query per record), so a busy
year stays fast. Step records are read for every program the same way: the runs that ended
in the period, and those still open that started in it (as `compliance` counts them).

"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.calendar import WIB, WorkCalendar, to_wib, wib_to_utc
from bot.flows.event_team import role_label
from bot.i18n import Catalog, Translator
from bot.reports import fmt
from bot.reports.choice import PeriodRef
from bot.reports.compliance import STEP_NAMES
from bot.reports.definitions import DutyTimes, close_event_steps, quote_step
from bot.reports.facts import (
    SERAWAI_CHECKLIST,
    Assignment,
    EventFact,
    EventTeamFacts,
    HalfYearFacts,
    HostRatingFact,
    MemberRating,
    PegasusFacts,
    Period,
    Program,
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
from bot.reports.serawai import tie_note
from bot.services.pegasus.report import duty_facts
from bot.services.serawai.ratings import best_of
from bot.services.serawai.reports import report_view
from storage.event_team import (
    AssignmentStatus,
    EventDocumentation,
    EventEvaluation,
    EventRequest,
    RoleAssignment,
)
from storage.models import Employee, Office, OutboxMessage, OutboxStatus
from storage.models import StepRecord as StepRow
from storage.pegasus import Duty
from storage.serawai import (
    RoundStatus,
    SerawaiAttendance,
    SerawaiBallot,
    SerawaiCertificate,
    SerawaiHostRating,
    SerawaiProposal,
    SerawaiRound,
    SerawaiSession,
    SerawaiSpeakerRating,
    SerawaiVote,
    SessionStatus,
)

CRITERIA = ("readiness", "punctuality", "communication", "overall")
"""The SM's form (SOP-321 step 6), in the order the form asks; roles come between."""
_STANDARD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|wd)\s*$")


def time_standard(code: str) -> TimeStandard:
    """A stored standard ('30m', '1wd') as a `TimeStandard`."""
    match = _STANDARD.match(code)
    if match is None:
        raise ValueError(f"unknown time standard {code!r}")
    amount = float(match[1])
    return TimeStandard.minutes(amount) if match[2] == "m" else TimeStandard.working_days(amount)


def gather_steps(session: Session, program: str, period: Period) -> list[StepRecord]:
    """The program's step runs that ended in the period, or are open and started in it."""
    begin, stop = period.utc_bounds()
    rows = session.execute(
        select(StepRow.step, StepRow.ref, StepRow.standard, StepRow.started_at, StepRow.ended_at)
        .where(
            StepRow.program == program,
            or_(
                and_(StepRow.ended_at >= begin, StepRow.ended_at < stop),
                and_(
                    StepRow.ended_at.is_(None),
                    StepRow.started_at >= begin,
                    StepRow.started_at < stop,
                ),
            ),
        )
        .order_by(StepRow.step, StepRow.id)
    )
    return [
        StepRecord(
            program=program,
            step=step,
            step_name=STEP_NAMES.get((program, step), f"Langkah {step}"),
            started_at=started,
            ended_at=ended,
            standard=time_standard(standard),
            ref=ref,
        )
        for step, ref, standard, started, ended in rows
    ]


# --- SOP-321 Event Team -----------------------------------------------------------------------


def _criterion(t: Translator, code: str) -> str:
    return t(f"event_team.aspect_{code}")


def failed_deliveries(session: Session, prefix: str, period: Period) -> int:
    """Messages of one program (by their key's prefix) queued in the period that failed."""
    begin, stop = period.utc_bounds()
    count = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.FAILED,
            OutboxMessage.idempotency_key.like(f"{prefix}:%"),
            OutboxMessage.created_at >= begin,
            OutboxMessage.created_at < stop,
        )
    )
    return int(count or 0)


def _photos(session: Session, ids: Any) -> dict[int, list[str]]:
    """The image files members sent for each request, oldest first, that are still on disk."""
    found: dict[int, list[str]] = defaultdict(list)
    for request_id, path in session.execute(
        select(EventDocumentation.request_id, EventDocumentation.path)
        .where(
            EventDocumentation.request_id.in_(ids),
            EventDocumentation.content_type.like("image/%"),
        )
        .order_by(EventDocumentation.request_id, EventDocumentation.id)
    ):
        if Path(path).is_file():
            found[request_id].append(path)
    return found


def gather_event_team(
    session: Session, period: Period, catalog: Catalog, now: datetime | None = None
) -> EventTeamFacts:
    """The requests whose event falls in the period, with their teams and evaluations.

    `now` is the moment the facts are judged at (what has passed by then is held or
    expired); open step runs that can no longer finish are marked closed.
    """
    t = catalog.translator("id")  # the reports are written in Bahasa Indonesia
    begin, stop = period.utc_bounds()
    in_period = and_(EventRequest.starts_at >= begin, EventRequest.starts_at < stop)
    ids = select(EventRequest.id).where(in_period)

    team: dict[int, list[Assignment]] = defaultdict(list)
    rated: dict[int, list[MemberRating]] = defaultdict(list)
    for request_id, role, rating, note, name in session.execute(
        select(
            RoleAssignment.request_id,
            RoleAssignment.role,
            RoleAssignment.lead_rating,
            RoleAssignment.lead_note,
            Employee.name,
        )
        .join(Employee, Employee.id == RoleAssignment.member_id)
        .where(
            RoleAssignment.request_id.in_(ids),
            RoleAssignment.status == AssignmentStatus.ACTIVE,
        )
        .order_by(RoleAssignment.request_id, RoleAssignment.id)
    ):
        team[request_id].append(Assignment(name, role_label(t, role)))
        if rating is not None:
            rated[request_id].append(MemberRating(name, rating, note))

    forms: dict[int, EventEvaluation] = {
        e.request_id: e
        for e in session.scalars(
            select(EventEvaluation).where(EventEvaluation.request_id.in_(ids))
        )
    }
    photos = _photos(session, ids)
    events: list[EventFact] = []
    for req, requester, position, office in session.execute(
        select(EventRequest, Employee.name, Employee.position, Office.name)
        .join(Employee, Employee.id == EventRequest.requester_id)
        .join(Office, Office.id == Employee.office_id)
        .where(in_period)
        .order_by(EventRequest.starts_at, EventRequest.id)
    ):
        form = forms.get(req.id)
        events.append(
            EventFact(
                id=req.id,
                title=req.title,
                # the directory knows no work units: the SM's office is the unit
                requesting_unit=office,
                office=office,
                requested_at=req.created_at,
                starts_at=req.starts_at,
                ends_at=req.ends_at,
                lead_working_days=int(req.lead_days),
                late=req.late,
                status=req.status,
                roles_needed={role_label(t, str(r)): int(n) for r, n in req.roles},
                assignments=tuple(team.get(req.id, ())),
                member_ratings=tuple(rated.get(req.id, ())),
                requester=requester,
                position=position.strip(),
                photos=tuple(photos.get(req.id, ())),
                cancel_reason=req.cancel_reason or "",
                **_evaluation(t, form),
            )
        )
    steps = gather_steps(session, Program.EVENT_TEAM, period)
    return EventTeamFacts(
        period,
        events,
        close_event_steps(steps, _step_events(session, steps, events, t), now),
        now,
        failed_deliveries(session, "et", period),
    )


def _step_events(
    session: Session, steps: list[StepRecord], events: list[EventFact], t: Translator
) -> list[EventFact]:
    """The requests the open step runs belong to (some have their event in another period)."""
    known = {e.id for e in events}
    wanted = {
        int(r.ref.split(":")[1])
        for r in steps
        if r.ended_at is None and r.ref.startswith("event:") and r.ref.split(":")[1].isdigit()
    } - known
    extra = [
        EventFact(
            id=req.id,
            title=req.title,
            requesting_unit="",
            office="",
            requested_at=req.created_at,
            starts_at=req.starts_at,
            ends_at=req.ends_at,
            lead_working_days=int(req.lead_days),
            late=req.late,
            status=req.status,
            photos=tuple(_photos(session, [req.id]).get(req.id, ())),
        )
        for req in session.scalars(select(EventRequest).where(EventRequest.id.in_(wanted)))
    ]
    return [*events, *extra]


def _evaluation(t: Translator, form: EventEvaluation | None) -> dict[str, Any]:
    """The SM's form as the fields of an `EventFact` (nothing when not filled in)."""
    if form is None:
        return {}
    return {
        "sm_ratings": {_criterion(t, c): int(getattr(form, c)) for c in CRITERIA},
        "sm_role_ratings": {role_label(t, r): int(v) for r, v in form.role_ratings.items()},
        "sm_suggestion": form.suggestions,
        "sm_overall": form.overall,
    }


# --- SOP-098 Serawai and SOP-330 Pegasus --------------------------------------------------------


CHECKLIST = dict(
    zip(
        ("invitation", "speech", "attendance", "documentation", "minutes", "feedback"),
        SERAWAI_CHECKLIST,
        strict=True,
    )
)
"""The session report's items (SOP-098 step 10) as the Serawai service names them."""
CC_STATUS = {"approved": "approved", "submitted": "pending", "returned": "rejected"}


def gather_serawai(session: Session, period: Period) -> SerawaiFacts:
    """The rounds running in the period and the sessions held in it, with what they produced."""
    begin, stop = period.utc_bounds()
    offices = dict(session.execute(select(Office.id, Office.name)).all())
    rounds = list(
        session.scalars(
            select(SerawaiRound)
            .where(
                SerawaiRound.status != RoundStatus.CANCELLED,
                SerawaiRound.opened_at < stop,
                SerawaiRound.voting_closes_at >= begin,
            )
            .order_by(SerawaiRound.opened_at, SerawaiRound.id)
        )
    )
    held = list(
        session.scalars(
            select(SerawaiSession)
            .where(
                SerawaiSession.status == SessionStatus.HELD,
                SerawaiSession.starts_at >= begin,
                SerawaiSession.starts_at < stop,
            )
            .order_by(SerawaiSession.starts_at, SerawaiSession.id)
        )
    )
    best = best_of(session, period.start, period.end + timedelta(days=1))
    return SerawaiFacts(
        period=period,
        rounds=_rounds(session, rounds, offices),
        sessions=_sessions(session, held, offices),
        speaker_ratings=_speaker_ratings(session, held),
        host_ratings=_host_ratings(session, held, offices),
        best_speaker=best.speakers[0].name if best.speakers else None,
        best_host=best.hosts[0].name if best.hosts else None,
        steps=gather_steps(session, Program.SERAWAI, period),
    )


def _rounds(
    session: Session, rounds: list[SerawaiRound], offices: dict[int, str]
) -> list[RoundFact]:
    ids = [r.id for r in rounds]
    proposals: dict[int, list[ProposalFact]] = defaultdict(list)
    office_of: dict[int, str] = {}
    for p, proposer in session.execute(
        select(SerawaiProposal, Employee.name)
        .join(Employee, Employee.id == SerawaiProposal.proposer_id)
        .where(SerawaiProposal.round_id.in_(ids), SerawaiProposal.withdrawn_at.is_(None))
        .order_by(SerawaiProposal.round_id, SerawaiProposal.id)
    ):
        office_of[p.id] = offices[p.office_id]
        proposals[p.round_id].append(
            ProposalFact(p.id, offices[p.office_id], p.title, proposer, p.speaker)
        )
    votes = dict(
        session.execute(
            select(SerawaiVote.proposal_id, func.count())
            .join(SerawaiBallot, SerawaiBallot.id == SerawaiVote.ballot_id)
            .where(SerawaiBallot.round_id.in_(ids))
            .group_by(SerawaiVote.proposal_id)
        ).all()
    )
    ballots: dict[int, dict[int, int]] = defaultdict(dict)
    for round_id, office_id, n in session.execute(
        select(SerawaiBallot.round_id, SerawaiBallot.office_id, func.count())
        .where(SerawaiBallot.round_id.in_(ids))
        .group_by(SerawaiBallot.round_id, SerawaiBallot.office_id)
    ):
        ballots[round_id][office_id] = n
    # every active employee gets the ballot; the directory as it stands now is the electorate
    eligible = dict(
        session.execute(
            select(Employee.office_id, func.count())
            .where(Employee.active)
            .group_by(Employee.office_id)
        ).all()
    )
    chosen: dict[int, list[SerawaiSession]] = defaultdict(list)
    for sesi in session.scalars(
        select(SerawaiSession)
        .where(SerawaiSession.round_id.in_(ids))
        .order_by(SerawaiSession.round_id, SerawaiSession.rank)
    ):
        chosen[sesi.round_id].append(sesi)
    out = []
    for r in rounds:
        selected = {s.proposal_id for s in chosen[r.id]}
        out.append(
            RoundFact(
                id=r.id,
                name=r.name,
                proposal_opens=to_wib(r.opened_at).date(),
                proposal_closes=to_wib(r.proposal_closes_at).date(),
                voting_opens=to_wib(r.proposal_closes_at).date(),
                voting_closes=to_wib(r.voting_closes_at).date(),
                themes_to_select=r.themes_to_select,
                proposals=proposals[r.id],
                turnout=[
                    TurnoutFact(name, eligible.get(office_id, 0), ballots[r.id].get(office_id, 0))
                    for office_id, name in offices.items()
                    if eligible.get(office_id) or ballots[r.id].get(office_id)
                ],
                votes=[
                    ThemeVotes(
                        p.id, p.title, office_of[p.id], votes.get(p.id, 0), p.id in selected
                    )
                    for p in proposals[r.id]
                ],
                tie_break_notes=[
                    tie_note(s.title, s.decided_by, r.tie_reason or "")
                    for s in chosen[r.id]
                    if s.decided_by != "votes"
                ],
            )
        )
    return out


def _counts(session: Session, column: Any, ids: list[int], *where: Any) -> dict[int, int]:
    """Rows per session of one table (attendance, certificates)."""
    rows = session.execute(
        select(column, func.count()).where(column.in_(ids), *where).group_by(column)
    )
    return dict(rows.all())


def _sessions(
    session: Session, held: list[SerawaiSession], offices: dict[int, str]
) -> list[SessionFact]:
    ids = [s.id for s in held]
    present = _counts(session, SerawaiAttendance.session_id, ids)
    issued = _counts(
        session, SerawaiCertificate.session_id, ids, SerawaiCertificate.revoked_at.is_(None)
    )
    out = []
    for s in held:
        assert s.starts_at is not None
        view = report_view(session, s.id)
        out.append(
            SessionFact(
                id=s.id,
                title=s.title,
                held_on=to_wib(s.starts_at).date(),
                host_office=offices[s.host_office_id],
                attendance=present.get(s.id, 0),
                certificates=issued.get(s.id, 0),
                checklist={CHECKLIST[i.key]: i.done for i in view.items if i.key in CHECKLIST},
                cc_status=CC_STATUS.get(s.report_status, "draft"),
                cc_note=s.report_note or "",
            )
        )
    return out


def _speaker_ratings(session: Session, held: list[SerawaiSession]) -> list[SpeakerRatingFact]:
    titles = {s.id: s.title for s in held}
    rows = session.execute(
        select(
            SerawaiSpeakerRating.session_id,
            Employee.name,
            func.avg(SerawaiSpeakerRating.mastery),
            func.avg(SerawaiSpeakerRating.delivery),
            func.avg(SerawaiSpeakerRating.relevance),
            func.count(),
        )
        .join(Employee, Employee.id == SerawaiSpeakerRating.speaker_id)
        .where(SerawaiSpeakerRating.session_id.in_(list(titles)))
        .group_by(SerawaiSpeakerRating.session_id, Employee.id, Employee.name)
        .order_by(SerawaiSpeakerRating.session_id, Employee.name)
    )
    # six columns are past SQLAlchemy's typed rows: name the types once here
    typed = cast(list[tuple[int, str, float, float, float, int]], rows.all())
    return [
        SpeakerRatingFact(name, titles[sid], float(m), float(d), float(r), n)
        for sid, name, m, d, r, n in typed
    ]


def _host_ratings(
    session: Session, held: list[SerawaiSession], offices: dict[int, str]
) -> list[HostRatingFact]:
    titles = {s.id: s.title for s in held}
    scores: dict[tuple[int, int], list[int]] = defaultdict(list)
    notes: dict[tuple[int, int], list[str]] = defaultdict(list)
    for sid, office_id, score, comment in session.execute(
        select(
            SerawaiHostRating.session_id,
            SerawaiHostRating.office_id,
            SerawaiHostRating.score,
            SerawaiHostRating.comment,
        )
        .where(SerawaiHostRating.session_id.in_(list(titles)))
        .order_by(SerawaiHostRating.session_id, SerawaiHostRating.id)
    ):
        scores[(sid, office_id)].append(score)
        if comment.strip():
            notes[(sid, office_id)].append(comment.strip())
    out = []
    for (sid, office_id), given in scores.items():
        note = fmt.join_notes(notes[(sid, office_id)])
        out.append(
            HostRatingFact(
                offices[office_id], titles[sid], sum(given) / len(given), len(given), note
            )
        )
    return out


PREPARATION_WORKING_DAYS = 5
"""H-5: the duty's preparation window opens five working days before its posting day."""


def gather_pegasus(
    session: Session,
    period: Period,
    today: date,
    calendar: WorkCalendar | None = None,
    now: datetime | None = None,
) -> PegasusFacts:
    """Every duty whose posting day is in the period (a past one never posted is missed).

    A duty approved but not yet posted, its day still ahead, is `approved`. Step 4 (quote
    and design) is derived here: it starts when the preparation window opens or when the
    quote came, whichever is first, and ends at the approval.
    """
    cal = calendar or WorkCalendar()
    as_of = now or datetime.combine(today, time.max, WIB).astimezone(UTC)
    rows = session.execute(
        select(Duty.id, Duty.posting_date, Duty.seat, Duty.submitted_at, Duty.approved_at)
        .where(Duty.posting_date >= period.start, Duty.posting_date <= period.end)
        .order_by(Duty.posting_date, Duty.seat)
    ).all()
    facts = duty_facts(session, period, today)
    # duty_facts lists the same duties in the same order; an approved one ahead is not just
    # "scheduled"
    duties = [
        replace(fact, status="approved") if fact.status == "scheduled" and row[4] else fact
        for fact, row in zip(facts, rows, strict=True)
    ]
    steps = [s for s in gather_steps(session, Program.PEGASUS, period) if s.step != 4]
    stored = {
        r.ref: r
        for r in _step_rows(session, Program.PEGASUS, 4, [duty_ref(row[0]) for row in rows])
    }
    name = STEP_NAMES[(Program.PEGASUS, 4)]
    for (duty_id, day, _seat, quoted, approved), fact in zip(rows, duties, strict=True):
        opens = wib_to_utc(cal.add_working_days(day, -PREPARATION_WORKING_DAYS), time(8))
        times = DutyTimes(duty_ref(duty_id), opens, quoted, approved, fact.status == "missed")
        derived = quote_step(times, stored.get(times.ref), as_of, name)
        if derived is not None:
            steps.append(derived)
    return PegasusFacts(period, duties, steps, failed_deliveries(session, "pegasus", period))


def duty_ref(duty_id: int) -> str:
    """The step-record reference of a duty (as the Pegasus services write it)."""
    return f"duty:{duty_id}"


def _step_rows(session: Session, program: str, step: int, refs: list[str]) -> list[StepRecord]:
    """Stored runs of one step for some refs, whatever period they ended in."""
    rows = session.execute(
        select(StepRow.ref, StepRow.standard, StepRow.started_at, StepRow.ended_at).where(
            StepRow.program == program, StepRow.step == step, StepRow.ref.in_(refs)
        )
    )
    return [
        StepRecord(
            program=program,
            step=step,
            step_name=STEP_NAMES.get((program, step), f"Langkah {step}"),
            started_at=started,
            ended_at=ended,
            standard=time_standard(standard),
            ref=ref,
        )
        for ref, standard, started, ended in rows
    ]


# --- Laporan MP Semesteran ----------------------------------------------------------------------


def gather_half_year(
    session: Session,
    half: PeriodRef,
    catalog: Catalog,
    today: date,
    calendar: WorkCalendar | None = None,
    now: datetime | None = None,
) -> HalfYearFacts:
    """Each program's facts for each quarter of the half-year."""
    first, second = (q.period for q in half.quarters())
    return HalfYearFacts(
        half.period,
        (
            gather_event_team(session, first, catalog, now),
            gather_event_team(session, second, catalog, now),
        ),
        (gather_serawai(session, first), gather_serawai(session, second)),
        (
            gather_pegasus(session, first, today, calendar, now),
            gather_pegasus(session, second, today, calendar, now),
        ),
    )
