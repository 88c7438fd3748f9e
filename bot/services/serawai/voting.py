"""The Serawai vote (step 4): ballots, presses, reminders to non-voters, turnout, the tally."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.calendar import format_datetime, to_wib, wib_to_utc
from bot.flows.serawai.rules import REMIND_AT, Candidate
from bot.messages import Choices, Option, Reply, Text
from bot.registry import Outcome
from bot.services import directory
from bot.services.context import ServiceCtx, UserError
from bot.services.serawai.buttons import VoteButton
from bot.services.serawai.common import (
    PROGRAM,
    active_employees,
    broadcast,
    move,
    round_ref,
    the_actor,
)
from bot.services.serawai.rounds import active_proposals, offices_by_id
from storage.models import Employee, Reminder
from storage.serawai import (
    RoundStatus,
    SerawaiBallot,
    SerawaiProposal,
    SerawaiRound,
    SerawaiVote,
)

# -- step 4: the vote -----------------------------------------------------------------------

CHOSEN = "✅ "  # before the label of a theme the voter has chosen


def ballot_replies(
    ctx: ServiceCtx, lang: str, rnd: SerawaiRound, proposals: list[SerawaiProposal]
) -> list[Reply]:
    offices = offices_by_id(ctx.session)
    lines = "\n\n".join(
        ctx.catalog.t(
            "serawai.ballot_line",
            lang,
            n=i,
            title=p.title,
            office=offices[p.office_id].name,
            speaker=p.speaker,
            summary=p.summary if len(p.summary) <= 200 else p.summary[:199] + "…",
        )
        for i, p in enumerate(proposals, 1)
    )
    how = (
        ctx.catalog.t("serawai.ballot_many", lang, n=rnd.max_choices)
        if rnd.max_choices > 1
        else ctx.catalog.t("serawai.ballot_one", lang)
    )
    intro = ctx.catalog.t(
        "serawai.ballot_intro",
        lang,
        name=rnd.name,
        lines=lines,
        closes=format_datetime(rnd.voting_closes_at, lang),
    )
    return [Text(intro), Choices(how, ballot_options(rnd, proposals, set()))]


def ballot_options(
    rnd: SerawaiRound, proposals: list[SerawaiProposal], chosen: set[int]
) -> tuple[Option, ...]:
    """One button per theme, in the ballot's order; the voter's own choices marked ✅."""
    return tuple(
        Option(
            f"{CHOSEN}{p.title}" if p.id in chosen else p.title, VoteButton(rnd.id, p.id).pack()
        )
        for p in proposals
    )


def _ballot_again(ctx: ServiceCtx, rnd: SerawaiRound, said: str, chosen: set[int]) -> Outcome:
    """The answer to a press: what happened, and the ballot again with its buttons and ✅."""
    how = (
        ctx.t("serawai.ballot_change_many", k=len(chosen), n=rnd.max_choices)
        if rnd.max_choices > 1
        else ctx.t("serawai.ballot_change_one")
    )
    options = ballot_options(rnd, active_proposals(ctx.session, rnd.id), chosen)
    return Outcome([Choices(f"{said}\n\n{how}", options)])


def open_voting(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    rnd = ctx.session.get(SerawaiRound, row.args.get("round_id"))
    opened = SerawaiRound.status == RoundStatus.PROPOSALS
    if rnd is None or not move(ctx, rnd, opened, status=RoundStatus.VOTING):
        return False
    ref = round_ref(rnd.id)
    ctx.step_done(PROGRAM, 3, ref)
    proposals = active_proposals(ctx.session, rnd.id)
    if not proposals:
        rnd.status = RoundStatus.CANCELLED
        rnd.closed_at = ctx.now
        for member in ctx.holders("can"):
            text = ctx.t_for(member, "serawai.no_proposals", name=rnd.name)
            ctx.notify(member, [Text(text)], key=f"serawai:{rnd.id}:no-proposals:{member.id}")
        return True
    ctx.step_started(PROGRAM, 4, ref, f"{rnd.voting_days}wd")
    # A ballot is of no use after the close: a copy held for WhatsApp is dropped then.
    before, ctx.valid_until = ctx.valid_until, rnd.voting_closes_at
    try:
        broadcast(
            ctx,
            f"serawai:{rnd.id}:ballot",
            lambda lang: ballot_replies(ctx, lang, rnd, proposals),
        )
    finally:
        ctx.valid_until = before
    close_day = to_wib(rnd.voting_closes_at).date()
    open_day = to_wib(ctx.now).date()
    reminders = {
        "midpoint": wib_to_utc(
            ctx.calendar.add_working_days(open_day, max(1, rnd.voting_days // 2)), REMIND_AT
        ),
        "h-2": wib_to_utc(ctx.calendar.add_working_days(close_day, -2), REMIND_AT),
    }
    for which, due in reminders.items():
        if ctx.now < due < rnd.voting_closes_at:
            ctx.schedule(
                f"serawai:{rnd.id}:vote-reminder:{which}",
                "serawai.vote_reminder",
                due,
                args={"round_id": rnd.id, "which": which},
                group_key=f"serawai:{rnd.id}:vote-reminder",
                not_after=rnd.voting_closes_at,
            )
    ctx.schedule(
        f"serawai:{rnd.id}:close-voting",
        "serawai.close_voting",
        rnd.voting_closes_at,
        args={"round_id": rnd.id},
    )
    return True


def _voting_round(ctx: ServiceCtx, round_id: int | None) -> SerawaiRound:
    """The round, share-locked so the close waits for this vote (PostgreSQL; SQLite serialises)."""
    rnd = ctx.session.scalar(
        select(SerawaiRound).where(SerawaiRound.id == round_id).with_for_update(read=True)
    )
    if rnd is None or rnd.status != RoundStatus.VOTING or ctx.now >= rnd.voting_closes_at:
        raise UserError(ctx.t("serawai.vote_closed"))
    return rnd


def _locked_ballot(ctx: ServiceCtx, rnd: SerawaiRound, employee_id: int, office_id: int) -> int:
    """The voter's ballot id, created if needed and row-locked, so presses apply one by one."""
    touch = (
        update(SerawaiBallot)
        .where(SerawaiBallot.round_id == rnd.id, SerawaiBallot.employee_id == employee_id)
        .values(changes=SerawaiBallot.changes)  # a write that changes nothing: the row lock
        .execution_options(synchronize_session=False)
    )
    if not ctx.session.execute(touch).rowcount:  # type: ignore[attr-defined]
        try:
            with ctx.session.begin_nested():
                ctx.session.add(
                    SerawaiBallot(
                        round_id=rnd.id,
                        employee_id=employee_id,
                        office_id=office_id,
                        cast_at=ctx.now,
                        updated_at=ctx.now,
                        changes=0,
                    )
                )
        except IntegrityError:
            ctx.session.execute(touch)  # a simultaneous first press won: wait for its lock
    ballot_id = ctx.session.scalar(
        select(SerawaiBallot.id).where(
            SerawaiBallot.round_id == rnd.id, SerawaiBallot.employee_id == employee_id
        )
    )
    assert ballot_id is not None
    return ballot_id


