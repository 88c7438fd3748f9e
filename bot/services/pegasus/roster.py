"""The roster (SOP-330 step 1): the preview, publishing (every duty gets its scheduled jobs,
everyone in the pool the roster image, each person on duty a calendar file), and `/jadwal`."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.calendar import format_date
from bot.flows.pegasus import roster as flows
from bot.flows.pegasus.rules import POST_AT
from bot.messages import Image, Reply, Text
from bot.registry import Outcome
from bot.services import notices
from bot.services.context import ServiceCtx, UserError
from bot.services.pegasus.common import (
    PROGRAM,
    STEP_ROSTER,
    cell_date,
    media_dir,
    office_short,
    pool_members,
    require_role,
    short_date,
    today,
)
from bot.services.pegasus.due import schedule_duty
from bot.services.pegasus.ics import duty_calendar
from bot.services.pegasus.planning import plan_roster
from storage.pegasus import Duty, DutyStatus, RosterPeriod

if TYPE_CHECKING:
    from bot.rendering.roster import RosterRow


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
    with notices.watch(ctx) as told:  # "everyone has the roster" once everyone has
        _announce(ctx, period, duties, pages)
        told.says(ctx.actor.id, ctx.t("pegasus.roster_about"), ctx.t("pegasus.roster_told"))
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


def show_roster(ctx: ServiceCtx, _args: str) -> Outcome:
    """/jadwal: the current (or next) roster as an image, the actor's own week highlighted."""
    assert ctx.actor is not None
    now_day = today(ctx)
    period = ctx.session.scalar(
        select(RosterPeriod)
        .where(RosterPeriod.end_date >= now_day)
        .order_by(RosterPeriod.start_date)
        .limit(1)
    ) or ctx.session.scalar(select(RosterPeriod).order_by(RosterPeriod.end_date.desc()).limit(1))
    if period is None:
        return Outcome([Text(ctx.t("pegasus.no_roster"))])
    mine = list(
        ctx.session.scalars(
            select(Duty)
            .where(Duty.period_id == period.id, Duty.employee_id == ctx.actor.id)
            .order_by(Duty.posting_date)
        )
    )
    lang = ctx.actor.language
    upcoming = [d for d in mine if d.posting_date >= now_day]
    highlight = upcoming[0].week if upcoming else None
    pages = render_period(ctx, period, highlight)
    if upcoming:
        dates = ", ".join(format_date(d.posting_date, lang) for d in upcoming)
        yours = ctx.t("pegasus.roster_you", dates=dates)
    else:
        yours = ctx.t("pegasus.roster_not_you")
    head = ctx.t(
        "pegasus.roster_head",
        start=format_date(period.start_date, lang),
        end=format_date(period.end_date, lang),
    )
    return Outcome([Text(f"{head}\n{yours}"), *(Image(str(p)) for p in pages)])
