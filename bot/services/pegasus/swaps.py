"""Swapping a turn (SOP-330 step 1): the person on duty asks a colleague or the pool, a colleague
accepts, the PJ approves; reminders and calendar files follow the turn to its new holder."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.flows.pegasus import swaps as flows
from bot.flows.pegasus.rules import is_away
from bot.messages import Choices, Reply, Text
from bot.registry import Outcome
from bot.services import directory, notices
from bot.services.context import ServiceCtx, UserError
from bot.services.pegasus.buttons import HandOver, SwapAnswer
from bot.services.pegasus.common import (
    buttons,
    duty_row,
    pool_members,
    require_role,
    said,
    tell,
    today,
    words,
)
from bot.services.pegasus.ics import cancel_calendar, duty_calendar
from bot.services.pegasus.planning import absences_by_person, history
from storage.models import Employee, Reminder
from storage.pegasus import OPEN_STATUSES, Duty, DutyStatus, Swap, SwapStatus

MAX_SUGGESTIONS = 8


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


def swap_start_action(ctx: ServiceCtx, pressed: HandOver) -> Outcome:
    """The 'can't make it? hand it over' button of a reminder or of /pegasus."""
    return start_swap(ctx, duty_row(ctx, pressed.duty_id))


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
    with notices.watch(ctx) as told:
        _ask_takers(ctx, swap, duty, targets, one)
        told.says(
            ctx.actor.id,
            ctx.t("pegasus.swap_about"),
            ctx.t("pegasus.swap_sent_one", name=targets[0].name)
            if one
            else ctx.t("pegasus.swap_sent_all", n=len(targets)),
        )
    return [Text(ctx.t("pegasus.swap_saved"))]


def _ask_takers(
    ctx: ServiceCtx, swap: Swap, duty: Duty, targets: list[Employee], one: bool
) -> None:
    assert ctx.actor is not None
    for person in targets:
        answer = [("pegasus.swap_accept", SwapAnswer(swap.id, "a"))]
        if one:
            answer.append(("pegasus.swap_decline", SwapAnswer(swap.id, "d")))
        else:
            answer = [("pegasus.swap_take", SwapAnswer(swap.id, "a"))]
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


def _swap_row(ctx: ServiceCtx, swap_id: int | None) -> tuple[Swap, Duty]:
    swap = ctx.session.get(Swap, swap_id) if swap_id is not None else None
    if swap is None:
        raise UserError(ctx.t("core.stale_button"))
    return swap, duty_row(ctx, swap.duty_id)


def swap_action(ctx: ServiceCtx, pressed: SwapAnswer) -> Outcome:
    """Buttons on a swap: the colleague accepts or declines, the PJ approves or rejects."""
    assert ctx.actor is not None
    swap, duty = _swap_row(ctx, pressed.swap_id)
    if pressed.answer in ("a", "d"):
        return Outcome(_colleague_answer(ctx, swap, duty, accept=pressed.answer == "a"))
    return Outcome(_pj_decision(ctx, swap, duty, approve=pressed.answer == "ok"))


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
        with notices.watch(ctx) as told:
            ctx.notify(
                requester,
                [swap_offer(ctx, duty, requester, text)],
                key=f"pegasus:swap:{swap.id}:declined",
            )
            told.says(me, ctx.t("pegasus.swap_about"), ctx.t("pegasus.swap_declined"))
        return [Text(ctx.t("pegasus.swap_declined_saved"))]
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
            ("pegasus.approve", SwapAnswer(swap.id, "ok")),
            ("pegasus.reject", SwapAnswer(swap.id, "no")),
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
    both = ctx.t("pegasus.swap_both_told", from_name=requester.name, to_name=taker.name)
    if not approve:
        swap.status = SwapStatus.REJECTED
        ctx.audit("pegasus_swap_reject", f"swap:{swap.id}")
        with notices.watch(ctx) as told:
            for person in (requester, taker):
                tell(
                    ctx,
                    person,
                    "pegasus.swap_rejected_told",
                    day,
                    name=requester.name,
                    message_key=f"pegasus:swap:{swap.id}:rejected:{person.id}",
                )
            told.says(ctx.actor.id, ctx.t("pegasus.swap_about"), both)
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
    with notices.watch(ctx) as told:
        _tell_both_approved(ctx, swap, duty, requester, taker)
        told.says(ctx.actor.id, ctx.t("pegasus.swap_about"), both)
    return [
        Text(said(ctx, "pegasus.swap_approved", day, from_name=requester.name, to_name=taker.name))
    ]


def _tell_both_approved(
    ctx: ServiceCtx, swap: Swap, duty: Duty, requester: Employee, taker: Employee
) -> None:
    day = duty.posting_date
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


def swap_offer(ctx: ServiceCtx, duty: Duty, who: Employee, text: str) -> Choices:
    """A message with the button that starts handing over `duty`."""
    return buttons(ctx, who, text, ("pegasus.swap_button", HandOver(duty.id)))
