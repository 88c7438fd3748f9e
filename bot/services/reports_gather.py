"""A period's facts, read from the database for the report builders (`bot.reports`).

Each program has one gatherer that turns its tables into the plain rows of
`bot.reports.facts` with a handful of set-based queries (no query per record), so a busy
year stays fast. Step records are read for every program the same way: the runs that ended
in the period, and those still open that started in it (as `compliance` counts them).

Serawai (SOP-098) is not on this branch yet: until its tables land, its gatherer returns the
period's step records only, so its report says plainly that nothing was recorded.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.flows.event_team import role_label
from bot.i18n import Catalog, Translator
from bot.reports.choice import PeriodRef
from bot.reports.compliance import SOP_STEPS
from bot.reports.facts import (
    Assignment,
    EventFact,
    EventTeamFacts,
    HalfYearFacts,
    MemberRating,
    PegasusFacts,
    Period,
    Program,
    SerawaiFacts,
    StepRecord,
    TimeStandard,
)
from bot.services.pegasus_report import duty_facts
from storage.event_team import AssignmentStatus, EventEvaluation, EventRequest, RoleAssignment
from storage.models import Employee, Office
from storage.models import StepRecord as StepRow

STEP_NAMES = {(s.program, s.step): s.name for s in SOP_STEPS}
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


def gather_event_team(session: Session, period: Period, catalog: Catalog) -> EventTeamFacts:
    """The requests whose event falls in the period, with their teams and evaluations."""
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
                # the directory knows no work units: the SM's position stands in, else the office
                requesting_unit=position.strip() or office,
                office=office,
                requested_at=req.created_at,
                starts_at=req.starts_at,
                lead_working_days=float(req.lead_days),
                late=req.late,
                status=req.status,
                roles_needed={role_label(t, str(r)): int(n) for r, n in req.roles},
                assignments=tuple(team.get(req.id, ())),
                member_ratings=tuple(rated.get(req.id, ())),
                requester=requester,
                **_evaluation(t, form),
            )
        )
    return EventTeamFacts(period, events, gather_steps(session, Program.EVENT_TEAM, period))


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


def gather_serawai(session: Session, period: Period) -> SerawaiFacts:
    """Serawai's facts for the period (its step records until its tables land)."""
    return SerawaiFacts(period, steps=gather_steps(session, Program.SERAWAI, period))


def gather_pegasus(session: Session, period: Period, today: date) -> PegasusFacts:
    """Every duty whose posting day is in the period (a past one never posted is missed)."""
    return PegasusFacts(
        period, duty_facts(session, period, today), gather_steps(session, Program.PEGASUS, period)
    )


# --- Laporan MP Semesteran ----------------------------------------------------------------------


def gather_half_year(
    session: Session, half: PeriodRef, catalog: Catalog, today: date
) -> HalfYearFacts:
    """Each program's facts for each quarter of the half-year."""
    first, second = (q.period for q in half.quarters())
    return HalfYearFacts(
        half.period,
        (
            gather_event_team(session, first, catalog),
            gather_event_team(session, second, catalog),
        ),
        (gather_serawai(session, first), gather_serawai(session, second)),
        (gather_pegasus(session, first, today), gather_pegasus(session, second, today)),
    )
