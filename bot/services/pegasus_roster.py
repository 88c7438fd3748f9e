"""Pegasus step 1: the pool, absences, building and publishing the roster, swapping turns.

The roster is built by the pure `pegasus_rotation.build_roster` over what the database knows:
the pool, every earlier duty (history carried across periods) and recorded absences. On
publishing, every duty gets its scheduled jobs (H-5, H-3, H-1, posting, follow-up), everyone
in the pool gets the roster image, and each person on duty a calendar file of their turns.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.calendar import WorkCalendar, format_date
from bot.flows import pegasus_roster as flows
from bot.flows.withdraw import MAX_SHOWN, WithdrawData
from bot.messages import Choices, Document, Image, Reply, Text
from bot.payload import Payload, encode
from bot.registry import Outcome
from bot.services import directory
from bot.services.context import ServiceCtx, UserError
from bot.services.pegasus_common import (
    POST_AT,
    PROGRAM,
    REMINDER_DAYS,
    STEP_ROSTER,
    buttons,
    cell_date,
    duty_key,
    duty_row,
    followup_moment,
    media_dir,
    office_short,
    pool_members,
    post_moment,
    reminder_moment,
    require_role,
    said,
    short_date,
    tell,
    today,
    words,
)
from bot.services.pegasus_ics import DutyEvent, write_ics
from bot.services.pegasus_rotation import (
    PREPARATION_DAYS,
    Away,
    Candidate,
    Roster,
    build_roster,
    is_away,
    monday_of,
    posting_weeks,
)
from storage.models import Employee, Reminder
from storage.pegasus import (
    OPEN_STATUSES,
    Absence,
    Duty,
    DutyStatus,
    PoolMember,
    RosterPeriod,
    Swap,
    SwapStatus,
)

if TYPE_CHECKING:
    from bot.rendering.roster import RosterRow

SWAP_PREFIX = "pgs"
SWAP_START_PREFIX = "pgt"
MAX_SUGGESTIONS = 8


# -- planning -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedWeek:
    """A week of a planned roster, with names for showing it."""

    week: int
    monday: date
    posting_day: date
    moved: bool
    people: tuple[int, ...]
    names: tuple[str, ...]
    offices: tuple[str, ...]


@dataclass(frozen=True)
class RosterPlan:
    """A planned roster and what stands in its way."""

    weeks: tuple[PlannedWeek, ...]
    short_weeks: tuple[int, ...]
    overlap_until: date | None
    pool_size: int
    first_day_passed: bool


def history(session: Session) -> tuple[dict[int, int], dict[int, date]]:
    """Turns served and the last posting day of everyone who ever had a duty."""
    served: dict[int, int] = {}
    last: dict[int, date] = {}
    rows = session.execute(
        select(Duty.employee_id, func.count(Duty.id), func.max(Duty.posting_date)).group_by(
            Duty.employee_id
        )
    )
    for employee_id, count, latest in rows:
        served[employee_id] = int(count)
        last[employee_id] = latest
    return served, last


def absences_by_person(session: Session, since: date) -> dict[int, list[Away]]:
    """Recorded absences that end on or after `since`, per employee."""
    found: dict[int, list[Away]] = defaultdict(list)
    for row in session.scalars(select(Absence).where(Absence.end_date >= since)):
        found[row.employee_id].append(Away(row.start_date, row.end_date))
    return found


def plan_roster(
    session: Session,
    calendar: WorkCalendar,
    start: date,
    weeks: int,
    weekday: int,
    per_week: int,
    now_day: date,
) -> RosterPlan:
    """Build the roster the database's pool, history and absences call for."""
    members = pool_members(session)
    served, last = history(session)
    pool = [
        Candidate(
            m.employee_id,
            served=served.get(m.employee_id, 0) + m.credit,
            last_served=last.get(m.employee_id),
            order=m.employee.name,
        )
        for m in members
    ]
    names = {m.employee_id: m.employee.name for m in members}
    offices = {m.employee_id: m.employee.office.name for m in members}
    plan_weeks = posting_weeks(start, weeks, weekday, calendar)
    roster: Roster = build_roster(
        plan_weeks,
        pool,
        per_week,
        absences_by_person(session, monday_of(start) - timedelta(days=PREPARATION_DAYS)),
    )
    end = plan_weeks[-1].monday + timedelta(days=6)
    overlap = session.scalar(
        select(func.max(RosterPeriod.end_date)).where(
            RosterPeriod.start_date <= end, RosterPeriod.end_date >= plan_weeks[0].monday
        )
    )
    planned = tuple(
        PlannedWeek(
            w.week,
            w.monday,
            w.posting_day,
            w.posting_day != w.monday + timedelta(days=weekday),
            w.people,
            tuple(names[p] for p in w.people),
            tuple(offices[p] for p in w.people),
        )
        for w in roster.weeks
    )
    return RosterPlan(
        planned,
        roster.short_weeks,
        overlap,
        len(pool),
        plan_weeks[0].day < now_day,
    )


