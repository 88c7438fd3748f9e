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
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.calendar import WIB, WorkCalendar, wib_to_utc
from bot.flows.event_team import role_label
from bot.i18n import Catalog, Translator
from bot.reports.compliance import STEP_NAMES
from bot.reports.definitions import DutyTimes, close_event_steps, quote_step
from bot.reports.facts import (
    Assignment,
    EventFact,
    EventTeamFacts,
    MemberRating,
    PegasusFacts,
    Period,
    Program,
    StepRecord,
    TimeStandard,
)
from bot.services.pegasus.report import duty_facts
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
        for req in session.scalars(
            select(EventRequest)
            .where(EventRequest.id.in_(wanted))
            .order_by(EventRequest.starts_at, EventRequest.id)
        )
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