def vote(ctx: ServiceCtx, pressed: VoteButton) -> Outcome:
    """Record (or change) the presser's ballot; answer with the ballot again, choices marked.

    With one choice a press on another theme changes the vote; with up to K a press toggles
    its theme, and the press that would make K+1 is told the limit.
    """
    actor = the_actor(ctx)
    rnd = _voting_round(ctx, pressed.round_id)
    proposal = ctx.session.get(SerawaiProposal, pressed.proposal_id)
    if proposal is None or proposal.round_id != rnd.id or proposal.withdrawn_at is not None:
        raise UserError(ctx.t("core.stale_button"))
    ballot_id = _locked_ballot(ctx, rnd, actor.id, actor.office_id)
    chosen = set(
        ctx.session.scalars(
            select(SerawaiVote.proposal_id).where(SerawaiVote.ballot_id == ballot_id)
        )
    )
    if rnd.max_choices == 1:
        wanted = {proposal.id}
    elif proposal.id in chosen:
        wanted = chosen - {proposal.id}
    elif len(chosen) >= rnd.max_choices:
        return _ballot_again(ctx, rnd, ctx.t("serawai.vote_too_many", n=rnd.max_choices), chosen)
    else:
        wanted = chosen | {proposal.id}
    if chosen - wanted:
        ctx.session.execute(
            delete(SerawaiVote).where(
                SerawaiVote.ballot_id == ballot_id,
                SerawaiVote.proposal_id.in_(chosen - wanted),
            )
        )
    for proposal_id in sorted(wanted - chosen):
        ctx.session.add(SerawaiVote(ballot_id=ballot_id, proposal_id=proposal_id))
    if chosen and wanted != chosen:
        ctx.session.execute(
            update(SerawaiBallot)
            .where(SerawaiBallot.id == ballot_id)
            .values(changes=SerawaiBallot.changes + 1, updated_at=ctx.now)
            .execution_options(synchronize_session=False)
        )
    if not wanted:
        ctx.session.execute(delete(SerawaiBallot).where(SerawaiBallot.id == ballot_id))
        return _ballot_again(ctx, rnd, ctx.t("serawai.vote_empty"), wanted)
    titles = [p.title for p in active_proposals(ctx.session, rnd.id) if p.id in wanted]
    closes = format_datetime(rnd.voting_closes_at, actor.language)
    key = "serawai.vote_changed" if chosen and chosen != wanted else "serawai.vote_recorded"
    return _ballot_again(ctx, rnd, ctx.t(key, choices="; ".join(titles), closes=closes), wanted)