# -- the lookup the roster flows read -----------------------------------------------------


class RosterLookup:
    """Read-only queries for the roster conversations."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def communities(self) -> list[tuple[str, int]]:
        """Communities in the directory with how many active employees each has."""
        rows = self.session.execute(
            select(Employee.community, func.count(Employee.id))
            .where(Employee.active, Employee.community != "")
            .group_by(Employee.community)
            .order_by(Employee.community)
        )
        return [(str(name), int(count)) for name, count in rows]

    def pool_size(self) -> int:
        """How many people are in the rotation."""
        return len(pool_members(self.session))

    def pool_lines(self) -> list[str]:
        """The pool as lines: name, office and turns served."""
        served, _last = history(self.session)
        return [
            f"• {m.employee.name} ({office_short(m.employee.office.name)}): "
            f"{served.get(m.employee_id, 0)}×"
            for m in pool_members(self.session)
        ]

    def search_people(self, fragment: str) -> list[directory.Person]:
        """Colleagues by part of their name or NIP."""
        return directory.search_people(self.session, fragment)

    def search_pool(self, fragment: str) -> list[directory.Person]:
        """Pool members by part of their name or NIP."""
        ids = {m.employee_id for m in pool_members(self.session)}
        return [p for p in directory.search_people(self.session, fragment, 50) if p.id in ids][
            :MAX_SUGGESTIONS
        ]

    def next_free_monday(self, now_day: date) -> date:
        """The Monday after the last published roster, or next Monday."""
        latest = self.session.scalar(select(func.max(RosterPeriod.end_date)))
        next_monday = monday_of(now_day) + timedelta(weeks=1)
        if latest is not None and latest + timedelta(days=1) > next_monday:
            return latest + timedelta(days=1)
        return next_monday

    def preview(
        self,
        start: date,
        weeks: int,
        weekday: int,
        per_week: int,
        calendar: WorkCalendar,
        now_day: date,
    ) -> RosterPlan:
        """The roster as it would be published now."""
        return plan_roster(self.session, calendar, start, weeks, weekday, per_week, now_day)

    def swap_candidates(self, duty_id: int, fragment: str) -> list[directory.Person]:
        """Pool members who could take a duty: free that week, not away, least served first."""
        duty = self.session.get(Duty, duty_id)
        if duty is None:
            return []
        return swap_candidates(self.session, duty, fragment)


def eligible_takers(session: Session, duty: Duty) -> list[Employee]:
    """Who may take `duty`: in the pool, not on duty that week, not away; least served first."""
    busy = set(
        session.scalars(
            select(Duty.employee_id).where(
                Duty.period_id == duty.period_id, Duty.week == duty.week
            )
        )
    )
    away = absences_by_person(session, duty.posting_date - timedelta(days=7))
    served, _last = history(session)
    people = [
        m.employee
        for m in pool_members(session)
        if m.employee_id not in busy
        and not is_away(away.get(m.employee_id, ()), duty.posting_date)
    ]
    return sorted(people, key=lambda e: (served.get(e.id, 0), e.name))


def swap_candidates(session: Session, duty: Duty, fragment: str = "") -> list[directory.Person]:
    """The first few possible takers of `duty` whose name contains `fragment`."""
    fold = fragment.casefold()
    return [
        directory.Person(e.id, e.nip, e.name, e.office.code, e.office.name)
        for e in eligible_takers(session, duty)
        if not fold or fold in e.name.casefold() or fragment == e.nip
    ][:MAX_SUGGESTIONS]


# -- the pool -----------------------------------------------------------------------------


def _join(ctx: ServiceCtx, employee: Employee) -> bool:
    """Put one employee in the pool; a newcomer joins the current round. False if already in."""
    assert ctx.actor is not None
    member = ctx.session.scalar(select(PoolMember).where(PoolMember.employee_id == employee.id))
    if member is not None and member.removed_at is None:
        return False
    served, _last = history(ctx.session)
    current = [served.get(m.employee_id, 0) + m.credit for m in pool_members(ctx.session)]
    credit = max(0, min(current, default=0) - served.get(employee.id, 0))
    if member is None:
        ctx.session.add(
            PoolMember(
                employee_id=employee.id, credit=credit, added_by_id=ctx.actor.id, added_at=ctx.now
            )
        )
    else:
        member.removed_at = None
        member.credit = credit
        member.added_at = ctx.now
    ctx.session.flush()
    return True


def add_community(ctx: ServiceCtx, cmd: flows.AddCommunity) -> list[Reply]:
    """Put every active employee of a community in the pool."""
    require_role(ctx, "pj_pegasus")
    people = list(
        ctx.session.scalars(
            select(Employee)
            .where(Employee.active, Employee.community == cmd.community)
            .order_by(Employee.name)
        )
    )
    added = sum(1 for person in people if _join(ctx, person))
    ctx.audit("pegasus_pool_community", cmd.community, added=added)
    total = len(pool_members(ctx.session))
    return [
        Text(
            ctx.t(
                "pegasus.pool_community_added", added=added, community=cmd.community, total=total
            )
        )
    ]


def add_to_pool(ctx: ServiceCtx, cmd: flows.AddToPool) -> list[Reply]:
    """Put one employee in the pool."""
    require_role(ctx, "pj_pegasus")
    employee = ctx.session.get(Employee, cmd.employee_id)
    if employee is None or not employee.active:
        raise UserError(ctx.t("core.stale_button"))
    if not _join(ctx, employee):
        return [Text(ctx.t("pegasus.pool_already", name=employee.name))]
    ctx.audit("pegasus_pool_add", employee.nip)
    return [
        Text(ctx.t("pegasus.pool_added", name=employee.name, total=len(pool_members(ctx.session))))
    ]


def remove_from_pool(ctx: ServiceCtx, cmd: flows.RemoveFromPool) -> list[Reply]:
    """Take one employee out of the pool; their published turns stay (swap them if needed)."""
    require_role(ctx, "pj_pegasus")
    member = ctx.session.scalar(
        select(PoolMember).where(
            PoolMember.employee_id == cmd.employee_id, PoolMember.removed_at.is_(None)
        )
    )
    if member is None:
        raise UserError(ctx.t("core.stale_button"))
    member.removed_at = ctx.now
    ctx.audit("pegasus_pool_remove", member.employee.nip)
    upcoming = ctx.session.scalar(
        select(func.count(Duty.id)).where(
            Duty.employee_id == cmd.employee_id,
            Duty.posting_date >= today(ctx),
            Duty.status.in_(OPEN_STATUSES),
        )
    )
    replies: list[Reply] = [Text(ctx.t("pegasus.pool_removed", name=member.employee.name))]
    if upcoming:
        replies.append(Text(ctx.t("pegasus.pool_removed_has_duties", n=upcoming)))
    return replies


# -- absences -----------------------------------------------------------------------------


def record_absence(ctx: ServiceCtx, cmd: flows.RecordAbsence) -> list[Reply]:
    """Keep an absence; when it touches a turn already on the roster, say so and offer a swap."""
    assert ctx.actor is not None
    if cmd.employee_id != ctx.actor.id:
        require_role(ctx, "pj_pegasus")
    employee = ctx.session.get(Employee, cmd.employee_id)
    if employee is None or cmd.end < cmd.start:
        raise UserError(ctx.t("core.stale_button"))
    absence = Absence(
        employee_id=employee.id,
        start_date=cmd.start,
        end_date=cmd.end,
        recorded_by_id=ctx.actor.id,
        recorded_at=ctx.now,
    )
    ctx.session.add(absence)
    ctx.session.flush()
    ctx.audit("pegasus_absence", employee.nip, start=str(cmd.start), end=str(cmd.end))
    lang = ctx.actor.language
    saved = ctx.t(
        "pegasus.absence_saved",
        name=employee.name,
        start=format_date(cmd.start, lang),
        end=format_date(cmd.end, lang),
    )
    replies: list[Reply] = [Text(saved)]
    clashes = [
        d
        for d in ctx.session.scalars(
            select(Duty)
            .where(Duty.employee_id == employee.id, Duty.posting_date >= today(ctx))
            .where(Duty.status.in_(OPEN_STATUSES))
            .order_by(Duty.posting_date)
        )
        if is_away([Away(cmd.start, cmd.end)], d.posting_date)
    ]
    for duty in clashes:
        _tell_clash(ctx, absence, duty, employee, replies)
    return replies


def absence_cancel_command(ctx: ServiceCtx, _args: str) -> Outcome:
    """/batalcuti: the nearest upcoming absences one may take back (the PJ: anyone's)."""
    assert ctx.actor is not None
    query = select(Absence, Employee).join(Employee, Employee.id == Absence.employee_id)
    if not ctx.actor.has("pj_pegasus"):
        query = query.where(Absence.employee_id == ctx.actor.id)
    rows = ctx.session.execute(
        query.where(Absence.end_date >= today(ctx))
        .order_by(Absence.start_date, Absence.id)
        .limit(MAX_SHOWN)
    ).all()
    if not rows:
        return Outcome([Text(ctx.t("pegasus.absence_cancel_none"))])
    lang = ctx.actor.language
    items = [
        (
            str(absence.id),
            ctx.t(
                "pegasus.absence_cancel_entry",
                name=employee.name,
                start=format_date(absence.start_date, lang),
                end=format_date(absence.end_date, lang),
            ),
        )
        for absence, employee in rows
    ]
    return Outcome(start_flow=flows.CANCEL_ABSENCE_FLOW.name, flow_data=WithdrawData(items=items))


def cancel_absences(ctx: ServiceCtx, cmd: flows.CancelAbsences) -> list[Reply]:
    """Remove the chosen absences that still exist and are the presser's to remove."""
    assert ctx.actor is not None
    query = delete(Absence).where(Absence.id.in_(cmd.absence_ids), Absence.end_date >= today(ctx))
    if not ctx.actor.has("pj_pegasus"):
        query = query.where(Absence.employee_id == ctx.actor.id)
    removed = ctx.session.execute(
        query.returning(Absence.id, Absence.employee_id, Absence.start_date, Absence.end_date)
    ).all()
    if not removed:
        raise UserError(ctx.t("pegasus.absence_cancel_gone"))
    for row in removed:
        ctx.audit(
            "pegasus_absence_cancelled",
            str(row.employee_id),
            absence=row.id,
            start=str(row.start_date),
            end=str(row.end_date),
        )
    return [Text(ctx.t("pegasus.absence_cancelled", count=len(removed)))]


def _tell_clash(
    ctx: ServiceCtx, absence: Absence, duty: Duty, employee: Employee, replies: list[Reply]
) -> None:
    """An absence over a published turn: the person is offered a swap, the PJ is told."""
    assert ctx.actor is not None
    day = duty.posting_date
    if employee.id == ctx.actor.id:
        me = ctx.employee(ctx.actor.id)
        replies.append(swap_offer(ctx, duty, me, said(ctx, "pegasus.absence_clash_self", day)))
    else:
        replies.append(Text(said(ctx, "pegasus.absence_clash_other", day, name=employee.name)))
        told = words(ctx, employee, "pegasus.absence_clash_told", day)
        ctx.notify(
            employee,
            [swap_offer(ctx, duty, employee, told)],
            key=f"pegasus:absence:{absence.id}:duty:{duty.id}",
        )
    for pj in ctx.holders("pj_pegasus"):
        if pj.id != ctx.actor.id:
            tell(
                ctx,
                pj,
                "pegasus.absence_clash_pj",
                day,
                name=employee.name,
                message_key=f"pegasus:absence:{absence.id}:duty:{duty.id}:pj:{pj.id}",
            )


def swap_offer(ctx: ServiceCtx, duty: Duty, who: Employee, text: str) -> Choices:
    """A message with the button that starts handing over `duty`."""
    return buttons(ctx, who, text, ("pegasus.swap_button", encode(SWAP_START_PREFIX, duty.id)))


# -- publishing ---------------------------------------------------------------------------


def schedule_duty(ctx: ServiceCtx, duty: Duty) -> None:
    """The jobs of one duty: H-5, H-3, H-1 (one group: a catch-up speaks once), posting, and
    the follow-up of the working day after."""
    group = f"pegasus:duty:{duty.id}"
    posting = post_moment(duty.posting_date)
    for days_before in REMINDER_DAYS:
        ctx.schedule(
            duty_key(duty.id, f"h{days_before}"),
            "pegasus.remind",
            reminder_moment(duty.posting_date, days_before),
            args={"duty_id": duty.id, "h": days_before},
            employee_id=duty.employee_id,
            group_key=group,
            not_after=posting,
        )
    ctx.schedule(
        duty_key(duty.id, "post"),
        "pegasus.post",
        posting,
        args={"duty_id": duty.id},
        group_key=f"pegasus:post:{duty.id}",
        # Posting a day late is worse than a clear note in the report that it was missed.
        not_after=post_moment(duty.posting_date) + timedelta(hours=15, minutes=59),
    )
    ctx.schedule(
        duty_key(duty.id, "followup"),
        "pegasus.followup",
        followup_moment(ctx, duty.posting_date),
        args={"duty_id": duty.id},
    )


def roster_row(
    week: int, day: date, names: Sequence[str], offices: Sequence[str], lang: str
) -> RosterRow:
    """One week of the roster image: every person on duty that week, with their office."""
    from bot.rendering.roster import RosterRow  # Pillow loads with the first roster

    return RosterRow(
        week=week,
        date_text=cell_date(day, lang),
        names=tuple(names),
        office="\n".join(office_short(o) for o in offices),
    )


def _draw(
    ctx: ServiceCtx,
    rows: list[RosterRow],
    start: date,
    end: date,
    stem: str,
    highlight: int | None = None,
) -> list[Path]:
    from bot.rendering.roster import render_roster

    lang = ctx.actor.language if ctx.actor else "id"
    span = ctx.t(
        "pegasus.roster_period",
        start=short_date(start, lang),
        end=short_date(end, lang),
        time=f"{POST_AT:%H:%M}" if lang == "en" else f"{POST_AT:%H.%M}",
    )
    stamp = f"{ctx.now.timestamp():.0f}-{uuid.uuid4().hex[:6]}"
    result = render_roster(
        ctx.t("pegasus.roster_title"),
        span,
        rows,
        media_dir(ctx, "roster"),
        stem=f"{stem}-{stamp}",
        highlight_week=highlight,
    )
    return list(result.pages)


def render_period(
    ctx: ServiceCtx, period: RosterPeriod, highlight: int | None = None
) -> list[Path]:
    """The roster image pages of a period (as they stand now, swaps included)."""
    lang = ctx.actor.language if ctx.actor else "id"
    weeks: dict[int, list[Duty]] = defaultdict(list)
    for duty in ctx.session.scalars(
        select(Duty).where(Duty.period_id == period.id).order_by(Duty.week, Duty.seat)
    ):
        weeks[duty.week].append(duty)
    rows = [
        roster_row(
            week,
            seats[0].posting_date,
            [d.employee.name for d in seats],
            [d.employee.office.name for d in seats],
            lang,
        )
        for week, seats in sorted(weeks.items())
    ]
    return _draw(ctx, rows, period.start_date, period.end_date, f"jadwal-{period.id}", highlight)


def preview_roster(ctx: ServiceCtx, cmd: flows.PreviewRoster) -> list[Reply]:
    """The proposed roster as an image, for the PJ to look at before publishing."""
    require_role(ctx, "pj_pegasus")
    lang = ctx.actor.language if ctx.actor else "id"
    plan = plan_roster(
        ctx.session, ctx.calendar, cmd.start, cmd.weeks, cmd.weekday, cmd.per_week, today(ctx)
    )
    if plan.pool_size == 0:
        return []
    rows = [roster_row(w.week, w.posting_day, w.names, w.offices, lang) for w in plan.weeks]
    end = plan.weeks[-1].monday + timedelta(days=6)
    pages = _draw(ctx, rows, plan.weeks[0].monday, end, "rancangan")
    return [Image(str(p), ctx.t("pegasus.roster_draft_caption")) for p in pages]


def _duty_event(ctx: ServiceCtx, duty: Duty, who: Employee) -> DutyEvent:
    return DutyEvent(
        duty.id,
        duty.posting_date,
        ctx.t_for(who, "pegasus.ics_summary"),
        ctx.t_for(
            who, "pegasus.ics_description", date=format_date(duty.posting_date, who.language)
        ),
    )


def duty_calendar(ctx: ServiceCtx, duties: Sequence[Duty], who: Employee, name: str) -> Document:
    """A calendar file of `who`'s turns."""
    path = write_ics(
        media_dir(ctx, "ics") / f"{name}.ics",
        [_duty_event(ctx, d, who) for d in duties],
        ctx.now,
    )
    return Document(str(path), "jadwal-pegasus.ics", ctx.t_for(who, "pegasus.ics_caption"))


def cancel_calendar(ctx: ServiceCtx, duty: Duty, who: Employee) -> Document:
    """A calendar file that takes a handed-over turn out of `who`'s calendar."""
    path = write_ics(
        media_dir(ctx, "ics") / f"batal-{duty.id}-{who.id}.ics",
        [_duty_event(ctx, duty, who)],
        ctx.now,
        cancel=True,
    )
    return Document(str(path), "batal-pegasus.ics", ctx.t_for(who, "pegasus.ics_cancel_caption"))


def publish_roster(ctx: ServiceCtx, cmd: flows.PublishRoster) -> list[Reply]:
    """Build the roster from the database again, keep it, schedule it and tell the pool."""
    require_role(ctx, "pj_pegasus")
    assert ctx.actor is not None
    plan = plan_roster(
        ctx.session, ctx.calendar, cmd.start, cmd.weeks, cmd.weekday, cmd.per_week, today(ctx)
    )
    if plan.pool_size == 0:
        raise UserError(ctx.t("pegasus.pool_empty"))
    if plan.overlap_until is not None:
        raise UserError(
            ctx.t(
                "pegasus.roster_overlap", until=format_date(plan.overlap_until, ctx.actor.language)
            )
        )
    if plan.first_day_passed:
        raise UserError(ctx.t("pegasus.roster_start_past"))
    period = RosterPeriod(
        start_date=plan.weeks[0].monday,
        end_date=plan.weeks[-1].monday + timedelta(days=6),
        weeks=cmd.weeks,
        weekday=cmd.weekday,
        per_week=cmd.per_week,
        created_by_id=ctx.actor.id,
        created_at=ctx.now,
    )
    ctx.session.add(period)
    ctx.session.flush()
    duties = [
        Duty(
            period_id=period.id,
            week=week.week,
            seat=seat,
            posting_date=week.posting_day,
            employee_id=person,
            status=DutyStatus.ASSIGNED,
        )
        for week in plan.weeks
        for seat, person in enumerate(week.people, start=1)
    ]
    ctx.session.add_all(duties)
    ctx.session.flush()
    for duty in duties:
        schedule_duty(ctx, duty)
    ref = f"period:{period.id}"
    ctx.step_started(PROGRAM, STEP_ROSTER, ref, "3wd", at=cmd.started_at)
    ctx.step_done(PROGRAM, STEP_ROSTER, ref)
    ctx.audit("pegasus_roster", ref, weeks=cmd.weeks, weekday=cmd.weekday, per_week=cmd.per_week)
    pages = render_period(ctx, period)
    _announce(ctx, period, duties, pages)
    lang = ctx.actor.language
    summary = ctx.t(
        "pegasus.roster_published",
        weeks=cmd.weeks,
        start=format_date(period.start_date, lang),
        end=format_date(period.end_date, lang),
        duties=len(duties),
        people=len({d.employee_id for d in duties}),
    )
    return [Text(summary), *(Image(str(p)) for p in pages)]


def _announce(
    ctx: ServiceCtx, period: RosterPeriod, duties: list[Duty], pages: list[Path]
) -> None:
    """Everyone in the pool gets the roster; each person on duty their calendar file."""
    by_person: dict[int, list[Duty]] = defaultdict(list)
    for duty in duties:
        by_person[duty.employee_id].append(duty)
    for member in pool_members(ctx.session):
        who = member.employee
        mine = by_person.get(who.id, [])
        dates = ", ".join(format_date(d.posting_date, who.language) for d in mine)
        text = (
            ctx.t_for(who, "pegasus.roster_you", dates=dates)
            if mine
            else ctx.t_for(who, "pegasus.roster_not_you")
        )
        replies: list[Reply] = [
            Text(ctx.t_for(who, "pegasus.roster_announce") + "\n" + text),
            *(Image(str(p)) for p in pages),
        ]
        if mine:
            replies.append(duty_calendar(ctx, mine, who, f"jadwal-{period.id}-{who.id}"))
        ctx.notify(who, replies, key=f"pegasus:period:{period.id}:roster:{who.id}")


# -- swaps --------------------------------------------------------------------------------


def start_swap(ctx: ServiceCtx, duty: Duty) -> Outcome:
    """Start handing over one of the actor's turns (checked here, not trusted from a button)."""
    assert ctx.actor is not None
    if duty.employee_id != ctx.actor.id:
        raise UserError(ctx.t("pegasus.not_your_duty"))
    if duty.status not in OPEN_STATUSES or duty.posting_date < today(ctx):
        raise UserError(ctx.t("pegasus.swap_too_late"))
    if _open_swap(ctx.session, duty.id) is not None:
        raise UserError(ctx.t("pegasus.swap_pending"))
    data = flows.SwapData(duty_id=duty.id, duty_date=duty.posting_date)
    return Outcome(start_flow=flows.SWAP_FLOW.name, flow_data=data)


def swap_command(ctx: ServiceCtx, _args: str) -> Outcome:
    """/tukar: hand over the nearest turn that can still be handed over."""
    assert ctx.actor is not None
    duty = ctx.session.scalar(
        select(Duty)
        .where(
            Duty.employee_id == ctx.actor.id,
            Duty.posting_date >= today(ctx),
            Duty.status.in_(OPEN_STATUSES),
        )
        .order_by(Duty.posting_date)
        .limit(1)
    )
    if duty is None:
        return Outcome([Text(ctx.t("pegasus.swap_nothing"))])
    return start_swap(ctx, duty)


def swap_start_action(ctx: ServiceCtx, payload: Payload) -> Outcome:
    """The 'can't make it? hand it over' button of a reminder or of /pegasus."""
    return start_swap(ctx, duty_row(ctx, payload.int_part(0)))


def _open_swap(session: Session, duty_id: int) -> Swap | None:
    return session.scalar(
        select(Swap).where(
            Swap.duty_id == duty_id,
            Swap.status.in_((SwapStatus.OFFERED, SwapStatus.ACCEPTED)),
        )
    )


def _eligible(ctx: ServiceCtx, duty: Duty, employee_id: int) -> bool:
    return any(e.id == employee_id for e in eligible_takers(ctx.session, duty))


def request_swap(ctx: ServiceCtx, cmd: flows.RequestSwap) -> list[Reply]:
    """Ask one colleague, or everyone free in the pool, to take a turn."""
    assert ctx.actor is not None
    duty = duty_row(ctx, cmd.duty_id)
    start_swap(ctx, duty)  # the same checks as when the conversation began
    targets = [e for e in eligible_takers(ctx.session, duty) if e.id != ctx.actor.id]
    if cmd.to_employee_id is not None:
        targets = [e for e in targets if e.id == cmd.to_employee_id]
        if not targets:
            raise UserError(ctx.t("pegasus.swap_not_eligible"))
    elif not targets:
        raise UserError(ctx.t("pegasus.swap_no_candidates"))
    swap = Swap(
        duty_id=duty.id,
        from_employee_id=ctx.actor.id,
        to_employee_id=cmd.to_employee_id,
        status=SwapStatus.OFFERED,
        created_at=ctx.now,
    )
    ctx.session.add(swap)
    ctx.session.flush()
    ctx.audit("pegasus_swap_request", f"swap:{swap.id}", duty_id=duty.id, to=cmd.to_employee_id)
    one = cmd.to_employee_id is not None
    for person in targets:
        answer = [("pegasus.swap_accept", encode(SWAP_PREFIX, swap.id, "a"))]
        if one:
            answer.append(("pegasus.swap_decline", encode(SWAP_PREFIX, swap.id, "d")))
        else:
            answer = [("pegasus.swap_take", encode(SWAP_PREFIX, swap.id, "a"))]
        text = words(
            ctx,
            person,
            "pegasus.swap_asked" if one else "pegasus.swap_offered",
            duty.posting_date,
            name=ctx.actor.name,
        )
        ctx.notify(
            person,
            [buttons(ctx, person, text, *answer)],
            key=f"pegasus:swap:{swap.id}:ask:{person.id}",
        )
    if cmd.to_employee_id is not None:
        return [Text(ctx.t("pegasus.swap_sent_one", name=targets[0].name))]
    return [Text(ctx.t("pegasus.swap_sent_all", n=len(targets)))]


def _swap_row(ctx: ServiceCtx, swap_id: int | None) -> tuple[Swap, Duty]:
    swap = ctx.session.get(Swap, swap_id) if swap_id is not None else None
    if swap is None:
        raise UserError(ctx.t("core.stale_button"))
    return swap, duty_row(ctx, swap.duty_id)


def swap_action(ctx: ServiceCtx, payload: Payload) -> Outcome:
    """Buttons on a swap: the colleague accepts or declines, the PJ approves or rejects."""
    assert ctx.actor is not None
    swap, duty = _swap_row(ctx, payload.int_part(0))
    what = payload.part(1)
    if what in ("a", "d"):
        return Outcome(_colleague_answer(ctx, swap, duty, accept=what == "a"))
    if what in ("ok", "no"):
        return Outcome(_pj_decision(ctx, swap, duty, approve=what == "ok"))
    raise UserError(ctx.t("core.unknown_button"))


def _still_open(ctx: ServiceCtx, swap: Swap, duty: Duty, expected: str) -> None:
    if swap.status != expected:
        raise UserError(
            ctx.t("pegasus.swap_closed", status=ctx.t(f"pegasus.swap_status_{swap.status}"))
        )
    if duty.employee_id != swap.from_employee_id or duty.status not in OPEN_STATUSES:
        raise UserError(ctx.t("pegasus.swap_void"))


def _colleague_answer(ctx: ServiceCtx, swap: Swap, duty: Duty, *, accept: bool) -> list[Reply]:
    assert ctx.actor is not None
    me = ctx.actor.id
    if swap.to_employee_id is not None and swap.to_employee_id != me:
        raise UserError(ctx.t("pegasus.swap_not_for_you"))
    if swap.to_employee_id is None and not accept:
        raise UserError(ctx.t("core.unknown_button"))
    if swap.status == SwapStatus.ACCEPTED and swap.to_employee_id is None and swap.taker_id != me:
        raise UserError(ctx.t("pegasus.swap_taken"))
    _still_open(ctx, swap, duty, SwapStatus.OFFERED)
    requester = ctx.employee(swap.from_employee_id)
    day = duty.posting_date
    if not accept:
        swap.status = SwapStatus.DECLINED
        swap.decided_at = ctx.now
        text = ctx.t_for(requester, "pegasus.swap_declined_told", name=ctx.actor.name)
        ctx.notify(
            requester,
            [swap_offer(ctx, duty, requester, text)],
            key=f"pegasus:swap:{swap.id}:declined",
        )
        return [Text(ctx.t("pegasus.swap_declined"))]
    if not _eligible(ctx, duty, me):
        raise UserError(ctx.t("pegasus.swap_not_eligible"))
    swap.status = SwapStatus.ACCEPTED
    swap.taker_id = me
    ctx.session.flush()  # a second taker's press fails here on the version check
    ctx.audit("pegasus_swap_accept", f"swap:{swap.id}")
    tell(
        ctx,
        requester,
        "pegasus.swap_accepted_told",
        day,
        name=ctx.actor.name,
        message_key=f"pegasus:swap:{swap.id}:accepted",
    )
    for pj in ctx.holders("pj_pegasus"):
        text = words(
            ctx,
            pj,
            "pegasus.swap_approve_prompt",
            day,
            from_name=requester.name,
            to_name=ctx.actor.name,
        )
        decide = buttons(
            ctx,
            pj,
            text,
            ("pegasus.approve", encode(SWAP_PREFIX, swap.id, "ok")),
            ("pegasus.reject", encode(SWAP_PREFIX, swap.id, "no")),
        )
        ctx.notify(pj, [decide], key=f"pegasus:swap:{swap.id}:pj:{pj.id}")
    return [Text(said(ctx, "pegasus.swap_accepted", day))]


def _pj_decision(ctx: ServiceCtx, swap: Swap, duty: Duty, *, approve: bool) -> list[Reply]:
    require_role(ctx, "pj_pegasus")
    assert ctx.actor is not None
    _still_open(ctx, swap, duty, SwapStatus.ACCEPTED)
    assert swap.taker_id is not None
    requester = ctx.employee(swap.from_employee_id)
    taker = ctx.employee(swap.taker_id)
    day = duty.posting_date
    swap.decided_at = ctx.now
    swap.decided_by_id = ctx.actor.id
    if not approve:
        swap.status = SwapStatus.REJECTED
        ctx.audit("pegasus_swap_reject", f"swap:{swap.id}")
        for person in (requester, taker):
            tell(
                ctx,
                person,
                "pegasus.swap_rejected_told",
                day,
                name=requester.name,
                message_key=f"pegasus:swap:{swap.id}:rejected:{person.id}",
            )
        return [Text(ctx.t("pegasus.swap_rejected"))]
    if not _eligible(ctx, duty, taker.id):
        raise UserError(ctx.t("pegasus.swap_not_eligible"))
    swap.status = SwapStatus.APPROVED
    duty.employee_id = taker.id
    duty.status = DutyStatus.ASSIGNED  # a draft of the previous person is not the new one's
    duty.quote = None
    duty.photo_path = None
    duty.poster_path = None
    ctx.session.execute(
        update(Reminder)
        .where(Reminder.key.startswith(f"pegasus:duty:{duty.id}:"), Reminder.done_at.is_(None))
        .values(employee_id=taker.id)
    )
    ctx.session.flush()
    ctx.audit("pegasus_swap_approve", f"swap:{swap.id}", duty_id=duty.id, to=taker.nip)
    tell(
        ctx,
        requester,
        "pegasus.swap_approved_from",
        day,
        name=taker.name,
        extra=(cancel_calendar(ctx, duty, requester),),
        message_key=f"pegasus:swap:{swap.id}:approved:from",
    )
    tell(
        ctx,
        taker,
        "pegasus.swap_approved_to",
        day,
        name=requester.name,
        extra=(duty_calendar(ctx, [duty], taker, f"tukar-{swap.id}-{taker.id}"),),
        message_key=f"pegasus:swap:{swap.id}:approved:to",
    )
    return [
        Text(said(ctx, "pegasus.swap_approved", day, from_name=requester.name, to_name=taker.name))
    ]
