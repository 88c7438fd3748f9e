"""What the Pegasus services share: moments of a duty, files, people to tell, the row checks.

The times of day themselves (08:00 reminders and posting, 16:00 follow-up) are rules, in
`bot.flows.pegasus.rules`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.buttons import Button
from bot.calendar import (
    BULAN,
    DAYS_EN,
    HARI,
    MONTHS_EN,
    format_date,
    format_datetime,
    to_wib,
    wib_to_utc,
)
from bot.flows.pegasus.rules import FOLLOWUP_AT, POST_AT, REMIND_AT
from bot.messages import Choices, Option, Reply, Text
from bot.services.context import ServiceCtx, UserError
from storage.models import Employee
from storage.pegasus import Duty, PoolMember

PROGRAM = "sop330"

STEP_ROSTER = 1
STEP_TEMPLATE = 2
STEP_REMINDERS = 3
STEP_CONTENT = 4
STEP_POSTING = 5


def duty_ref(duty_id: int) -> str:
    """The step-record reference of a duty."""
    return f"duty:{duty_id}"


def duty_key(duty_id: int, what: str) -> str:
    """The reminder key of one of a duty's scheduled jobs."""
    return f"pegasus:duty:{duty_id}:{what}"


def post_moment(day: date) -> datetime:
    """The instant a poster of posting day `day` goes out (UTC)."""
    return wib_to_utc(day, POST_AT)


def reminder_moment(day: date, days_before: int) -> datetime:
    """H-n: `days_before` calendar days before the posting day, at 08:00 WIB."""
    return wib_to_utc(day - timedelta(days=days_before), REMIND_AT)


def followup_moment(ctx: ServiceCtx, posted_on: date) -> datetime:
    """16:00 WIB of the working day after `posted_on`: the end of step 5's one working day."""
    return wib_to_utc(ctx.calendar.add_working_days(posted_on, 1), FOLLOWUP_AT)


def today(ctx: ServiceCtx) -> date:
    """Today in WIB."""
    return to_wib(ctx.now).date()


def days_left(ctx: ServiceCtx, day: date) -> int:
    """Calendar days from today (WIB) to `day`."""
    return (day - today(ctx)).days


def short_date(day: date, lang: str = "id") -> str:
    """'Jumat, 11 Apr 2025': a date in a roster's heading."""
    month = (MONTHS_EN if lang == "en" else BULAN)[day.month - 1][:3]
    weekday = (DAYS_EN if lang == "en" else HARI)[day.weekday()]
    return f"{weekday}, {day.day} {month} {day.year}"


def cell_date(day: date, lang: str = "id") -> str:
    """'Jumat' over '11 April 2025': a date in a roster cell, on two lines of its own."""
    weekday = (DAYS_EN if lang == "en" else HARI)[day.weekday()]
    return (
        f"{weekday}\n{day.day} {(MONTHS_EN if lang == 'en' else BULAN)[day.month - 1]} {day.year}"
    )


def office_short(name: str) -> str:
    """'Bkl. Utara' for 'BPS Kabupaten Bengkulu Utara': fits one line of the roster's column."""
    short = name.removeprefix("BPS ").removeprefix("Kabupaten ")
    if short == "Provinsi Bengkulu":
        return "Provinsi"
    if short.startswith("Bengkulu "):
        return "Bkl. " + short.removeprefix("Bengkulu ")
    return short


def media_dir(ctx: ServiceCtx, *parts: str) -> Path:
    """A folder under the media store for Pegasus files (created when missing)."""
    folder = Path(ctx.settings.media_dir).joinpath("pegasus", *parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def reviewers(ctx: ServiceCtx) -> list[Employee]:
    """Who may approve posters: the PJ Pegasus and Humas."""
    seen: dict[int, Employee] = {}
    for person in [*ctx.holders("pj_pegasus"), *ctx.holders("humas")]:
        seen.setdefault(person.id, person)
    return list(seen.values())


def require_role(ctx: ServiceCtx, *roles: str) -> None:
    """Refuse unless the actor holds one of `roles` (admins hold every role)."""
    if ctx.actor is None or not ctx.actor.has(*roles):
        raise UserError(ctx.t("core.not_allowed"))


def duty_row(ctx: ServiceCtx, duty_id: int | None) -> Duty:
    """A duty by id, or a refusal saying the button no longer applies."""
    duty = ctx.session.get(Duty, duty_id) if duty_id is not None else None
    if duty is None:
        raise UserError(ctx.t("core.stale_button"))
    return duty


def own_duty(ctx: ServiceCtx, duty_id: int | None, *statuses: str) -> Duty:
    """The actor's own duty in one of `statuses`, or a clear refusal."""
    duty = duty_row(ctx, duty_id)
    assert ctx.actor is not None
    if duty.employee_id != ctx.actor.id:
        raise UserError(ctx.t("pegasus.not_your_duty"))
    if statuses and duty.status not in statuses:
        raise UserError(ctx.t("pegasus.duty_moved_on", status=status_text(ctx, duty.status)))
    return duty


def status_text(ctx: ServiceCtx, status: str) -> str:
    """A duty status in the actor's words."""
    return ctx.t(f"pegasus.status_{status}")


def pool_members(session: Session) -> list[PoolMember]:
    """Active pool members (employees still active), by name."""
    return list(
        session.scalars(
            select(PoolMember)
            .join(Employee, Employee.id == PoolMember.employee_id)
            .where(PoolMember.removed_at.is_(None), Employee.active)
            .order_by(Employee.name, Employee.id)
        )
    )


def when_text(day: date, lang: str) -> str:
    """'Jumat, 11 April 2025 pukul 08.00 WIB': the posting moment."""
    return format_datetime(post_moment(day), lang)


def words(ctx: ServiceCtx, who: Employee, key: str, day: date, **values: object) -> str:
    """A text in `who`'s language, its {date} being `day`."""
    return ctx.t_for(who, key, date=format_date(day, who.language), **values)


def tell(
    ctx: ServiceCtx,
    who: Employee,
    key: str,
    day: date,
    *,
    message_key: str,
    kind: str = "notification",
    extra: tuple[Reply, ...] = (),
    **values: object,
) -> None:
    """Queue one sentence about date `day` to `who` (plus `extra` replies), once."""
    ctx.notify(
        who, [Text(words(ctx, who, key, day, **values)), *extra], kind=kind, key=message_key
    )


def said(ctx: ServiceCtx, key: str, day: date, **values: object) -> str:
    """A text in the actor's language, its {date} being `day`."""
    return ctx.t(key, date=format_date(day, ctx.actor.language if ctx.actor else "id"), **values)


def buttons(ctx: ServiceCtx, who: Employee, text: str, *options: tuple[str, Button]) -> Choices:
    """`text` with buttons: (label key, button) pairs, labels in `who`'s language."""
    return Choices(
        text, tuple(Option(ctx.t_for(who, label), button.pack()) for label, button in options)
    )