def voters(session: Session, round_id: int) -> set[int]:
    """Employees with a ballot in the round."""
    return set(
        session.scalars(
            select(SerawaiBallot.employee_id).where(SerawaiBallot.round_id == round_id)
        )
    )


def vote_reminder(ctx: ServiceCtx, row: Reminder, _overdue: int) -> bool:
    rnd = ctx.session.get(SerawaiRound, row.args.get("round_id"))
    if rnd is None or rnd.status != RoundStatus.VOTING or ctx.now >= rnd.voting_closes_at:
        return False
    voted = voters(ctx.session, rnd.id)
    missing = [e for e in active_employees(ctx) if e.id not in voted]
    if not missing:
        return False
    proposals = active_proposals(ctx.session, rnd.id)
    left = ctx.calendar.working_days_between(
        to_wib(ctx.now).date(), to_wib(rnd.voting_closes_at).date()
    )

    def replies(lang: str) -> list[Reply]:
        nudge = ctx.catalog.t("serawai.vote_reminder", lang, name=rnd.name, days=left)
        return [Text(nudge), ballot_replies(ctx, lang, rnd, proposals)[-1]]

    key = f"serawai:{rnd.id}:vote-reminder:{row.args.get('which')}"
    broadcast(ctx, key, replies, people=missing, kind="reminder")
    return True


@dataclass(frozen=True)
class OfficeTurnout:
    """Ballots and employees of one office."""

    code: str
    name: str
    voted: int
    employees: int


def turnout(session: Session, round_id: int) -> list[OfficeTurnout]:
    """Turnout per office: how many voted, never for what."""
    employees = dict(
        session.execute(
            select(Employee.office_id, func.count())
            .where(Employee.active)
            .group_by(Employee.office_id)
        ).all()
    )
    voted = dict(
        session.execute(
            select(SerawaiBallot.office_id, func.count())
            .where(SerawaiBallot.round_id == round_id)
            .group_by(SerawaiBallot.office_id)
        ).all()
    )
    return [
        OfficeTurnout(o.code, o.name, int(voted.get(o.id, 0)), int(employees.get(o.id, 0)))
        for o in directory.offices(session)
    ]


def tally(session: Session, rnd: SerawaiRound) -> list[Candidate]:
    """Votes and distinct voter offices of every proposal still standing."""
    counts = {
        proposal_id: (votes, offices)
        for proposal_id, votes, offices in session.execute(
            select(
                SerawaiVote.proposal_id,
                func.count(SerawaiVote.id),
                func.count(func.distinct(SerawaiBallot.office_id)),
            )
            .join(SerawaiBallot, SerawaiBallot.id == SerawaiVote.ballot_id)
            .where(SerawaiBallot.round_id == rnd.id)
            .group_by(SerawaiVote.proposal_id)
        )
    }
    return [
        Candidate(p.id, p.title, p.created_at, *counts.get(p.id, (0, 0)))
        for p in active_proposals(session, rnd.id)
    ]
